"""/leaderboard [week|month|duels|winners|all] [here|global].

The first word picks a board from BOARDS, a table from the word to the function that answers
it, so another board (the duels helper's ratings) is one entry there; the second picks the
scope. The usage line is built from the command's declared parameters, so the words a chat
user is told and the choices a platform offers are the same ones.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from core.command_meta import Param, usage_line
from core.context import QuickContext
from core.db.repository import Repository
from core.errors import UserError
from core.features.duels.board import duel_board
from core.features.seasons.hall_of_fame import hall_of_fame
from core.kinds import Kind
from core.leaderboard import Entry, rank_of, top, week_start
from core.messages import Reply
from core.registry import command
from core.rules.periods import Cadence, period_at
from core.text import Doc, bold

BOARD_WORDS = ("week", "month", "duels", "winners", "all")
SCOPE_WORDS = ("here", "global")
PARAMS = (
    Param(
        "period",
        "This week, this month, duel ratings, past winners or all time",
        choices=BOARD_WORDS,
        shown=f"[{'|'.join(BOARD_WORDS)}]",
    ),
    Param(
        "scope", "This server or everyone", choices=SCOPE_WORDS, shown=f"[{'|'.join(SCOPE_WORDS)}]"
    ),
)
USAGE = usage_line("leaderboard", PARAMS)
EXAMPLE = "/leaderboard month here"
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}


@dataclass(frozen=True)
class Scope:
    """Whose board: a community's (in its time zone) or everyone's (in UTC)."""

    community_id: int | None
    time_zone: str

    @property
    def where(self) -> str:
        return "this community" if self.community_id else "everyone"


BoardHandler = Callable[[QuickContext, Scope], Awaitable[list[Reply]]]


def _refused(reason: str) -> UserError:
    return UserError(f"{reason} Use {USAGE}, for example {EXAMPLE}.")


def parse_words(args: tuple[str, ...], in_community: bool) -> tuple[str, str]:
    """(board word, scope word): each at most once, in either order, defaults week and here
    (or global outside a community)."""
    board: str | None = None
    scope: str | None = None
    if len(args) > 2:
        raise _refused("Too many words for /leaderboard.")
    for arg in args:
        word = arg.lower()
        if word in BOARD_WORDS and board is None:
            board = word
        elif word in SCOPE_WORDS and scope is None:
            scope = word
        elif word in BOARD_WORDS or word in SCOPE_WORDS:
            raise _refused(f"'{arg[:20]}' picks again what another word picked already.")
        else:
            raise _refused(f"'{arg[:20]}' is not a leaderboard option.")
    scope = scope or ("here" if in_community else "global")
    if scope == "here" and not in_community:
        raise UserError("'here' only works in a group or server; this chat shows the global board.")
    return board or "week", scope


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
        self,
        user_id: int,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        community_id: int | None = None,
    ) -> Entry | None:
        return await rank_of(
            self.session, user_id, since=since, until=until, community_id=community_id
        )


def format_entry(entry: Entry) -> tuple[object, ...]:
    medal = MEDALS.get(entry.rank, f"{entry.rank}.")
    return (f"{medal} ", bold(entry.name), f" · {entry.score} XP · level {entry.level}")


async def _ranked(
    context: QuickContext,
    scope: Scope,
    title: str,
    since: datetime | None,
    until: datetime | None = None,
) -> list[Reply]:
    """An XP board (week, month, all time): the top ten, then the asker's own rank."""
    boards = context.uow.repository(Boards)
    community_id = scope.community_id
    entries = await boards.top(since=since, until=until, community_id=community_id)
    lines: list[object] = [bold(f"🏆 {title} · {scope.where}")]
    if not entries and context.user.leaderboard_opt_out:
        lines.append("No one else is on this board yet.")  # they may have XP: hidden, not zero
    elif not entries:
        lines.append("No XP earned yet. Be the first: try /quiz.")
    lines.extend(format_entry(entry) for entry in entries)
    if all(entry.user_id != context.user.id for entry in entries):  # else they see themselves
        mine = await boards.rank_of(
            context.user.id, since=since, until=until, community_id=community_id
        )
        if mine is not None:
            lines.append(f"… you: #{mine.rank} with {mine.score} XP")
        elif context.user.leaderboard_opt_out:
            lines.append("You are hidden from public boards (change it in /settings).")
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]


async def week_board(context: QuickContext, scope: Scope) -> list[Reply]:
    # Weeks run Monday to Sunday in UTC on every board, so everyone's week is the same one.
    return await _ranked(context, scope, "This week", week_start(context.now))


async def month_board(context: QuickContext, scope: Scope) -> list[Reply]:
    # A community's month is its own calendar month; the global board's is UTC's.
    month = period_at(Cadence.MONTH, context.now, scope.time_zone)
    return await _ranked(context, scope, f"{month.start:%B %Y}", month.since, month.until)


async def all_time_board(context: QuickContext, scope: Scope) -> list[Reply]:
    return await _ranked(context, scope, "All time", None)


async def winners_board(context: QuickContext, scope: Scope) -> list[Reply]:
    return [await hall_of_fame(context.uow, scope.community_id, scope.where)]


async def duels_board(context: QuickContext, scope: Scope) -> list[Reply]:
    return await duel_board(context, scope.community_id)  # ratings are per community


BOARDS: dict[str, BoardHandler] = {
    "week": week_board,
    "month": month_board,
    "duels": duels_board,  # the duels part points this at its ratings board
    "winners": winners_board,
    "all": all_time_board,
}


@command(
    "leaderboard",
    "Weekly, monthly or all-time rankings and past winners, here or global",
    kind=Kind.QUICK,
    params=PARAMS,
)
async def leaderboard(context: QuickContext) -> list[Reply]:
    board, scope_word = parse_words(context.incoming.args, context.community is not None)
    community = context.community if scope_word == "here" else None
    scope = Scope(community.id, community.time_zone) if community else Scope(None, "UTC")
    return await BOARDS[board](context, scope)
