"""Deep links `t.me/<bot>?start=<payload>` that carry a command from a group into a private chat.

A start payload allows only [A-Za-z0-9_-] and 64 characters, so the command line travels as
unpadded base64url behind a short prefix; whatever does not fit is cut at a word boundary.
"""

from __future__ import annotations

import base64
import binascii
import re

PREFIX = "go-"
PAYLOAD_LIMIT = 64
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def encode_payload(command: str, args: tuple[str, ...] = ()) -> str:
    words = [command, *args]
    while True:
        raw = " ".join(words).encode()
        payload = PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")
        if len(payload) <= PAYLOAD_LIMIT or len(words) == 1:
            return payload[:PAYLOAD_LIMIT]
        words.pop()


def decode_payload(payload: str) -> tuple[str, tuple[str, ...]] | None:
    """(command, args) from a payload Dojo made, or None for anything else."""
    if not payload.startswith(PREFIX) or not _PAYLOAD.match(payload):
        return None
    body = payload[len(PREFIX) :]
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    words = text.split()
    if not words or not re.match(r"^[a-z][a-z0-9_]{0,31}$", words[0]):
        return None
    return words[0], tuple(words[1:])


def start_link(bot_username: str, payload: str = "") -> str:
    base = f"https://t.me/{bot_username}"
    return f"{base}?start={payload}" if payload else base
