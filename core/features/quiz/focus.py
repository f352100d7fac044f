"""A quiz and an interview open in the same chat: which one plain text belongs to.

The activity touched last gets the learner's typed replies. Starting a quiz pauses an open
interview (and says so); finishing the quiz, answering the interview or sending /interview
hands the chat back to it. Read here, never written: the interview keeps its own state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select

from core.context import Context
from core.db.models import InterviewSession

PAUSED = "Your interview is paused while the quiz is open; send /interview to go back to it."
RESUMED = "▶ Back to your interview: reply to its question, or send /interview to see it again."

_INTERVIEW_TOUCHED = select(func.max(InterviewSession.updated_at)).where(
    InterviewSession.user_id == bindparam("user_id"),
    InterviewSession.chat_key == bindparam("chat_key"),
    InterviewSession.status == "active",
)


async def interview_touched(context: Context) -> datetime | None:
    """When the learner's open interview in this chat last moved, if one is open."""
    keys = {"user_id": context.user.id, "chat_key": context.chat_key}
    touched: datetime | None = await context.uow.session.scalar(_INTERVIEW_TOUCHED, keys)
    return touched
