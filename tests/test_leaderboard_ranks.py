"""One rank rule on every path: a learner's own rank (`rank_of`) and the board (`top`) agree,
whichever statement answers them, and hidden learners are neither shown nor counted.

Hidden from a board: learners who opted out of boards, learners banned from Dojo, and (on a
community's board) learners that community banned. A rank is one more than the number of
learners shown on the same board with a higher score, so ties share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import Dojo
from core.leaderboard import Entry, rank_of, top, week_start
from core.messages import ChatKind, CommunityRef, Platform
from tests.support import ChatDriver

GROUP = CommunityRef(Platform.TELEGRAM, "-42", "study group")
# Learner name -> XP granted this week; the hidden ones are ahead of everyone they could hide
# behind, so counting them would move every rank below them.
THIS_WEEK = {
    "opted_out": 500,
    "banned": 400,
    "banned_here": 300,
    "ada": 200,
    "bob": 100,
    "cy": 100,
    "dee": 50,
}
HIDDEN_EVERYWHERE = {"opted_out", "banned"}


async def _seed(dojo: Dojo) -> tuple[dict[str, int], int]:
    """The learners (members of GROUP), their XP this week and 7 of last week's each."""
    for name in THIS_WEEK:
        chat = ChatDriver(dojo.router, name, Platform.TELEGRAM, GROUP.id, ChatKind.GROUP, GROUP)
        await chat.say("/start backend mid UTC")
    now = dojo.services.clock.now()
    async with dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref(str(GROUP.platform), GROUP.id)
        assert community is not None
        ids: dict[str, int] = {}
        for name, xp in THIS_WEEK.items():
            user = await uow.users.by_account(str(Platform.TELEGRAM), name)
            assert user is not None
            ids[name] = user.id
            await uow.xp.award(user.id, "admin_grant", "this week", xp, now)
            await uow.xp.award(user.id, "admin_grant", "last week", 7, now - timedelta(days=7))
        for name in HIDDEN_EVERYWHERE:
            user = await uow.users.get(ids[name])
            assert user is not None
            user.leaderboard_opt_out = name == "opted_out"
            user.banned = name == "banned"
        await uow.standing.ban(community.id, ids["banned_here"], "mod", None, now)
        await uow.commit()
        return ids, community.id


def _expected(scores: dict[int, int]) -> dict[int, int]:
    """The rule, stated once here: one more than the shown learners with a higher score."""
    return {
        user: 1 + sum(other > score for other in scores.values()) for user, score in scores.items()
    }


async def test_own_rank_and_board_agree_on_every_path_and_skip_hidden_learners(
    dojo: Dojo,
) -> None:
    ids, community_id = await _seed(dojo)
    names = {user_id: name for name, user_id in ids.items()}
    monday = week_start(dojo.services.clock.now())
    ranges: dict[str, tuple[datetime | None, datetime | None]] = {
        "all time": (None, None),
        "this week (weekly totals)": (monday, monday + timedelta(days=7)),
        "this week so far (weekly totals)": (monday, None),
        "this week, from the ledger": (monday, monday + timedelta(days=7, microseconds=-1)),
        "since a moment (ledger)": (monday - timedelta(hours=1), None),
    }
    boards: dict[tuple[str, str], list[Entry]] = {}
    for label, (since, until) in ranges.items():
        for scope, community in (("global", None), ("community", community_id)):
            hidden = HIDDEN_EVERYWHERE | ({"banned_here"} if community else set())
            async with dojo.services.uow_factory() as uow:
                board = await top(
                    uow.session, since=since, until=until, community_id=community, limit=50
                )
                own = {
                    name: await rank_of(
                        uow.session, user_id, since=since, until=until, community_id=community
                    )
                    for name, user_id in ids.items()
                }
            where = f"{label}, {scope}"
            shown = {names[entry.user_id] for entry in board}
            assert shown == set(THIS_WEEK) - hidden, where
            ranks = _expected({entry.user_id: entry.score for entry in board})
            assert [entry.rank for entry in board] == [ranks[e.user_id] for e in board], where
            for name in THIS_WEEK:
                mine = own[name]
                if name in hidden:
                    assert mine is None, f"{where}: {name} is hidden yet ranked"
                    continue
                assert mine is not None, where
                on_board = next(entry for entry in board if entry.user_id == ids[name])
                assert mine == on_board, f"{where}: {name} is #{mine.rank} alone"
            boards[(label, scope)] = board
    for scope in ("global", "community"):  # the week's totals and its ledger say the same
        assert (
            boards[("this week (weekly totals)", scope)]
            == boards[("this week, from the ledger", scope)]
        )
    week = boards[("this week (weekly totals)", "global")]
    assert [(names[e.user_id], e.rank) for e in week] == [
        ("banned_here", 1),
        ("ada", 2),
        ("bob", 3),
        ("cy", 3),
        ("dee", 5),
    ]
