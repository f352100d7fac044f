"""What /profile's card shows, gathered inside the event's transaction; drawn after it.

The rank is the all-time board's (the one a level measures): this community's in a group or
server, everyone's in a private chat, and the card and the text both say which.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from core.context import QuickContext
from core.db.models import Achievement
from core.features.cards.render import CardData, render_card
from core.features.leaderboard import Boards
from core.messages import Drawing
from core.rules.levels import LevelProgress

CARD_FILENAME = "rank-card.png"


async def rank_of(context: QuickContext) -> tuple[int | None, str]:
    """(rank or None when not ranked, which board: "in <community>" or "global")."""
    community = context.community
    mine = await context.uow.repository(Boards).rank_of(
        context.user.id, community_id=community.id if community else None
    )
    scope = "global"
    if community is not None:
        scope = f"in {community.name}" if community.name else "in this community"
    return (mine.rank if mine else None), scope


def rank_line(rank: int | None, scope: str, hidden: bool) -> str:
    if rank is not None:
        return f"🏆 Rank: #{rank} {scope} (all time)"
    if hidden:
        return "🏆 Rank: hidden from boards (change it in /settings)"
    return f"🏆 Rank: not ranked {scope} yet"


def card_drawing(
    context: QuickContext,
    progress: LevelProgress,
    next_line: str,
    rank: tuple[int | None, str],
    streak: int,
    owned: Sequence[tuple[Achievement, datetime]],
) -> Drawing | None:
    """The card to draw after the commit, or None when the learner turned cards off."""
    user = context.user
    if user.card_opt_out:
        return None
    newest = sorted(owned, key=lambda pair: pair[1], reverse=True)
    data = CardData(
        name=user.display_name,
        level=progress.level,
        title=progress.title,
        xp=user.xp,
        fraction=progress.fraction,
        next_text=next_line,
        rank=rank[0],
        rank_scope=rank[1],
        streak=streak,
        longest=user.streak_longest,
        badges=tuple((badge.title, badge.rarity) for badge, _ in newest),
        badge_count=len(owned),
    )
    return Drawing(partial(render_card, data), CARD_FILENAME)
