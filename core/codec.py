"""Callback data for buttons and polls: `action:arg:arg`, stateless and restart-safe.

The encoded form must fit Telegram's 64-byte callback_data and Discord's 100-character custom_id,
so actions use short names and arguments are short ids. Decoding treats the data as untrusted:
handlers still check that the session an id points to belongs to the presser.
"""

from __future__ import annotations

import re

from core.messages import Action

MAX_BYTES = 64  # Telegram's limit is the tighter of the two
PREFIX = "dj"
_SEPARATOR = ":"
_SAFE = re.compile(r"^[A-Za-z0-9_.\-]*$")


class CodecError(ValueError):
    """Callback data that Dojo did not produce or can no longer understand."""


def encode(name: str, *args: object) -> str:
    parts = [PREFIX, name, *(str(arg) for arg in args)]
    for part in parts:
        if not _SAFE.match(part):
            raise CodecError(f"unsafe callback part {part!r}")
    data = _SEPARATOR.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CodecError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> Action:
    if not data or len(data.encode()) > MAX_BYTES:
        raise CodecError("callback data empty or too long")
    prefix, _, rest = data.partition(_SEPARATOR)
    if prefix != PREFIX or not rest:
        raise CodecError("not Dojo callback data")
    name, *args = rest.split(_SEPARATOR)
    if not name or not all(_SAFE.match(part) for part in (name, *args)):
        raise CodecError("malformed callback data")
    return Action(name, tuple(args))
