"""Deep links `t.me/<bot>?start=<payload>` that carry a personal activity from a group into
the learner's private chat.

A deep link is data, never a command (DESIGN §9): anyone can craft one and get someone else
to tap it. So a payload is accepted only when it names a command that continues in private
(`continuable`: those whose venue, in the registry, is not ANYWHERE, with plain option words)
AND it was made for the
learner who taps it: the payload ends in a MAC of that learner's Telegram id and the words,
keyed by a secret only this bot holds. Anything else (another command, someone else's link, a
`?startgroup=` payload) decodes to nothing, and the learner gets the plain greeting.

A start payload allows only [A-Za-z0-9_-] and 64 characters, so the words travel as unpadded
base64url behind a short prefix, then the 8-character tag; words that do not fit are dropped
from the end.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

PREFIX = "go-"
# Telegram opens a deep link by sending "/start <payload>": the platform's word, which it sends
# whatever Dojo's commands are called.
START = "start"
PAYLOAD_LIMIT = 64
TAG_LENGTH = 8  # 6 bytes of HMAC-SHA256 in base64url
MAX_WORDS = 4
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_WORD = re.compile(r"^[A-Za-z0-9+#._-]{1,24}$")


def link_key(bot_token: str) -> bytes:
    """The MAC key, derived from the bot's token (secret, and stable across restarts)."""
    return hashlib.sha256(b"dojo deep link\x00" + bot_token.encode()).digest()


def _tag(key: bytes, user_id: int, body: str) -> str:
    mac = hmac.new(key, f"{user_id}:{body}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:6]).decode()


def encode_payload(
    key: bytes,
    user_id: int,
    command: str,
    args: tuple[str, ...] = (),
    continuable: frozenset[str] = frozenset(),
) -> str:
    """A payload that only `user_id` can use, or "" for a command that may not continue."""
    if command not in continuable:
        return ""
    words = [command, *(word for word in args[:MAX_WORDS] if _WORD.match(word))]
    room = PAYLOAD_LIMIT - len(PREFIX) - TAG_LENGTH
    while True:
        body = base64.urlsafe_b64encode(" ".join(words).encode()).decode().rstrip("=")
        if len(body) <= room or len(words) == 1:
            return PREFIX + body + _tag(key, user_id, body)
        words.pop()


def decode_payload(
    key: bytes, user_id: int, payload: str, continuable: frozenset[str] = frozenset()
) -> tuple[str, tuple[str, ...]] | None:
    """(command, args) from a payload this bot made for `user_id`, or None for anything else."""
    if not payload.startswith(PREFIX) or not _PAYLOAD.match(payload):
        return None
    rest = payload[len(PREFIX) :]
    body, tag = rest[:-TAG_LENGTH], rest[-TAG_LENGTH:]
    if not body or not hmac.compare_digest(tag, _tag(key, user_id, body)):
        return None
    try:
        text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    words = text.split()
    if not words or words[0] not in continuable or len(words) > MAX_WORDS + 1:
        return None
    if not all(_WORD.match(word) for word in words[1:]):
        return None
    return words[0], tuple(words[1:])


def start_link(bot_username: str, payload: str = "") -> str:
    base = f"https://t.me/{bot_username}"
    return f"{base}?start={payload}" if payload else base
