"""/leaderboard [week|all] [here|global]."""

from __future__ import annotations

from datetime import datetime

from core.command_meta import Param
from core.context import QuickContext
from core.db.repository import Repository
from core.errors import UserError
from core.kinds import Kind
from core.leaderboard import Entry, rank_of, top, week_start
from core.messages import Reply
from core.registry import command
from core.text import Doc, bold

USAGE = "Use /leaderboard [week|all] [here|global], for example /leaderboard week here."
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


def parse_scope(args: tuple[str, ...], in_community: bool) -> tuple[str, str]:
    period, scope = "week", "here" if in_community else "global"
    if len(args) > 2:
        raise UserError(f"Too many words for /leaderboard. {USAGE}")
    for arg in args:
        word = arg.lower()
        if word in ("week", "all"):
            period = word
        elif word in ("here", "global"):
            scope = word
        else:
            raise UserError(f"'{arg[:20]}' is not a leaderboard option. {USAGE}")
    if scope == "here" and not in_community:
        raise UserError("'here' only works in a group or server; this chat shows the global board.")
    return period, scope


class Boards(Repository):
    """The leaderboards' two queries (core.leaderboard), over the unit of work's session."""

    async def top(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        community_id: int | None = None,
        limit: int = 10,
    ) -> list[Entry]:
        return await top(
            self.session, since=since, until=until, community_id=community_id, limit=limit
        )

    async def rank_of(
        self, user_id: int, *, since: datetime | None = None, community_id: int | None = None
    ) -> Entry | None:
        return await rank_of(self.session, user_id, since=since, community_id=community_id)


def format_entry(entry: Entry) -> tuple[object, ...]:
    medal = MEDALS.get(entry.rank, f"{entry.rank}.")
    return (f"{medal} ", bold(entry.name), f" · {entry.score} XP · level {entry.level}")


@command(
    "leaderboard",
    "Weekly or all-time rankings, here or global",
    "/leaderboard [week|all] [here|global]",
    kind=Kind.QUICK,
    params=(
        Param("period", "This week or all time", choices=("week", "all")),
        Param("scope", "This server or everyone", choices=("here", "global")),
    ),
)
async def leaderboard(context: QuickContext) -> list[Reply]:
    period, scope = parse_scope(context.incoming.args, context.community is not None)
    community_id = context.community.id if scope == "here" and context.community else None
    # Weeks run Monday to Sunday in UTC on every board, so everyone's week is the same one.
    since = week_start(context.now) if period == "week" else None
    boards = context.uow.repository(Boards)
    entries = await boards.top(since=since, community_id=community_id)
    where = "this community" if community_id else "everyone"
    title = f"🏆 {'This week' if period == 'week' else 'All time'} · {where}"
    lines: list[object] = [bold(title)]
    if not entries and context.user.leaderboard_opt_out:
        lines.append("No one else is on this board yet.")  # they may have XP: hidden, not zero
    elif not entries:
        lines.append("No XP earned yet. Be the first: try /quiz.")
    lines.extend(format_entry(entry) for entry in entries)
    if all(entry.user_id != context.user.id for entry in entries):  # else they see themselves
        mine = await boards.rank_of(context.user.id, since=since, community_id=community_id)
        if mine is not None:
            lines.append(f"… you: #{mine.rank} with {mine.score} XP")
        elif context.user.leaderboard_opt_out:
            lines.append("You are hidden from public boards (change it in /settings).")
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]
