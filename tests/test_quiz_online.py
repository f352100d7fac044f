"""Generated quiz questions through the real SDK and the fake Messages API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.config import CoreConfig
from core.db.models import AiUsage, QuizQuestion
from core.ports import FixedClock
from tests.fakes.anthropic_server import Fail, Json
from tests.online_support import online_dojo
from tests.support import ChatDriver


def generated(question: str, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "topic": "sql",
        "difficulty": "junior",
        "question": question,
        "options": ["An index", "A view", "A trigger", "A sequence"],
        "correct": 0,
        "explanation": "An index speeds up lookups at the cost of slower writes.",
    }
    item.update(changes)
    return item


async def test_generated_questions_are_validated_stored_and_topped_up(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with online_dojo(sqlite_url, clock) as (dojo, server):
        server.script(
            Json(
                {
                    "questions": [
                        generated("What speeds up lookups on a column?"),
                        generated("Duplicate options?", options=["Same", "same", "Other"]),
                        generated("Out of range?", correct=7),
                        generated("Off topic?", topic="git"),
                        generated("", explanation="Empty question."),
                    ]
                }
            )
        )
        ada = ChatDriver(dojo.router, "ada")
        opening = await ada.say("/quiz sql 3")
        assert "Offline" not in opening and "3 questions" in opening
        body = server.requests[0]
        assert body["model"] == CoreConfig().generation_model
        assert body["output_config"]["format"]["type"] == "json_schema"
        assert body["thinking"] == {"type": "disabled"} and not server.violations
        assert "3 questions on the topic sql" in str(body["messages"])
        async with dojo.services.uow_factory() as uow:
            stored = (
                await uow.session.scalars(
                    select(QuizQuestion.question).where(QuizQuestion.source == "generated")
                )
            ).all()
            usage = (await uow.session.execute(select(AiUsage.feature, AiUsage.status))).all()
        assert list(stored) == ["What speeds up lookups on a column?"]
        assert [tuple(row) for row in usage] == [("quiz", "ok")]
        assert "AI-written" in opening
        assert ada.last[0].poll is not None
        assert ada.last[0].poll.question == "What speeds up lookups on a column?"


async def test_a_failing_model_falls_back_to_the_bank_and_says_so(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with online_dojo(sqlite_url, clock) as (dojo, server):
        server.script(Fail(401, message="bad key"))
        ada = ChatDriver(dojo.router, "ada")
        opening = await ada.say("/quiz git 2")
        assert "offline" in opening and "2 questions" in opening
        assert ada.last[0].poll is not None


async def test_over_budget_quizzes_stay_offline_without_calling_the_model(
    sqlite_url: str, clock: FixedClock
) -> None:
    async with online_dojo(sqlite_url, clock, DOJO_MONTHLY_AI_BUDGET_USD="0") as (dojo, server):
        ada = ChatDriver(dojo.router, "ada")
        opening = await ada.say("/quiz python 2")
        assert "budget" in opening and "offline" in opening
        assert server.requests == []
