"""The moderators' audit log: every admin action and refusal, refusals folded per hour."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import AdminAudit

REFUSALS_FOLD = timedelta(hours=1)


def _entry(
    actor: str,
    action: str,
    now: datetime,
    target: str | None,
    reason: str | None,
    community_id: int | None,
    allowed: bool,
) -> AdminAudit:
    """One new log entry, its texts cut to the columns' sizes."""
    return AdminAudit(
        actor=actor[:100],
        action=action[:40],
        target=target[:200] if target else None,
        reason=reason[:500] if reason else None,
        community_id=community_id,
        allowed=allowed,
        attempts=1,
        created_at=now,
    )


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        actor: str,
        action: str,
        now: datetime,
        *,
        target: str | None = None,
        reason: str | None = None,
        community_id: int | None = None,
        allowed: bool = True,
    ) -> None:
        """Write an entry. A refusal repeated by the same actor for the same action within
        REFUSALS_FOLD is counted on the first entry instead, so a flood of refused attempts
        takes one line of the log an hour, never the log."""
        if not allowed:
            folded = await self.session.execute(
                update(AdminAudit)
                .where(
                    AdminAudit.id
                    == select(func.max(AdminAudit.id))
                    .where(
                        AdminAudit.actor == actor[:100],
                        AdminAudit.action == action[:40],
                        AdminAudit.allowed.is_(False),
                        AdminAudit.created_at >= now - REFUSALS_FOLD,
                        AdminAudit.community_id.is_(None)
                        if community_id is None
                        else AdminAudit.community_id == community_id,
                    )
                    .scalar_subquery()
                )
                .values(attempts=AdminAudit.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if folded.rowcount:  # type: ignore[attr-defined]
                return
        self.session.add(_entry(actor, action, now, target, reason, community_id, allowed))

    async def record_action(
        self,
        actor: str,
        action: str,
        now: datetime,
        *,
        target: str | None = None,
        reason: str | None = None,
        community_id: int | None = None,
    ) -> int:
        """Write an allowed action's entry now and return its id (XP references point at it)."""
        entry = _entry(actor, action, now, target, reason, community_id, allowed=True)
        self.session.add(entry)
        await self.session.flush()
        return entry.id

    async def recent(
        self, limit: int = 20, community_id: int | None = None
    ) -> Sequence[AdminAudit]:
        query = select(AdminAudit).order_by(AdminAudit.id.desc()).limit(limit)
        if community_id is not None:
            query = query.where(AdminAudit.community_id == community_id)
        return (await self.session.scalars(query)).all()
