"""A community's question packs: their rows in question_packs and questions in quiz_questions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.db.models import QuestionPack, QuizQuestion
from core.db.repository import Repository
from core.errors import UserError
from core.features.quiz.schema import QuestionData

# Rows per INSERT: well under SQLite's 32,766 bound parameters at 9 columns a row.
_CHUNK = 200


class PackNameTaken(UserError):
    """Two moderators added a pack of one name at once: the partial unique index keeps one."""


def live_pack_ids(community_id: int) -> Select[int]:
    """A subquery of the community's packs that are not removed (core.features.quiz.store)."""
    return select(QuestionPack.id).where(
        QuestionPack.community_id == community_id, QuestionPack.removed_at.is_(None)
    )


class PackStore(Repository):
    async def live_packs(self, community_id: int) -> list[QuestionPack]:
        rows = await self.session.scalars(
            select(QuestionPack)
            .where(QuestionPack.community_id == community_id, QuestionPack.removed_at.is_(None))
            .order_by(QuestionPack.name)
        )
        return list(rows.all())

    async def live_pack(self, community_id: int, name: str) -> QuestionPack | None:
        pack: QuestionPack | None = await self.session.scalar(
            select(QuestionPack).where(
                QuestionPack.community_id == community_id,
                QuestionPack.name == name,
                QuestionPack.removed_at.is_(None),
            )
        )
        return pack

    async def live_count(self, community_id: int) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(QuestionPack)
            .where(QuestionPack.community_id == community_id, QuestionPack.removed_at.is_(None))
        )
        return int(count or 0)

    async def remove(self, pack: QuestionPack, now: datetime) -> None:
        """Out of every future pick; its questions stay for the sessions that asked them."""
        await self.session.execute(
            update(QuestionPack)
            .where(QuestionPack.id == pack.id)
            .values(removed_at=now)
            .execution_options(synchronize_session=False)
        )
        pack.removed_at = now
        await self.session.flush()

    async def add(
        self,
        community_id: int,
        name: str,
        questions: Sequence[QuestionData],
        actor: str,
        now: datetime,
    ) -> QuestionPack:
        """A new pack with its questions, in the caller's transaction (so all or none)."""
        pack = QuestionPack(
            community_id=community_id,
            name=name,
            question_count=len(questions),
            added_by=actor[:100],
            added_at=now,
        )
        self.session.add(pack)
        try:
            await self.session.flush()
        except IntegrityError:  # another moderator's pack of this name committed first
            raise PackNameTaken(
                f"Another pack called {name} was added just now; list the packs and try again. "
                "Nothing was imported."
            ) from None
        rows = [
            {
                # Unique across Dojo: the pack's id (never reused) and the item's place.
                "external_id": f"pack{pack.id}-{position}",
                "topic": question.topic,
                "difficulty": question.difficulty,
                "question": question.question,
                "options": list(question.options),
                "correct_index": question.correct,
                "explanation": question.explanation,
                "source": "pack",
                "created_at": now,
                "pack_id": pack.id,
            }
            for position, question in enumerate(questions, start=1)
        ]
        for start in range(0, len(rows), _CHUNK):
            await self.session.execute(insert(QuizQuestion), rows[start : start + _CHUNK])
        return pack
