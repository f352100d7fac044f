"""`poll_links`: which answer data a platform's poll id stands for (core.polls)."""

from __future__ import annotations

from datetime import datetime

from core.db.models import PollLink
from core.db.repository import Repository
from core.db.upsert import insert_ignore

MAX_TITLE = 200


class PollLinkRepository(Repository):
    async def remember(
        self,
        platform: str,
        poll_id: str,
        data: str,
        *,
        chat_id: str,
        chat_title: str | None,
        explanation: str | None,
        topic_id: int | None,
        now: datetime,
    ) -> None:
        """Store a link once: a poll id seen again (a retried send) keeps its first link."""
        await insert_ignore(
            self.session,
            PollLink,
            {
                "platform": platform,
                "poll_id": poll_id,
                "data": data,
                "chat_id": chat_id,
                "chat_title": chat_title[:MAX_TITLE] if chat_title else None,
                "explanation": explanation,
                "topic_id": topic_id,
                "created_at": now,
            },
            ["platform", "poll_id"],
        )

    async def find(self, platform: str, poll_id: str) -> PollLink | None:
        return await self.session.get(PollLink, (platform, poll_id))
