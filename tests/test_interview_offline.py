"""Offline mock interviews end to end through the router (no API key configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app import Dojo, build
from core.banks import QuestionBanks
from core.db.models import InterviewSession, SkillScore, XpLedger
from core.features.interview import abandon_idle_interviews
from core.features.interview.bank import InterviewBank
from core.ports import FixedClock
from tests.conftest import make_settings
from tests.fakes.interview_bank import tiny_bank
from tests.support import ChatDriver

GOOD_CACHE = (
    "First I'd clarify the read/write ratio and the staleness we can accept. Then I'd use "
    "cache-aside: read from Redis, on a miss load from the database and set a TTL. On writes "
    "I invalidate the key, because stale prices are worse than a miss."
)
GOOD_HERD = "Use a lock or single flight per key so one request refills, and add jitter to TTLs."


async def open_dojo(url: str, clock: FixedClock) -> Dojo:
    app = await build(make_settings(url), clock=clock)
    app.services.banks = QuestionBanks(interview=tiny_bank())
    return app


@pytest.fixture
async def app(sqlite_url: str, clock: FixedClock) -> AsyncIterator[Dojo]:
    dojo = await open_dojo(sqlite_url, clock)
    yield dojo
    await dojo.close()


@pytest.fixture
def ada(app: Dojo) -> ChatDriver:
    return ChatDriver(app.router, "ada")


async def sessions(app: Dojo) -> list[InterviewSession]:
    async with app.services.uow_factory() as uow:
        found = list((await uow.session.scalars(select(InterviewSession))).all())
        uow.session.expunge_all()  # keep the loaded values after the unit of work closes
        return found


async def xp_sources(app: Dojo) -> list[str]:
    async with app.services.uow_factory() as uow:
        return list((await uow.session.scalars(select(XpLedger.source))).all())


async def test_offline_interview_end_to_end(app: Dojo, ada: ChatDriver) -> None:
    first = await ada.say("/interview backend mid system-design tough")
    assert "Offline mode" in first and "slow database" in first
    assert "Offline mode" in await ada.say("/hint") and "data changes" in ada.last[0].text.plain
    follow = await ada.say(GOOD_CACHE)
    assert "thundering herd" in follow and "Offline mode" in follow
    second = await ada.say(GOOD_HERD)
    assert "index" in second
    third = await ada.say("If selectivity is low the planner scans; a function on the column too.")
    assert "disagreement" in third
    report = await ada.say("/skip")  # the last question: the report follows at once
    assert "Interview report" in report and "Offline mode: key-point coverage" in report
    assert "Key-point coverage: 67/100" in report  # 100, 100 and a skip over three questions
    assert "Q3 (behavioural): skipped, 0" in report
    assert "Technical depth" not in report  # offline grading claims no AI skill scores
    assert "+40 XP" in report or "+60 XP" in report  # +20 with the first-interview badge
    [session] = await sessions(app)
    assert session.status == "completed" and session.mode == "offline"
    assert session.overall_rating is not None and 0 <= session.overall_rating <= 100
    assert session.strengths and session.improvements and session.next_steps
    async with app.services.uow_factory() as uow:
        scores = (
            await uow.session.execute(select(SkillScore.source_type, SkillScore.source_id))
        ).all()
    assert scores == []  # coverage stays on the session, apart from AI-assessed skills
    assert session.feedback_scores is not None
    assert session.feedback_scores["coverage"] == 67 and session.feedback_scores["finished"]
    sources = await xp_sources(app)
    assert sources.count("interview_started") == 1 and sources.count("interview_completed") == 1
    assert "no interview in progress" in await ada.say("/end")


async def test_same_transcript_same_report(app: Dojo, clock: FixedClock) -> None:
    ratings = []
    for name in ("kim", "lee"):
        chat = ChatDriver(app.router, name)
        await chat.say("/interview backend mid system-design")
        await chat.say(GOOD_CACHE)
        await chat.say("no idea")
        await chat.say("/end")
        ratings.append(chat.last[0].text.plain)
    assert ratings[0] == ratings[1] and "Key-point coverage" in ratings[0]


async def test_setup_with_buttons(ada: ChatDriver) -> None:
    assert "Which role" in await ada.say("/interview")
    assert "Which level" in await ada.press("Backend")
    assert "focus" in await ada.press("Senior")
    assert "interviewer" in await ada.press("Databases")
    started = await ada.press("Friendly")
    assert "backend · senior" in started and "friendly" in started
    assert "index" in started  # the databases question comes first


async def test_bad_input_gets_one_clear_line(app: Dojo, ada: ChatDriver) -> None:
    assert "no interview in progress" in await ada.say("/hint")
    assert "no interview in progress" in await ada.say("/skip")
    assert "not sure what you mean" in await ada.say("my answer with nothing to answer")
    unknown = await ada.say("/interview astronaut")
    assert "'astronaut' is not a role" in unknown and "backend" in unknown
    assert await sessions(app) == []
    await ada.say("/interview backend mid system-design")
    assert "empty" in await ada.say("   ")
    huge = await ada.say("x" * 50_000)
    assert "too long" in huge and len(ada.last) == 1
    long = await ada.say("y" * 7_000)
    assert "under 6,000" in long
    [session] = await sessions(app)
    assert [entry["by"] for entry in session.transcript] == ["interviewer"]
    assert "already have an interview" in await ada.say("/interview data junior")


async def test_restart_resumes_at_the_same_question(sqlite_url: str, clock: FixedClock) -> None:
    first = await open_dojo(sqlite_url, clock)
    ada = ChatDriver(first.router, "ada")
    await ada.say("/interview backend mid system-design")
    assert "thundering herd" in await ada.say(GOOD_CACHE)
    await first.close()
    second = await open_dojo(sqlite_url, clock)
    try:
        ada = ChatDriver(second.router, "ada")
        assert "thundering herd" in await ada.say("/interview")
        assert "index" in await ada.say(GOOD_HERD)
        [session] = await sessions(second)
        assert session.state["asked"] == 2
    finally:
        await second.close()


async def test_idle_interview_is_abandoned_without_xp(
    app: Dojo, ada: ChatDriver, clock: FixedClock
) -> None:
    await ada.say("/interview backend mid system-design")
    clock.advance(hours=25)
    assert "not sure what you mean" in await ada.say("late answer")
    [session] = await sessions(app)
    assert session.status == "abandoned"
    assert "interview_completed" not in await xp_sources(app)
    bob = ChatDriver(app.router, "bob")
    await bob.say("/interview data mid databases")
    assert await abandon_idle_interviews(app.services.uow_factory, clock.now()) == 0
    clock.advance(hours=24)
    assert await abandon_idle_interviews(app.services.uow_factory, clock.now()) == 1
    assert {s.status for s in await sessions(app)} == {"abandoned"}


async def test_end_before_any_answer_gives_no_report(app: Dojo, ada: ChatDriver) -> None:
    await ada.say("/interview backend mid")
    assert "no report and no XP" in await ada.say("/end")
    assert "interview_completed" not in await xp_sources(app)


async def test_usage_offline(ada: ChatDriver) -> None:
    text = await ada.say("/usage")
    assert "Spent: $0.00 of $3.00" in text and "offline" in text
    assert "Resets on: 1 December 2026" in text


def test_real_bank_loads_and_fits_every_role() -> None:
    bank = InterviewBank.load()
    if not bank.questions:
        pytest.skip("interview bank not written yet")
    for role in ("backend", "frontend", "fullstack", "mobile", "data", "devops"):
        assert len(bank.pick(role, "mid", (), 5, "seed")) == 5


async def test_count_of_sessions_helper_sees_none_at_first(app: Dojo) -> None:
    async with app.services.uow_factory() as uow:
        assert await uow.session.scalar(select(func.count(InterviewSession.id))) == 0


async def test_offline_interview_on_each_backend(database_url: str, clock: FixedClock) -> None:
    app = await open_dojo(database_url, clock)
    try:
        chat = ChatDriver(app.router, "grace")
        await chat.say("/interview backend mid system-design")
        await chat.say(GOOD_CACHE)
        clock.advance(minutes=3)
        report = await chat.say("/end")
        assert "Key-point coverage" in report
        [session] = await sessions(app)
        assert session.status == "completed" and session.duration_seconds == 180
        assert session.transcript[1]["text"] == GOOD_CACHE
    finally:
        await app.close()


async def test_starting_and_ending_at_once_earns_nothing(app: Dojo, ada: ChatDriver) -> None:
    await ada.say("/interview backend mid system-design")
    assert "no XP" in await ada.say("/end")
    assert not {"interview_started", "interview_completed"} & set(await xp_sources(app))


async def test_one_answer_then_end_scores_every_question_and_earns_no_completion(
    app: Dojo, ada: ChatDriver
) -> None:
    await ada.say("/interview backend mid system-design")
    await ada.say(GOOD_CACHE)
    report = await ada.say("/end")
    assert "Key-point coverage: 22/100" in report  # 2 of 3 points on one of three questions
    assert "Q2: not reached, 0" in report and "no completion XP" in report
    sources = await xp_sources(app)
    assert "interview_started" in sources and "interview_completed" not in sources


async def test_feedback_after_each_question_shows_covered_missed_and_an_outline(
    ada: ChatDriver,
) -> None:
    await ada.say("/interview backend mid system-design")
    await ada.say("Cache-aside: on a miss load from the database and set a TTL.")
    feedback = await ada.say("I'm not sure about that one.")
    assert "Key-point coverage: 67/100" in feedback and "✅ Cache-aside reads" in feedback
    assert "❌ Stampede protection" in feedback and "A strong answer:" in feedback


async def test_the_persona_changes_the_wording(app: Dojo) -> None:
    tough, friendly = ChatDriver(app.router, "tina"), ChatDriver(app.router, "fred")
    await tough.say("/interview backend mid system-design tough")
    await friendly.say("/interview backend mid system-design friendly")
    hard = await tough.say(GOOD_CACHE)
    kind = await friendly.say(GOOD_CACHE)
    assert "thundering herd" in hard and "thundering herd" in kind
    assert "what breaks first" in hard and "what breaks first" not in kind
    assert "/hint gives a nudge" in kind


async def test_an_answer_in_another_language_is_turned_back(app: Dojo, ada: ChatDriver) -> None:
    await ada.say("/interview backend mid system-design")
    answer = await ada.say(
        "Ich würde einen Cache vor die Datenbank setzen und ihn bei Änderungen leeren."
    )
    assert "English only" in answer and len(ada.last) == 1
    [session] = await sessions(app)
    assert [entry["by"] for entry in session.transcript] == ["interviewer"]


async def test_junk_in_every_answer_finishes_nothing_and_earns_no_xp(
    app: Dojo, ada: ChatDriver
) -> None:
    await ada.say("/interview backend mid system-design")
    report = ""
    for _ in range(5):  # main answers and follow-ups until the report comes
        report = await ada.say(
            "Blah blah, I like turtles and pizza, things and stuff, very scalable."
        )
        if "Interview report" in report:
            break
    assert "Key-point coverage: 0/100" in report and "no completion XP" in report
    assert not {"interview_started", "interview_completed"} & set(await xp_sources(app))


async def test_a_pasted_answer_earns_once(ada: ChatDriver) -> None:
    paste = (
        "Cache-aside with a TTL, invalidate on writes, a lock so one request refills, and "
        "selectivity decides whether the planner uses an index at all."
    )
    await ada.say("/interview backend mid system-design")
    await ada.say(paste)
    first = await ada.say("Jitter on the TTLs too.")
    assert "Key-point coverage: 100/100" in first
    second = await ada.say(paste)
    assert "Key-point coverage: 0/100" in second and "repeats an earlier answer" in second


async def test_code_only_and_empty_fences_get_a_clear_line(app: Dojo, ada: ChatDriver) -> None:
    await ada.say("/interview backend mid system-design")
    assert "code block is empty" in await ada.say("```python\n```")
    await ada.say("/skip")  # to the index question, which has no follow-up
    code = "```sql\nSELECT * FROM t WHERE lower(email) = 'a';\n```"
    answer = await ada.say(code)
    assert "Only code: the names in it count" in answer and "Key-point coverage" in answer
    [session] = await sessions(app)
    assert [entry["kind"] for entry in session.transcript if entry["by"] == "candidate"] == [
        "skip",
        "answer",
    ]
