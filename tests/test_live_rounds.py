"""Live quiz rounds through the router and the round's timer job, on SQLite and PostgreSQL:
a full round, speed, standings, final results and XP; one round per channel; answers after
the close; moderators-only; a restart mid-round; an answer delivered twice; two processes."""

from __future__ import annotations

import asyncio

from bot.app import Dojo, build
from core import codec
from core.features.live.request import MAX_SECONDS
from tests.conftest import make_settings
from tests.live_support import (
    answer,
    last_poll,
    live_xp,
    member,
    recording,
    round_state,
    texts,
    tick,
)
from tests.support import ChatDriver, fixed_clock


async def test_a_full_round_with_two_learners(dojo: Dojo) -> None:
    posts = recording(dojo)
    clock = fixed_clock(dojo)
    ada, bob = member(dojo, "ada"), member(dojo, "bob")
    started = await ada.say("/quiz live sql 2 10")
    assert "Live round: sql" in started and "10 s each" in started
    await tick(dojo)
    first = last_poll(posts)
    assert first.open_period == 10, "the question carries its timer"
    clock.advance(seconds=2)
    assert "+18 points" in await answer(ada, first, right=True)  # 10 + 8 for 2 s of 10
    clock.advance(seconds=3)
    assert "+15 points" in await answer(bob, first, right=True)  # 10 + 5 for 5 s
    clock.advance(seconds=6)
    await tick(dojo)
    after_first = posts.texts()[-1]
    assert "Time! Question 1" in after_first and "2 answered, 2 right" in after_first
    assert after_first.index("ada: 18") < after_first.index("bob: 15"), "faster ranks first"
    second = last_poll(posts)
    assert second is not first and "Question 2 of 2" in after_first
    clock.advance(seconds=1)
    assert "Not this one" in await answer(ada, second, right=False)
    assert "+19 points" in await answer(bob, second, right=True)
    clock.advance(seconds=10)
    await tick(dojo)
    final = posts.texts()[-1]
    assert "Live round over" in final and "Winner: bob with 34 points" in final
    assert final.index("bob: 34 (2 right)") < final.index("ada: 18 (1 right)")
    state = await round_state(dojo)
    assert state.status == "finished" and state.answers == 4
    assert await live_xp(dojo) == {"ada": 5, "bob": 10}, "5 XP per right answer"
    await tick(dojo)
    assert posts.texts()[-1] == final, "a finished round posts nothing more"


async def test_second_round_in_the_channel_is_refused(dojo: Dojo) -> None:
    recording(dojo)
    ada, bob = member(dojo, "ada"), member(dojo, "bob")
    assert "Live round" in await ada.say("/quiz live sql 3 10")
    refused = await bob.say("/quiz live random 2 15")
    assert refused == "A live round is already running in this channel: wait for its final results."
    elsewhere = ChatDriver(dojo.router, "bob", chat_id="other-room", chat_kind=ada.chat_kind)
    elsewhere.community = ada.community
    assert "Live round" in await elsewhere.say("/quiz live sql 1 10"), "another channel may"


async def test_answers_after_the_close_are_refused(dojo: Dojo) -> None:
    posts = recording(dojo)
    clock = fixed_clock(dojo)
    ada, bob = member(dojo, "ada"), member(dojo, "bob")
    await ada.say("/quiz live sql 2 10")
    await tick(dojo)
    first = last_poll(posts)
    clock.advance(seconds=12)
    late = await answer(bob, first, right=True)
    assert late == "That question is closed: answers count only while it is open."
    await tick(dojo)  # question 2 opens; question 1's buttons are still data anyone can send
    assert "closed" in await answer(bob, first, right=True)
    assert (await round_state(dojo)).answers == 0


async def test_an_answer_counts_once(dojo: Dojo) -> None:
    posts = recording(dojo)
    ada = member(dojo, "ada")
    await ada.say("/quiz live sql 1 10")
    await tick(dojo)
    poll = last_poll(posts)
    assert "+20 points" in await answer(ada, poll, right=True)
    again = await answer(ada, poll, right=False)
    assert again == "You already answered this question: your first answer counts."
    bob = member(dojo, "bob")
    vote = codec.decode(f"{poll.answer_data}:{poll.correct_index}")
    twice = [bob.incoming("", event_id="same-event", action=vote) for _ in range(2)]
    assert "points" in texts(await bob.send(twice[0]))
    assert await bob.send(twice[1]) == [], "a redelivered event is dropped"
    assert (await round_state(dojo)).answers == 2


async def test_bounds_and_private_chats_get_one_clear_line(dojo: Dojo) -> None:
    recording(dojo)
    ada = member(dojo, "ada")
    assert "1 to 20 questions, not 50" in await ada.say("/quiz live sql 50")
    assert f"10 to {MAX_SECONDS} seconds, not 3" in await ada.say("/quiz live sql 5 3")
    assert "Usage: /quiz live [topic] [n] [seconds]" in await ada.say("/quiz live sql 5 3")
    private = ChatDriver(dojo.router, "ada")
    refused = await private.say("/quiz live sql")
    assert refused == "A live round runs in a group or server channel: send /quiz live there."


async def test_moderators_only_mode(dojo: Dojo) -> None:
    recording(dojo)
    mod, ada = member(dojo, "grace", admin=True), member(dojo, "ada")
    assert "Only moderators can start live rounds" in await mod.say("/admin live mods")
    refused = await ada.say("/quiz live sql 2 10")
    assert refused.startswith("Only moderators start live rounds in this community")
    assert "Live round" in await mod.say("/quiz live sql 1 10")
    assert "Anyone can start" in await mod.say("/admin live anyone")
    assert "Only moderators" in await ada.say("/admin live mods"), "learners cannot set it"


async def test_a_restart_mid_round_continues_it(database_url: str, dojo: Dojo) -> None:
    posts = recording(dojo)
    clock = fixed_clock(dojo)
    ada = member(dojo, "ada")
    await ada.say("/quiz live sql 2 10")
    await tick(dojo)
    first = last_poll(posts)
    clock.advance(seconds=4)
    await answer(ada, first, right=True)
    await dojo.close()  # the process stops mid-question
    restarted = await build(make_settings(database_url), clock=clock)
    try:
        again = recording(restarted)
        clock.advance(seconds=7)
        await tick(restarted)
        shown = again.texts()[-1]
        assert "Time! Question 1" in shown and "ada: 16" in shown, "its answers survived"
        second = last_poll(again)
        assert "Question 2 of 2" in shown
        assert "+20 points" in await answer(member(restarted, "ada"), second, right=True)
        clock.advance(seconds=11)
        await tick(restarted)
        assert "Winner: ada with 36 points" in again.texts()[-1]
    finally:
        await restarted.close()


async def test_two_processes_move_a_round_once(database_url: str, dojo: Dojo) -> None:
    posts = recording(dojo)
    clock = fixed_clock(dojo)
    await member(dojo, "ada").say("/quiz live sql 2 10")
    other = await build(make_settings(database_url), clock=clock)
    try:
        other.notifiers["console"] = posts  # both processes post through the same platform
        await asyncio.gather(tick(dojo), tick(other))
        assert len([item for _, item in posts.sent if item.poll]) == 1
        clock.advance(seconds=11)
        await asyncio.gather(tick(dojo), tick(other), tick(dojo))
        assert len([item for _, item in posts.sent if item.poll]) == 2
        assert sum("Time! Question 1" in text for text in posts.texts()) == 1
    finally:
        await other.close()
