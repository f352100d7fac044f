"""/leaderboard month: a calendar month in the community's own zone (UTC for the global board),
read from monthly totals with the hours at either end from the ledger, under the weekly board's
rank rule; bad words get the usage line built from the command's parameters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.app import Dojo
from core.features.leaderboard import USAGE
from core.leaderboard import rank_of, top
from core.messages import ChatKind, CommunityRef, Platform
from core.ports import FixedClock
from core.rules.periods import Cadence, period_from
from tests.fakes.discord_harness import running_bot
from tests.scheduler_support import group_member, utc
from tests.support import ChatDriver

GROUP = CommunityRef(Platform.TELEGRAM, "-1042", "Study group")
DECEMBER = date(2026, 12, 1)
# (learner, XP, when): each one straddles a month end in some zone.
AWARDS = [
    ("ada", 50, "2026-11-30T16:00:00+00:00"),  # Dec 1 01:00 in Tokyo; November in UTC
    ("bob", 40, "2026-12-31T16:00:00+00:00"),  # Jan 1 01:00 in Tokyo; December in UTC
    ("cy", 30, "2026-12-15T12:00:00+00:00"),  # December everywhere
    ("dee", 45, "2026-12-01T03:00:00+00:00"),  # Nov 30 22:00 in New York; December in UTC
    ("eve", 35, "2027-01-01T02:00:00+00:00"),  # Dec 31 21:00 in New York; January in UTC
    ("fay", 20, "2026-11-30T10:30:00+00:00"),  # Dec 1 00:30 in Kiritimati (+14)
]
ZONES = ("UTC", "Asia/Tokyo", "America/New_York", "Asia/Kathmandu", "Pacific/Kiritimati")


async def _members(dojo: Dojo, names: list[str], community: CommunityRef = GROUP) -> dict[str, int]:
    """Learners onboarded in October, so their onboarding XP is in no board looked at."""
    clock = dojo.services.clock
    assert isinstance(clock, FixedClock)
    now = clock.now()
    clock.set(utc("2026-10-05T12:00:00+00:00"))
    ids = {}
    for name in names:
        await group_member(dojo, name, community).say("/start backend mid UTC")
        async with dojo.services.uow_factory() as uow:
            user = await uow.users.by_account(str(community.platform), name)
            assert user is not None
            ids[name] = user.id
    clock.set(now)
    return ids


async def _award(dojo: Dojo, user_id: int, amount: int, when: str) -> None:
    async with dojo.services.uow_factory() as uow:
        await uow.xp.award(user_id, "admin_grant", f"{user_id}-{when}", amount, utc(when))
        await uow.commit()


async def _community_id(dojo: Dojo, ref: CommunityRef = GROUP) -> int:
    async with dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref(str(ref.platform), ref.id)
        assert community is not None
        return community.id


async def test_a_communitys_month_is_its_own_calendar_month_in_every_zone(dojo: Dojo) -> None:
    ids = await _members(dojo, [name for name, _, _ in AWARDS])
    for name, amount, when in AWARDS:
        await _award(dojo, ids[name], amount, when)
    community_id = await _community_id(dojo)
    for zone in ZONES:
        month = period_from(Cadence.MONTH, DECEMBER, zone)
        expected = {
            name: amount for name, amount, when in AWARDS if month.since <= utc(when) < month.until
        }
        async with dojo.services.uow_factory() as uow:
            board = await top(
                uow.session, since=month.since, until=month.until, community_id=community_id
            )
            assert {entry.name: entry.score for entry in board} == expected, zone
            for entry in board:  # the learner's own rank agrees with the board
                mine = await rank_of(
                    uow.session,
                    entry.user_id,
                    since=month.since,
                    until=month.until,
                    community_id=community_id,
                )
                assert mine == entry, zone
    # The global board is UTC's month, from the monthly totals alone.
    utc_month = period_from(Cadence.MONTH, DECEMBER)
    async with dojo.services.uow_factory() as uow:
        board = await top(uow.session, since=utc_month.since, until=utc_month.until)
    assert [(entry.name, entry.score, entry.rank) for entry in board] == [
        ("dee", 45, 1),
        ("bob", 40, 2),
        ("cy", 30, 3),
    ]


async def test_the_command_shows_this_month_here_in_the_zone_and_global_in_utc(
    sqlite_dojo: Dojo,
) -> None:
    ids = await _members(sqlite_dojo, [name for name, _, _ in AWARDS])
    for name, amount, when in AWARDS[:3]:
        await _award(sqlite_dojo, ids[name], amount, when)
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref(str(GROUP.platform), GROUP.id)
        assert community is not None
        community.time_zone = "Asia/Tokyo"
        await uow.commit()
    clock = sqlite_dojo.services.clock
    assert isinstance(clock, FixedClock)
    clock.set(utc("2026-12-31T16:30:00+00:00"))  # Jan 1 01:30 in Tokyo, Dec 31 in UTC
    cy = group_member(sqlite_dojo, "cy", GROUP)
    here = await cy.say("/leaderboard month here")
    assert "January 2027 · this community" in here and "bob · 40 XP" in here
    assert "ada" not in here and "cy ·" not in here
    everyone = await cy.say("/leaderboard global month")  # either order
    assert "December 2026 · everyone" in everyone
    assert "bob · 40 XP" in everyone and "cy · 30 XP" in everyone and "ada" not in everyone
    assert "… you" not in everyone  # cy is on the board, shown once
    clock.set(utc("2026-12-31T14:30:00+00:00"))  # still December in Tokyo
    here = await cy.say("/leaderboard month")
    assert "December 2026 · this community" in here
    assert "ada · 50 XP" in here and "cy · 30 XP" in here and "bob" not in here


async def test_hidden_learners_are_never_on_a_month_board_nor_counted(sqlite_dojo: Dojo) -> None:
    names = ["opted_out", "banned", "banned_here", "ada", "bob"]
    ids = await _members(sqlite_dojo, names)
    for number, name in enumerate(names):  # the hidden ones have the most XP
        await _award(sqlite_dojo, ids[name], 500 - number * 100, "2026-11-20T12:00:00+00:00")
    community_id = await _community_id(sqlite_dojo)
    async with sqlite_dojo.services.uow_factory() as uow:
        for name in ("opted_out", "banned"):
            user = await uow.users.get(ids[name])
            assert user is not None
            uow.learners.change(
                user, leaderboard_opt_out=name == "opted_out", banned=name == "banned"
            )
        await uow.standing.ban(
            community_id, ids["banned_here"], "mod", None, utc("2026-11-21T00:00:00+00:00")
        )
        await uow.commit()
    bob = group_member(sqlite_dojo, "bob", GROUP)
    for zone in ("UTC", "Europe/Berlin"):  # monthly totals alone, and with the ledger's hours
        async with sqlite_dojo.services.uow_factory() as uow:
            community = await uow.communities.get(community_id)
            assert community is not None
            community.time_zone = zone
            await uow.commit()
        here = await bob.say("/leaderboard month here")
        assert "🥇 ada" in here and "🥈 bob" in here, zone
        assert not any(name in here for name in ("opted_out", "banned")), zone
    everyone = await bob.say("/leaderboard month global")
    assert "🥇 banned_here" in everyone and "🥈 ada" in everyone and "🥉 bob" in everyone
    assert "opted_out" not in everyone and "banned ·" not in everyone
    november = period_from(Cadence.MONTH, date(2026, 11, 1))
    async with sqlite_dojo.services.uow_factory() as uow:
        mine = await rank_of(uow.session, ids["bob"], since=november.since, until=november.until)
    assert mine is not None and mine.rank == 3  # banned_here and ada ahead; the hidden not


@pytest.mark.parametrize(
    "words, reason",
    [
        ("monthly", "'monthly' is not a leaderboard option"),
        ("week month", "picks again"),
        ("here global", "picks again"),
        ("month here please", "Too many words"),
    ],
)
async def test_bad_words_get_the_usage_line(sqlite_dojo: Dojo, words: str, reason: str) -> None:
    assert USAGE == "/leaderboard [week|month|duels|winners|all] [here|global]"
    answer = await group_member(sqlite_dojo, "ada", GROUP).say(f"/leaderboard {words}")
    assert reason in answer and USAGE in answer


async def test_here_in_a_private_chat_is_one_clear_line(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada", Platform.TELEGRAM, "pc-ada", ChatKind.PRIVATE)
    await ada.say("/start backend mid UTC")
    assert "only works in a group" in await ada.say("/leaderboard month here")


async def test_discord_offers_the_month_and_winners_boards(sqlite_dojo: Dojo) -> None:
    async with running_bot(sqlite_dojo) as bot:
        month = await bot.slash("leaderboard", options={"period": "month", "scope": "here"})
        assert "· this community" in month.messages[0]["content"]
        assert f"{sqlite_dojo.services.clock.now():%B %Y}" in month.messages[0]["content"]
        winners = await bot.slash("leaderboard", options={"period": "winners"})
        assert "Hall of fame" in winners.messages[0]["content"]
    assert bot.fake.violations == []


def test_a_month_is_not_a_fixed_number_of_days() -> None:
    february = period_from(Cadence.MONTH, date(2027, 2, 1), "Europe/Berlin")
    assert february.until - february.since == timedelta(days=28)
    assert february.last_day == date(2027, 2, 28)
