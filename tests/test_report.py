"""/report: the skill radar chart as PNG bytes, and its weekly XP."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import Dojo
from core.banks import QuestionBanks
from core.db.models import SkillScore, XpLedger
from core.ports import FixedClock
from tests.support import ChatDriver

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def add_scores(dojo: Dojo, name: str, *rows: tuple[int, ...]) -> None:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("console", name)
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


async def test_no_scores_yet_means_a_message_and_no_image(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    answer = await ada.say("/report")
    assert "No skill scores yet" in answer and "/interview" in answer
    assert all(reply.image is None for reply in ada.last)
    assert await report_xp(sqlite_dojo) == []


async def test_a_report_draws_the_radar_and_pays_once_a_week(dojo: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(dojo.router, "ada")
    await ada.say("/profile")
    await add_scores(dojo, "ada", (60, 50, 40, 70, 90, 80, 65), (80, 50, 40, 70, 90, 90, 75))
    answer = await ada.say("/report")
    image = ada.last[0].image
    assert image is not None and image.data.startswith(PNG_MAGIC) and len(image.data) > 5_000
    assert "Communication: 70" in answer and "Professionalism: 85" in answer
    assert "Strongest: Problem solving" in answer and "Requirements gathering." in answer
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
