"""Quiz polls: which answer data a Telegram poll id stands for, kept in `poll_links`.

A poll answer names only the poll, so the link has to outlive a restart: it lives in the
database, with where the poll was posted (a group's answers are answered in the group, in the
forum topic it was posted in) and the explanation that did not fit in the poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.db.models import PollLink
from core.db.uow import UnitOfWorkFactory
from core.db.upsert import insert_ignore
from core.messages import Platform


@dataclass(frozen=True)
class PollPlace:
    chat_id: int
    chat_title: str | None  # set for groups
    full_explanation: str | None
    topic: int | None = None  # a forum group's topic


class PollLinks:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def remember(
        self, poll_id: str, answer_data: str, place: PollPlace, now: datetime
    ) -> None:
        async with self._uow_factory() as uow:
            await insert_ignore(
                uow.session,
                PollLink,
                {
                    "platform": Platform.TELEGRAM.value,
                    "poll_id": poll_id,
                    "data": answer_data,
                    "chat_id": str(place.chat_id),
                    "chat_title": place.chat_title[:200] if place.chat_title else None,
                    "explanation": place.full_explanation,
                    "topic_id": place.topic,
                    "created_at": now,
                },
                ["platform", "poll_id"],
            )
            await uow.commit()

    async def lookup(self, poll_id: str) -> tuple[str, PollPlace | None] | None:
        """The answer data of a poll and where it was posted; None for a poll Dojo never sent."""
        async with self._uow_factory() as uow:
            link = await uow.session.get(PollLink, (Platform.TELEGRAM.value, poll_id))
            if link is None:
                return None
            place = None
            if link.chat_id is not None and link.chat_id.lstrip("-").isdigit():
                place = PollPlace(
                    int(link.chat_id), link.chat_title, link.explanation, link.topic_id
                )
            return link.data, place
