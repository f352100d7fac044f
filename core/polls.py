"""Poll links kept for an adapter (core.ports.PollLinks), each call in its own short unit of
work: a poll is sent or answered outside any event's transaction."""

from __future__ import annotations

from datetime import datetime

from core.db.poll_links import PollLinkRepository
from core.db.uow import UnitOfWorkFactory
from core.messages import Platform
from core.ports import PollPlace


class StoredPollLinks:
    def __init__(self, uow_factory: UnitOfWorkFactory, platform: Platform) -> None:
        self._uow_factory = uow_factory
        self._platform = str(platform)

    async def remember(
        self, poll_id: str, answer_data: str, place: PollPlace, now: datetime
    ) -> None:
        async with self._uow_factory() as uow:
            await uow.repository(PollLinkRepository).remember(
                self._platform,
                poll_id,
                answer_data,
                chat_id=str(place.chat_id),
                chat_title=place.chat_title,
                explanation=place.full_explanation,
                topic_id=place.topic,
                now=now,
            )
            await uow.commit()

    async def lookup(self, poll_id: str) -> tuple[str, PollPlace | None] | None:
        async with self._uow_factory() as uow:
            link = await uow.repository(PollLinkRepository).find(self._platform, poll_id)
            if link is None:
                return None
            place = None
            if link.chat_id is not None and link.chat_id.lstrip("-").isdigit():
                place = PollPlace(
                    int(link.chat_id), link.chat_title, link.explanation, link.topic_id
                )
            return link.data, place
