"""The line that tells a learner what XP an action earned, and why, piece by piece.

A total alone misleads: a 33% quiz that also unlocked a badge used to say "+23 XP" as if the
quiz had earned it. So every piece is named ("+25 XP: 10 for quiz 2/5 right, 15 for the badge
Quiz Rookie"), an allowance that halved an award says so, and one that is used up says when it
comes back. Handlers put `xp_note(outcome)` where they used to print "+N XP".
"""

from __future__ import annotations

from core.progress import Outcome, XpItem
from core.rules.xp import Stage

RESETS = "resets at midnight your time"


def _why(item: XpItem) -> str:
    if item.stage is Stage.HALVED and item.cap is not None:
        return f"{item.reason} (half XP: over {item.cap.full} {item.cap.plural} today)"
    return item.reason


def _capped(item: XpItem) -> str:
    assert item.cap is not None
    cap = item.cap
    return (
        f"no XP for this {cap.noun}: the daily cap on {cap.plural} is reached "
        f"({cap.full} at full XP, {cap.halved} more at half); it {RESETS}"
    )


def xp_note(*outcomes: Outcome, nothing: str = "") -> str:
    """What the outcomes earned, itemised. `nothing` says why the activity itself earned no
    XP when no allowance explains it (a quiz with no new right answer); a repeated event
    (a duplicate outcome) earns nothing and says nothing."""
    items = [item for outcome in outcomes for item in outcome.items]
    parts = [_capped(item) for item in items if item.stage is Stage.CAPPED]
    if nothing and not any(not item.bonus for item in items):
        parts.append(nothing)
    paid = [item for item in items if item.amount]
    total = sum(item.amount for item in paid)
    if len(paid) == 1:
        parts.append(f"+{total} XP for {_why(paid[0])}")
    elif paid:
        parts.append(f"+{total} XP: " + ", ".join(f"{i.amount} for {_why(i)}" for i in paid))
    note = "; ".join(parts)
    return note[:1].upper() + note[1:]
