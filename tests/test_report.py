"""/report: the skill radar chart as PNG bytes, and its weekly XP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import Dojo
from core.banks import QuestionBanks
from core.db.models import SkillScore, XpLedger
from core.ports import FixedClock
from tests.support import ChatDriver

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def add_scores(dojo: Dojo, name: str, *rows: tuple[int, ...]) -> None:
    """Skill scores for the learner `name` (a console name, or `platform:id`)."""
    platform, _, account = name.rpartition(":")
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account(platform or "console", account)
        assert user is not None
        for index, values in enumerate(rows):
            uow.session.add(
                SkillScore(
                    user_id=user.id,
                    source_type="interview",
                    source_id=str(index),
                    communication=values[0],
                    code_quality=values[1],
                    requirements_gathering=values[2],
                    technical_depth=values[3],
                    problem_solving=values[4],
                    professionalism=values[5],
                    overall=values[6],
                    created_at=datetime(2026, 11, 20, tzinfo=UTC),
                )
            )
        await uow.commit()


async def report_xp(dojo: Dojo) -> list[str]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(XpLedger.reference).where(XpLedger.source == "report_generated")
        )
        return sorted(rows.all())


async def test_nothing_practised_yet_means_a_message_and_no_image(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    answer = await ada.say("/report")
    assert "Nothing to report yet" in answer and "/quiz" in answer and "/interview" in answer
    assert all(reply.image is None for reply in ada.last)
    assert await report_xp(sqlite_dojo) == []


async def test_a_report_draws_the_radar_and_pays_once_a_week(dojo: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/profile")
    await add_scores(dojo, "ada", (60, 50, 40, 70, 90, 80, 65), (80, 50, 40, 70, 90, 90, 75))
    answer = await ada.say("/report")
    image = ada.last[0].image
    assert image is not None and image.data.startswith(PNG_MAGIC) and len(image.data) > 5_000
    # The latest interview against the one before; the averages below.
    assert "Communication: 80 (+20 since the previous)" in answer
    assert "Professionalism: 90 (+10 since the previous)" in answer
    assert "Code quality: 50 (same as the previous)" in answer
    assert "Average of 2 scored sessions: overall 70" in answer
    assert "Strongest: Problem solving" in answer and "Requirements gathering." in answer
    trend = ada.last[1].image
    assert trend is not None and trend.filename == "weekly-trend.png"
    assert trend.caption == "AI-assessed skills per week (0-100) · XP per week"
    assert "+25 XP: 20 for this week's report, 5 for your first practice today" in answer
    assert "already yours" in await ada.say("/report")
    assert await report_xp(dojo) == ["report:2026-W48"]
    clock.advance(days=7)
    await ada.say("/report")
    assert await report_xp(dojo) == ["report:2026-W48", "report:2026-W49"]


async def test_the_chart_survives_a_hostile_display_name(sqlite_dojo: Dojo) -> None:
    chat = ChatDriver(sqlite_dojo.router, "$\\frac{x")
    await chat.say("/profile")
    await add_scores(sqlite_dojo, "$\\frac{x", (50, 50, 50, 50, 50, 50, 50))
    await chat.say("/report")
    assert chat.last[0].image is not None


async def test_offline_coverage_is_kept_apart_from_ai_skills(sqlite_dojo: Dojo) -> None:
    from tests.fakes.interview_bank import tiny_bank

    sqlite_dojo.services.banks = QuestionBanks(interview=tiny_bank())
    ada = ChatDriver(sqlite_dojo.router, "ada")
    await ada.say("/interview backend mid system-design")
    await ada.say("Cache-aside: on a miss load from the database and set a TTL.")
    await ada.say("/end")
    answer = await ada.say("/report")
    assert "Offline key-point coverage (not AI-assessed)" in answer
    assert "AI-assessed skills: none yet" in answer and "Communication" not in answer
    image = ada.last[0].image
    assert image is not None and image.data.startswith(PNG_MAGIC)
    assert image.caption == "Offline key-point coverage (not AI-assessed)"
    await add_scores(sqlite_dojo, "ada", (60, 50, 40, 70, 90, 80, 65))
    both = await ada.say("/report")
    assert "Communication: 60" in both and "key-point coverage" in both
    assert ada.last[0].image is not None and "AI-assessed skills · " in ada.last[0].image.caption


async def _quiz(chat: ChatDriver, rights: list[bool]) -> None:
    await chat.say(f"/quiz git {len(rights)}")
    for right in rights:
        (poll,) = [r.poll for r in chat.last if r.poll is not None]
        choice = poll.correct_index if right else (poll.correct_index + 1) % len(poll.options)
        await chat.press_data(f"{poll.answer_data}:{choice}")


REVIEWED = '''"""Totals."""


def total(prices: list[float]) -> float:
    """Sum prices."""
    return sum(prices)
'''


async def test_before_a_first_interview_the_report_shows_quizzes_and_reviews(
    sqlite_dojo: Dojo,
) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    await _quiz(ada, [True, True, False])
    review = await ada.say(f"/review python\n```python\n{REVIEWED}```")
    score = int(review.split("/100")[0].split()[-1])
    answer = await ada.say("/report")
    assert "Quizzes: 1, average score 67" in answer
    assert "3 questions answered, 2 right (67%)" in answer and "git: 67% of 3" in answer
    assert "Due for a second look" not in answer  # the missed one is due tomorrow
    assert f"Code reviews: 1, average score {score} (latest: {score})" in answer
    assert "No mock interview yet" in answer and "AI-assessed skills:" not in answer
    assert "+20 XP" in answer or "20 for this week's report" in answer
    # No radar without an interview, but the weekly XP trend is drawn.
    (shown,) = [r.image for r in ada.last if r.image is not None]
    assert shown.filename == "weekly-trend.png" and shown.caption == "XP per week"
    assert shown.data.startswith(PNG_MAGIC)


async def test_a_full_chart_queue_sends_the_text_alone(
    sqlite_dojo: Dojo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.features.report.rendering import RENDERER

    ada = ChatDriver(sqlite_dojo.router, "ada")
    await _quiz(ada, [True])
    monkeypatch.setattr(RENDERER, "waiting", RENDERER.max_waiting)
    answer = await ada.say("/report")
    assert "Charts are busy" in answer and "Quizzes: 1" in answer
    assert all(r.image is None for r in ada.last)


async def test_report_on_telegram_sends_the_text_then_both_charts(sqlite_dojo: Dojo) -> None:
    from tests.fakes.telegram_harness import running_adapter, texts

    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(7001, "Ada")
        assert "You're set" in texts(await ada.say("/start backend mid Asia/Tokyo"))
        await add_scores(sqlite_dojo, "telegram:7001", (60, 50, 40, 70, 90, 80, 65))
        calls = await ada.say("/report")
        photos = [c for c in calls if c.method == "sendPhoto"]
        assert [p.params["caption"] for p in photos] == [
            "AI-assessed skills",
            "AI-assessed skills per week (0-100) · XP per week",
        ]
        assert all(bytes(p.params["photo"]).startswith(PNG_MAGIC) for p in photos)
        report = [c for c in calls if c.method == "sendMessage"]
        assert report and "Progress report" in texts(report)
        assert report[0].at <= photos[0].at
        assert tg.fake.refusals() == []


async def test_report_on_discord_attaches_both_charts(sqlite_dojo: Dojo) -> None:
    from tests.fakes.discord_harness import running_bot

    async with running_bot(sqlite_dojo) as bot:
        await bot.slash("profile", bot.ada)
        await add_scores(sqlite_dojo, f"discord:{bot.ada}", (60, 50, 40, 70, 90, 80, 65))
        done = await bot.slash("report", bot.ada, messages=2)
        attached = [a["filename"] for m in done.messages for a in m["attachments"]]
        assert attached == ["skill-radar.png", "weekly-trend.png"]
        assert "Progress report" in done.messages[0]["content"]
        assert "XP per week" in done.messages[-1]["content"]
        assert bot.fake.violations == []
