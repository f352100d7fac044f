"""The key a month's AI spend is kept under: a one-way hash of the platform identity.

The spend must outlive the learner row (`/forget` then `/start` must not buy a fresh month), yet
`/forget` deletes every personal datum. So the spend row keeps no user id and no platform id,
only `sha256(SALT || "platform:id")`, the month and the amounts.

Why a fixed, public salt rather than a configured secret: the hash has to be the same in every
process and after every restart and restore, or the month's spend is lost (a budget bypass);
a secret adds a setting whose loss or rotation resets every budget. What the salt buys is a
hash that matches nothing outside Dojo (no shared lookup table of hashed Telegram ids). What it
cannot buy is secrecy against someone who already holds both the database and a candidate id:
they can hash the id and find that it spent $X in some month. That is all a row tells; it
names no one, holds no content, and cannot be turned back into an id without guessing ids.

A learner with several linked accounts keeps one row per month, under the smallest of their
accounts' hashes: deterministic, so every process picks the same row for the same learner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SALT = b"dojo:ai-spend:v1\x00"


def identity_key(platform: str, platform_user_id: str) -> str:
    """The spend key of one platform account (64 hex characters)."""
    identity = f"{platform}:{platform_user_id}".encode()
    return hashlib.sha256(SALT + identity).hexdigest()


def learner_key(accounts: Iterable[tuple[str, str]]) -> str | None:
    """The key of a learner's spend: the smallest of their accounts' keys (None: no account)."""
    return min((identity_key(platform, user_id) for platform, user_id in accounts), default=None)
