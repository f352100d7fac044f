"""Making platform text safe to store: no NULs, no lone surrogates, bounded sizes.

Both can arrive in JSON from a platform (`"\\u0000"`, `"\\ud800"`), and both break databases:
PostgreSQL rejects NUL in text and no UTF-8 encoder accepts a lone surrogate.
"""

from __future__ import annotations

from dataclasses import replace

from core.messages import Incoming

MAX_NAME_CHARS = 100


def clean_text(text: str) -> str:
    if text.isascii() and "\x00" not in text:
        return text
    repaired = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return repaired.replace("\x00", "\ufffd")


def clean_incoming(incoming: Incoming) -> Incoming:
    user = incoming.user
    name = clean_text(user.display_name)[:MAX_NAME_CHARS].strip() or user.id
    return replace(
        incoming,
        text=clean_text(incoming.text),
        args=tuple(clean_text(arg) for arg in incoming.args),
        body=clean_text(incoming.body),
        user=replace(user, display_name=name, id=clean_text(user.id)),
    )
