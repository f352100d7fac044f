"""Page addresses: a random token per community, found again by its SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets

# 24 random bytes: 32 URL-safe characters, 192 bits no one guesses.
TOKEN_BYTES = 24
# What a token can look like; anything else in the path is a 404 without a database query.
TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{20,64}")
PAGE_PREFIX = "/board/"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps and looks up: a lookup's timing then depends on the hash, which
    tells a guesser nothing about the real token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def page_path(token: str) -> str:
    return PAGE_PREFIX + token


def page_address(public_url: str | None, token: str) -> str | None:
    """The full address under DOJO_PUBLIC_URL, or None when that is unset."""
    return None if not public_url else public_url.rstrip("/") + page_path(token)
