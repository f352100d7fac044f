"""The live round's registered entry point: the answer action (a poll vote or a button).
`/quiz live` itself is the quiz command's (core.features.quiz.handlers), which hands it here."""

from __future__ import annotations

from core.context import QuickContext
from core.features.live.answer import answer_live
from core.features.live.render import ANSWER_ACTION
from core.kinds import Kind
from core.messages import Reply
from core.registry import action


@action(ANSWER_ACTION, kind=Kind.QUICK)
async def live_answer(context: QuickContext) -> list[Reply]:
    return await answer_live(context)


__all__ = ["live_answer"]
