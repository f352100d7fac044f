"""Quiz polls: which answer data a Telegram poll id stands for, kept in `poll_links`.

A poll answer names only the poll, so the link has to outlive a restart: it lives in the
database. Where the poll was posted and its long explanation are only conveniences (a group poll
answered after a restart is answered in private), so they stay in a bounded memory map.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from core.db.models import PollLink
from core.db.uow import UnitOfWorkFactory
from core.db.upsert import insert_ignore
from core.messages import Platform

_MEMORY = 4096


@dataclass(frozen=True)
class PollPlace:
    chat_id: int
    chat_title: str | None  # set for groups
    full_explanation: str | None


class PollLinks:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory
        self._places: OrderedDict[str, PollPlace] = OrderedDict()

    async def remember(
        self, poll_id: str, answer_data: str, place: PollPlace, now: datetime
    ) -> None:
        self._places[poll_id] = place
        while len(self._places) > _MEMORY:
            self._places.popitem(last=False)
        async with self._uow_factory() as uow:
            await insert_ignore(
                uow.session,
                PollLink,
                {
                    "platform": Platform.TELEGRAM.value,
                    "poll_id": poll_id,
                    "data": answer_data,
                    "created_at": now,
                },
                ["platform", "poll_id"],
            )
            await uow.commit()

    async def answer_data(self, poll_id: str) -> str | None:
        async with self._uow_factory() as uow:
            link = await uow.session.get(PollLink, (Platform.TELEGRAM.value, poll_id))
            return link.data if link is not None else None

    def place(self, poll_id: str) -> PollPlace | None:
        return self._places.get(poll_id)
