"""Duels through the router: challenge, accept, decline, forged presses, expiry, the clock,
the anti-farming rules and ratings shown on /leaderboard duels and /profile."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import Dojo, build
from bot.notifiers import RecordingNotifier
from core import codec
from core.db.models import Duel, DuelPlayer, XpLedger
from core.features.duels.sweep import sweep_duels
from core.jobs.catalogue import job_named
from core.messages import Platform
from tests.conftest import make_settings
from tests.duel_support import (
    GROUP_ID,
    button,
    establish,
    latest_duel,
    member,
    option_for,
    ratings,
    user_id,
)
from tests.support import ChatDriver, fixed_clock


def _recorder(dojo: Dojo) -> RecordingNotifier:
    notifier = RecordingNotifier()
    dojo.notifiers["telegram"] = notifier
    return notifier


async def _play(dojo: Dojo, duel_id: int, alone: ChatDriver, right: int, total: int) -> str:
    """Answer every question of the duel, the first `right` of them right."""
    said = ""
    for n in range(total):
        index, shown = await option_for(dojo, duel_id, alone.name, n < right)
        said = await alone.press_data(codec.encode("da", duel_id, index, shown))
    return said


async def test_a_duel_is_challenged_accepted_played_posted_once_and_rated(dojo: Dojo) -> None:
    notifier = _recorder(dojo)
    ada, ada_dm = await member(dojo, "ada")
    bob, bob_dm = await member(dojo, "bob")
    await establish(dojo, "ada", "bob")
    said = await ada.say("/duel @bob sql 3")
    assert "ada challenges bob" in said and "3 questions on sql" in said
    duel = await latest_duel(dojo)
    assert duel.status == "open" and duel.opponent_id == await user_id(dojo, "bob")

    on = await bob.press_data(button(ada, "Accept"))
    assert "duel #" in on and "is on" in on
    # Each player's first question went to their private chat, with answer buttons.
    for name in ("ada", "bob"):
        [first] = notifier.to(name)
        assert "question 1 of 3" in first.text.plain and first.buttons

    clock = fixed_clock(dojo)
    clock.advance(seconds=20)
    await _play(dojo, duel.id, ada_dm, right=3, total=3)
    assert notifier.to(GROUP_ID) == [], "no result before both have finished"
    clock.advance(seconds=10)
    done = await _play(dojo, duel.id, bob_dm, right=1, total=3)
    assert "You're done: 1 of 3" in done
    [result] = notifier.to(GROUP_ID)
    text = result.text.plain
    assert "ada wins" in text and "3/3" in text and "1/3" in text and "rating 1000 →" in text

    # Pressing again, or the sweep at the deadline, posts nothing more.
    clock.advance(minutes=10)
    report = await job_named("duel_sweep")(dojo.services.uow_factory, notifier, clock.now())
    assert report.ran
    assert len(notifier.to(GROUP_ID)) == 1
    board = await ada.say("/leaderboard duels")
    assert board.index("ada") < board.index("bob") and "1 won of 1" in board
    assert "Duel rating: 11" in await ada.say("/profile")
    assert "Duel rating: 9" in await bob.say("/profile")
    async with dojo.services.uow_factory() as uow:
        duel_xp = await uow.session.scalar(
            select(func.sum(XpLedger.amount)).where(XpLedger.source == "duel_finished")
        )
    assert duel_xp == 2 * 3 + 3 + 2 * 1  # per right answer, and a little for the win


async def test_decline_and_a_forged_accept_by_a_third_member_change_nothing(dojo: Dojo) -> None:
    _recorder(dojo)
    ada, _ = await member(dojo, "ada")
    bob, _ = await member(dojo, "bob")
    cy, _ = await member(dojo, "cy")
    await ada.say("/duel @bob")
    duel = await latest_duel(dojo)
    forged = await cy.press_data(codec.encode("dy", duel.id))
    assert "for someone else" in forged
    assert "isn't yours" in await cy.press_data(codec.encode("dn", duel.id))
    assert (await latest_duel(dojo)).status == "open"
    assert "declined" in await bob.press_data(codec.encode("dn", duel.id))
    assert (await latest_duel(dojo)).status == "declined"
    again = await bob.press_data(codec.encode("dy", duel.id))
    assert "no longer open" in again
    # Declined duels free both: Ada may challenge again.
    assert "challenges" in await ada.say("/duel @cy")


async def test_an_expired_challenge_answers_one_line_and_the_sweep_closes_the_rest(
    dojo: Dojo,
) -> None:
    notifier = _recorder(dojo)
    ada, _ = await member(dojo, "ada")
    bob, _ = await member(dojo, "bob")
    cy, _ = await member(dojo, "cy")
    await ada.say("/duel @bob")
    first = await latest_duel(dojo)
    await cy.say("/duel")
    open_one = await latest_duel(dojo)
    clock = fixed_clock(dojo)
    clock.advance(minutes=11)
    late = await bob.press_data(codec.encode("dy", first.id))
    assert late.startswith("That challenge expired") and "\n" not in late
    report = await sweep_duels(dojo.services.uow_factory, notifier, clock.now())
    assert "duels settled: 1" in report.summary()
    async with dojo.services.uow_factory() as uow:
        statuses = {
            duel.id: duel.status for duel in (await uow.session.scalars(select(Duel))).all()
        }
        live = await uow.session.scalar(
            select(func.count()).select_from(DuelPlayer).where(DuelPlayer.live)
        )
    assert statuses == {first.id: "expired", open_one.id: "expired"}
    assert live == 0


async def test_no_duel_with_yourself_nor_with_a_stranger(dojo: Dojo) -> None:
    _recorder(dojo)
    ada, _ = await member(dojo, "ada")
    assert "can't duel yourself" in await ada.say("/duel @ada")
    assert "can't duel yourself" in await ada.say(f"/duel #{await user_id(dojo, 'ada')}")
    # Someone Dojo knows, but not from this group: a stranger here.
    await ChatDriver(dojo.router, "zed").say("/start backend mid UTC")
    refused = await ada.say("/duel @zed")
    assert "I don't know a member called 'zed' here" in refused
    assert "I don't know a member" in await ada.say("/duel telegram:nobody")
    await ada.say("/duel")
    duel = await latest_duel(dojo)
    assert "your own challenge" in await ada.press_data(codec.encode("dy", duel.id))
    async with dojo.services.uow_factory() as uow:
        count = await uow.session.scalar(select(func.count()).select_from(Duel))
    assert count == 1 and duel.status == "open"


async def test_one_duel_at_a_time_and_an_unreachable_learner_cancels_cleanly(dojo: Dojo) -> None:
    notifier = _recorder(dojo)
    ada, _ = await member(dojo, "ada")
    bob, _ = await member(dojo, "bob")
    cy, _ = await member(dojo, "cy")
    dee, _ = await member(dojo, "dee", private=False)  # never opened a private chat
    await ada.say("/duel @bob")
    from_ada = button(ada, "Accept")
    assert "already in duel" in await ada.say("/duel @cy")
    await cy.say("/duel @bob")  # bob may be asked twice, and plays one
    from_cy, cy_withdraws = button(cy, "Accept"), button(cy, "Decline")
    assert "is on" in await bob.press_data(from_ada)
    assert "You are already in duel" in await bob.press_data(from_cy)
    assert "withdrew" in await cy.press_data(cy_withdraws)
    await cy.say("/duel")
    taken = await dee.press_data(button(cy, "Take it"))
    assert "is off" in taken and "can't message dee privately" in taken
    assert (await latest_duel(dojo)).status == "cancelled"
    assert notifier.to("cy") == [], "no question was sent for a cancelled duel"


async def test_a_side_that_never_finishes_loses_at_the_deadline_and_late_answers_miss(
    dojo: Dojo,
) -> None:
    notifier = _recorder(dojo)
    ada, ada_dm = await member(dojo, "ada")
    bob, bob_dm = await member(dojo, "bob")
    await establish(dojo, "ada", "bob")
    await ada.say("/duel @bob sql 3")
    await bob.press_data(button(ada, "Accept"))
    duel = await latest_duel(dojo)
    index, shown = await option_for(dojo, duel.id, "bob", right=True)
    await bob_dm.press_data(codec.encode("da", duel.id, index, shown))
    clock = fixed_clock(dojo)
    clock.advance(minutes=5)  # past the 2m30s clock of three questions
    index, shown = await option_for(dojo, duel.id, "ada", right=True)
    late = await ada_dm.press_data(codec.encode("da", duel.id, index, shown))
    assert "after the clock and counts as missed" in late
    [result] = notifier.to(GROUP_ID)
    assert "bob wins" in result.text.plain and "did not finish" in result.text.plain
    assert "walkover" in result.text.plain, "ada answered nothing: unrated"
    assert await ratings(dojo) == {}
    report = await sweep_duels(dojo.services.uow_factory, notifier, clock.now())
    assert "duels settled" not in report.summary() and len(notifier.to(GROUP_ID)) == 1


async def test_a_puppet_yields_no_rating_and_a_pair_rates_once_a_day(dojo: Dojo) -> None:
    notifier = _recorder(dojo)
    ada, ada_dm = await member(dojo, "ada")
    puppet, puppet_dm = await member(dojo, "puppet")
    await establish(dojo, "ada")
    clock = fixed_clock(dojo)

    async def duel_and_win() -> str:
        await ada.say("/duel @puppet sql 3")
        await puppet.press_data(button(ada, "Accept"))
        duel = await latest_duel(dojo)
        await _play(dojo, duel.id, ada_dm, right=3, total=3)
        await _play(dojo, duel.id, puppet_dm, right=0, total=3)
        clock.advance(minutes=1)
        return notifier.to(GROUP_ID)[-1].text.plain

    for _ in range(3):  # a fresh puppet: no rating at all
        assert "puppet is new to Dojo" in await duel_and_win()
    assert await ratings(dojo) == {}
    await establish(dojo, "ada", "puppet")  # now grown into an established account
    assert "rating 1000 →" in await duel_and_win()
    for _ in range(3):
        assert "already had a rated duel in the last 24 hours" in await duel_and_win()
    assert {name: rated for name, (_, rated) in (await ratings(dojo)).items()} == {
        "ada": 1,
        "puppet": 1,
    }
    async with dojo.services.uow_factory() as uow:
        ada_xp = await uow.session.scalar(
            select(func.sum(XpLedger.amount)).where(
                XpLedger.source == "duel_finished",
                XpLedger.user_id == await user_id(dojo, "ada"),
            )
        )
    assert ada_xp == 5 * 9 + 2 * 5, "seven won duels: five a day at full XP, then half"
    clock.advance(hours=24)
    assert "rating" in await duel_and_win()
    assert (await ratings(dojo))["ada"][1] == 2


async def test_a_duel_survives_a_restart(sqlite_url: str, sqlite_dojo: Dojo) -> None:
    notifier = _recorder(sqlite_dojo)
    ada, ada_dm = await member(sqlite_dojo, "ada")
    bob, _ = await member(sqlite_dojo, "bob")
    await ada.say("/duel @bob sql 3")
    await bob.press_data(button(ada, "Accept"))
    duel = await latest_duel(sqlite_dojo)
    index, shown = await option_for(sqlite_dojo, duel.id, "ada", right=True)
    await ada_dm.press_data(codec.encode("da", duel.id, index, shown))

    clock = fixed_clock(sqlite_dojo)
    again = await build(make_settings(sqlite_url), clock=clock)  # a new process
    try:
        notifier = _recorder(again)
        for name in ("ada", "bob"):
            alone = ChatDriver(again.router, name, ada_dm.platform)
            await _play(again, duel.id, alone, right=3, total=3 - (name == "ada"))
        [result] = notifier.to(GROUP_ID)
        assert "ada" in result.text.plain and "3/3" in result.text.plain
    finally:
        await again.close()


async def test_a_linked_second_account_is_the_same_learner(dojo: Dojo) -> None:
    """Ada's Discord account linked to her Telegram one is Ada: no duel between the two, and
    her open challenge made before the merge is cancelled rather than left to be taken by
    herself."""
    _recorder(dojo)
    ada, ada_dm = await member(dojo, "ada")
    other = ChatDriver(dojo.router, "ada-dc", Platform.DISCORD, "dm-ada-dc")
    await other.say("/start backend mid UTC")
    await ada.say("/duel")
    before = await latest_duel(dojo)
    code = (await ada_dm.say("/link")).split("Your link code is ")[1]
    question = await other.say(f"/link {code.split('.')[0]}")
    assert "Merge this" in question
    assert "Linked" in await other.press("Yes")
    assert (await latest_duel(dojo)).status == "cancelled" and before.status == "open"
    assert "can't duel yourself" in await ada.say("/duel discord:ada-dc")
    assert "opens a duel" in await ada.say("/duel"), "the cancelled duel holds no one"
