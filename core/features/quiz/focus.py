"""A quiz and an interview open in the same chat: which one plain text belongs to.

The activity touched last gets the learner's typed replies. Starting a quiz pauses an open
interview (and says so); finishing the quiz, answering the interview or sending /interview
hands the chat back to it. Read here, never written: the interview keeps its own state.
"""

from __future__ import annotations

from datetime import datetime

from core.context import QuickContext
from core.features.quiz.store import QuizStore

PAUSED = "Your interview is paused while the quiz is open; send /interview to go back to it."
RESUMED = "▶ Back to your interview: reply to its question, or send /interview to see it again."


async def interview_touched(context: QuickContext) -> datetime | None:
    """When the learner's open interview in this chat last moved, if one is open."""
    store = context.uow.repository(QuizStore)
    return await store.interview_touched(context.user.id, context.chat_key)
