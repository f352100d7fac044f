"""Code reviews in the database: a `/review` waiting for code is a row too (status
`awaiting_code`, with an expiry), so the code can follow in the next message, after a restart."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select

from core.db.models import CodeReview, InterviewSession
from core.db.repository import Repository

AWAITING = "awaiting_code"

# Asked of every plain message in a private chat, so built once (values as parameters).
_AWAITING = (
    select(CodeReview)
    .where(
        CodeReview.user_id == bindparam("user_id"),
        CodeReview.chat_key == bindparam("chat_key"),
        CodeReview.status == AWAITING,
    )
    .order_by(CodeReview.id.desc())
)


_AWAITING_ANY = (
    select(CodeReview.user_id)
    .where(
        CodeReview.user_id.in_(bindparam("ids", expanding=True)),
        CodeReview.status == AWAITING,
    )
    .distinct()
)


class ReviewStore(Repository):
    async def awaiting_any(self, user_ids: Sequence[int]) -> set[int]:
        """Those of the learners with a request waiting for code in any chat."""
        return set(await self.session.scalars(_AWAITING_ANY, {"ids": list(user_ids)}))

    async def awaiting_in(self, user_id: int, chat_key: str) -> list[CodeReview]:
        """The learner's requests waiting for code in this chat, newest first (expired too)."""
        rows = await self.session.scalars(_AWAITING, {"user_id": user_id, "chat_key": chat_key})
        return list(rows.all())

    async def reviewed_before(self, user_id: int, fingerprint: str) -> int | None:
        """The id of the learner's earlier completed review of the same code, if any."""
        return await self.session.scalar(
            select(CodeReview.id)
            .where(
                CodeReview.user_id == user_id,
                CodeReview.code_hash == fingerprint,
                CodeReview.status == "completed",
            )
            .limit(1)
        )

    async def by_id(self, review_id: int) -> CodeReview | None:
        return await self.session.get(CodeReview, review_id)

    def add(self, row: CodeReview) -> None:
        """A new review or request, written with the transaction."""
        self.session.add(row)

    async def save(self, row: CodeReview) -> None:
        """Write the review now, so it has its id (its XP's reference names it)."""
        self.session.add(row)
        await self.session.flush()

    async def interview_open(self, user_id: int, chat_key: str) -> bool:
        """Whether the learner has an interview open in this chat (plain text may be for it)."""
        found = await self.session.scalar(
            select(InterviewSession.id).where(
                InterviewSession.user_id == user_id,
                InterviewSession.chat_key == chat_key,
                InterviewSession.status == "active",
            )
        )
        return found is not None
