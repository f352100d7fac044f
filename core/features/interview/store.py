"""Interview sessions in the database: the conversation state lives in the row, not in memory.

A session is keyed by learner and chat. The transcript and state are JSON columns, always
replaced by new values (never mutated in place) so every backend sees the change. An
interview idle for a day is abandoned without XP, lazily when the learner comes back and in
bulk by the scheduler through `abandon_idle_interviews`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from core.db.models import InterviewSession, SkillScore
from core.db.repository import Repository
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.open_work import OpenWork, clear_where_none_open

IDLE_LIMIT = timedelta(hours=24)
# A model call longer than this was interrupted (a crash or restart): the guard is released.
PENDING_LIMIT = timedelta(minutes=3)


# Asked of every plain message in a private chat, so built once (values as parameters).
_ACTIVE = (
    select(InterviewSession)
    .where(
        InterviewSession.user_id == bindparam("user_id"),
        InterviewSession.chat_key == bindparam("chat_key"),
        InterviewSession.status == "active",
    )
    .order_by(InterviewSession.id.desc())
    .limit(1)
)


_INTERVIEWING = (
    select(InterviewSession.user_id)
    .where(
        InterviewSession.user_id.in_(bindparam("ids", expanding=True)),
        InterviewSession.status == "active",
    )
    .distinct()
)


class InterviewStore(Repository):
    """Interview sessions and the skill scores their reports leave."""

    async def interviewing(self, user_ids: Sequence[int]) -> set[int]:
        return set(await self.session.scalars(_INTERVIEWING, {"ids": list(user_ids)}))

    async def open_in(self, user_id: int, chat_key: str) -> InterviewSession | None:
        """The learner's latest open interview in this chat, idle or not."""
        found: InterviewSession | None = await self.session.scalar(
            _ACTIVE, {"user_id": user_id, "chat_key": chat_key}
        )
        return found

    async def by_id(self, session_id: int) -> InterviewSession | None:
        return await self.session.get(InterviewSession, session_id)

    async def start(self, session: InterviewSession) -> None:
        """Store a new interview, flushed so it has its id (its buttons carry it)."""
        self.session.add(session)
        await self.session.flush()

    def add_skill_score(self, score: SkillScore) -> None:
        self.session.add(score)

    async def abandon_idle(self, now: datetime) -> int:
        """Abandon every interview idle for IDLE_LIMIT or more; returns how many."""
        result = await self.session.execute(
            update(InterviewSession)
            .where(
                InterviewSession.status == "active",
                InterviewSession.updated_at <= now - IDLE_LIMIT,
            )
            .values(status="abandoned", pending=False, updated_at=now)
        )
        active = select(InterviewSession.user_id).where(InterviewSession.status == "active")
        await clear_where_none_open(self.session, OpenWork.INTERVIEW, active)
        return int(getattr(result, "rowcount", 0) or 0)


async def learners_interviewing(uow: UnitOfWork, user_ids: Sequence[int]) -> set[int]:
    """Those of the learners with an interview open in any chat (idle ones included): their
    messages may be answers, which call the model."""
    return await uow.repository(InterviewStore).interviewing(user_ids)


async def active_session(
    uow: UnitOfWork, user_id: int, chat_key: str, now: datetime
) -> InterviewSession | None:
    """The learner's interview in this chat, abandoning it first if it went idle."""
    session = await uow.repository(InterviewStore).open_in(user_id, chat_key)
    if session is None:
        return None
    if now - session.updated_at >= IDLE_LIMIT:
        abandon(session, now)
        await uow.commit()  # stands even if the handler's own work is refused later
        return None
    return session


async def session_by_id(uow: UnitOfWork, session_id: str) -> InterviewSession | None:
    if not session_id.isdigit():
        return None
    return await uow.repository(InterviewStore).by_id(int(session_id))


def abandon(session: InterviewSession, now: datetime) -> None:
    session.status = "abandoned"
    session.pending = False
    session.updated_at = now


def is_busy(session: InterviewSession, now: datetime) -> bool:
    return session.pending and now - session.updated_at < PENDING_LIMIT


async def abandon_idle_interviews(uow_factory: UnitOfWorkFactory, now: datetime) -> int:
    """Abandon every interview idle for 24 hours or more; returns how many (for the scheduler)."""
    async with uow_factory() as uow:
        abandoned = await uow.repository(InterviewStore).abandon_idle(now)
        await uow.commit()
        return abandoned


def add_entries(session: InterviewSession, *entries: dict[str, Any]) -> None:
    session.transcript = [*(session.transcript or []), *entries]


def set_state(session: InterviewSession, **changes: Any) -> None:
    session.state = {**(session.state or {}), **changes}


def interviewer(text: str, kind: str, qid: str | None = None) -> dict[str, Any]:
    return {"by": "interviewer", "kind": kind, "text": text, "qid": qid}


def candidate(text: str, kind: str = "answer") -> dict[str, Any]:
    return {"by": "candidate", "kind": kind, "text": text}
