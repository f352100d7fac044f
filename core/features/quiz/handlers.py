"""The quiz's registered entry points: `/quiz`, the answer action (poll or button) and answers
typed as text (registered from `typed`)."""

from __future__ import annotations

from core.command_meta import Param, ParamKind
from core.context import Context, QuickContext
from core.features.live.request import is_live
from core.features.live.start import start_live_round
from core.features.quiz.answer import answer_question
from core.features.quiz.render import ANSWER_ACTION
from core.features.quiz.start import start_quiz
from core.features.quiz.typed import typed_answer
from core.kinds import Kind
from core.messages import Reply
from core.registry import action, command


@command(
    "quiz",
    "A multiple-choice quiz; missed questions come back later",
    params=(
        Param("topic", "A topic, random for a mix, or due for your reviews", autocomplete="topic"),
        Param("count", "How many questions", ParamKind.INTEGER, min_value=1, max_value=20),
    ),
    usage="/quiz [topic] [n] · /quiz due · /quiz live [topic] [n] [seconds]",
    kind=Kind.SLOW,
)
async def quiz(context: Context) -> list[Reply]:
    if is_live(context.incoming.args):  # /quiz live ...: a timed round for the channel
        return await start_live_round(context)
    return await start_quiz(context)


__all__ = ["quiz", "quiz_answer", "typed_answer"]


@action(ANSWER_ACTION, kind=Kind.QUICK)
async def quiz_answer(context: QuickContext) -> list[Reply]:
    return await answer_question(context)
