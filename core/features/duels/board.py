"""Duel ratings shown: `/leaderboard duels` (this community's board) and a /profile line."""

from __future__ import annotations

from core.context import QuickContext
from core.errors import UserError
from core.features.duels.rating import shown
from core.features.duels.store import DuelStore
from core.messages import Reply
from core.text import Doc, bold

MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


async def duel_board(context: QuickContext, community_id: int | None) -> list[Reply]:
    """The community's duel ratings, best first (ratings are per community, so no global one:
    `community_id` None is refused)."""
    if community_id is None:
        raise UserError("Duel ratings are per community: use /leaderboard duels in a group.")
    rows = await context.uow.repository(DuelStore).board(community_id)
    lines: list[object] = [bold("⚔️ Duel ratings · this community")]
    if not rows:
        lines.append("No rated duels yet. Challenge someone: /duel.")
    for rank, (row, user) in enumerate(rows, 1):
        medal = MEDALS.get(rank, f"{rank}.")
        record = f"{row.wins} won of {row.rated}"
        lines.append((f"{medal} ", bold(user.display_name), f" · {shown(row.ordinal)} · {record}"))
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]


async def profile_line(context: QuickContext) -> str | None:
    """`⚔️ Duels: 1138 (1 won of 1)`: here in a community, else the best of the learner's."""
    rows = await context.uow.repository(DuelStore).ratings_of(context.user.id)
    if context.community is not None:
        rows = [row for row in rows if row.community_id == context.community.id]
    if not rows:
        return None
    best = rows[0]
    where = "" if context.community is not None or len(rows) == 1 else " (your best community)"
    return f"⚔️ Duel rating: {shown(best.ordinal)}{where} · {best.wins} won of {best.rated}"
