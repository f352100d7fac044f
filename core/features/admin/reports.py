"""Community stats and the audit log: what moderators look at before they act."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import distinct, func, select

from core.db.models import (
    ActivityLog,
    AdminAudit,
    AiUsage,
    CodeReview,
    CommunityMember,
    InterviewSession,
    QuizSession,
)
from core.errors import NotAllowed, UserError
from core.features.admin.common import AdminCall, audit
from core.leaderboard import week_start
from core.messages import Reply
from core.text import Doc, bold
from core.trust import Role

AUDIT_USAGE = "/admin audit [how many, 1-50]"


def _scoped(call: AdminCall, query: Any, user_column: Any) -> Any:
    if call.community is None:
        if not call.operator:
            raise NotAllowed("Moderators see their own community's figures; use this there.")
        return query
    members = select(CommunityMember.user_id).where(
        CommunityMember.community_id == call.community.id
    )
    return query.where(user_column.in_(members))


async def _count(call: AdminCall, query: Any, user_column: Any) -> int:
    return int(await call.uow.session.scalar(_scoped(call, query, user_column)) or 0)


async def stats(call: AdminCall) -> list[Reply]:
    zone = call.community.time_zone if call.community else "UTC"
    since = week_start(call.now, zone)
    month = call.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    count = func.count()
    active = await _count(
        call,
        select(func.count(distinct(ActivityLog.user_id))).where(ActivityLog.created_at >= since),
        ActivityLog.user_id,
    )
    quizzes = await _count(
        call,
        select(count).where(QuizSession.status == "completed", QuizSession.completed_at >= since),
        QuizSession.user_id,
    )
    interviews = await _count(
        call, select(count).where(InterviewSession.created_at >= since), InterviewSession.user_id
    )
    reviews = await _count(
        call, select(count).where(CodeReview.created_at >= since), CodeReview.user_id
    )
    members = (
        await call.uow.session.scalar(
            select(count).where(CommunityMember.community_id == call.community.id)
        )
        if call.community
        else None
    )
    await audit(call, "stats")
    where = (call.community.name or "this community") if call.community else "all of Dojo"
    lines: list[object] = [bold(f"📊 This week in {where}")]
    if members is not None:
        lines.append(f"Members: {members}")
    lines += [
        f"Active learners: {active}",
        f"Quizzes completed: {quizzes} · interviews started: {interviews} · reviews: {reviews}",
    ]
    if call.role is Role.OPERATOR:
        # Spend is a learner's own (made anywhere, in private chats too): a community's
        # moderators see activity in their community, never what its members spent.
        spend = func.coalesce(func.sum(AiUsage.cost_usd), 0)
        week_spend = await _money(call, select(spend).where(AiUsage.created_at >= since))
        month_spend = await _money(call, select(spend).where(AiUsage.created_at >= month))
        lines.append(f"AI spend: ${week_spend:.2f} this week, ${month_spend:.2f} this month")
    return [Reply(Doc.lines(*lines), ephemeral=True)]  # type: ignore[arg-type]


async def _money(call: AdminCall, query: Any) -> Decimal:
    return Decimal(str(await call.uow.session.scalar(_scoped(call, query, AiUsage.user_id)) or 0))


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


async def audit_log(call: AdminCall) -> list[Reply]:
    limit = 10
    if call.args:
        text = call.args[0]
        if not text.isdigit() or not 1 <= int(text[:6]) <= 50:
            raise UserError(f"'{text[:20]}' should be a number from 1 to 50. Usage: {AUDIT_USAGE}")
        limit = int(text)
    query = select(AdminAudit).order_by(AdminAudit.id.desc()).limit(limit)
    if call.community is not None:
        query = query.where(AdminAudit.community_id == call.community.id)
    elif not call.operator:
        raise NotAllowed("Moderators see their own community's audit log; use this there.")
    entries = (await call.uow.session.scalars(query)).all()
    await audit(call, "audit.view")
    lines: list[object] = [bold(f"🗒️ Last {len(entries)} moderator actions")]
    for entry in entries:
        parts = [_when(entry.created_at), entry.actor, entry.action]
        if entry.target:
            parts.append(entry.target)
        if entry.reason:
            parts.append(f"“{entry.reason}”")
        if not entry.allowed:
            parts.append("REFUSED" if entry.attempts <= 1 else f"REFUSED ×{entry.attempts}")
        lines.append(" · ".join(parts))
    if not entries:
        lines.append("Nothing yet.")
    return [Reply(Doc.lines(*lines), ephemeral=True)]  # type: ignore[arg-type]
