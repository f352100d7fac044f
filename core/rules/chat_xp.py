"""Chat XP in communities, with anti-farming rules (DESIGN §5)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

CHAT_COOLDOWN = timedelta(seconds=60)
MIN_CHARS = 10
RECENT_KEPT = 5


@dataclass(frozen=True)
class ChatXpDecision:
    award: bool
    recent_digests: tuple[str, ...]
    reason: str = ""


def digest(text: str) -> str:
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode()).hexdigest()[:16]


def chat_xp_decision(
    text: str,
    now: datetime,
    last_award_at: datetime | None,
    recent_digests: tuple[str, ...],
) -> ChatXpDecision:
    """Whether a community message earns chat XP, and the learner's updated recent messages."""
    stripped = text.strip()
    if len(stripped) < MIN_CHARS:
        return ChatXpDecision(False, recent_digests, "too short")
    message_digest = digest(stripped)
    updated = (*recent_digests, message_digest)[-RECENT_KEPT:]
    if message_digest in recent_digests:
        return ChatXpDecision(False, updated, "repeated")
    if last_award_at is not None and now - last_award_at < CHAT_COOLDOWN:
        return ChatXpDecision(False, updated, "cooldown")
    return ChatXpDecision(True, updated)
