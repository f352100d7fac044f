"""Community stats and the audit log: what moderators look at before they act."""

from __future__ import annotations

from datetime import datetime

from core.errors import NotAllowed, UserError
from core.features.admin.common import AdminCall, audit
from core.features.admin.grammar import AUDIT_USAGE
from core.features.admin.store import AdminStore
from core.leaderboard import week_start
from core.messages import Reply
from core.text import Doc, bold
from core.trust import Role


def _scope(call: AdminCall) -> int | None:
    """Whose figures the caller may see: their community's members, or (operators only)
    everyone's."""
    if call.community is None:
        if not call.operator:
            raise NotAllowed("Moderators see their own community's figures; use this there.")
        return None
    return call.community.id


async def stats(call: AdminCall) -> list[Reply]:
    zone = call.community.time_zone if call.community else "UTC"
    since = week_start(call.now, zone)
    month = call.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    store = call.uow.repository(AdminStore)
    scope = _scope(call)
    active = await store.active_learners(since, scope)
    quizzes = await store.quizzes_completed(since, scope)
    interviews = await store.interviews_started(since, scope)
    reviews = await store.reviews(since, scope)
    members = await store.members(call.community.id) if call.community else None
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
        week_spend = await store.ai_spend(since, scope)
        month_spend = await store.ai_spend(month, scope)
        lines.append(f"AI spend: ${week_spend:.2f} this week, ${month_spend:.2f} this month")
    return [Reply(Doc.lines(*lines), ephemeral=True)]  # type: ignore[arg-type]


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


async def audit_log(call: AdminCall) -> list[Reply]:
    limit = 10
    if call.args:
        text = call.args[0]
        if not text.isdigit() or not 1 <= int(text[:6]) <= 50:
            raise UserError(f"'{text[:20]}' should be a number from 1 to 50. Usage: {AUDIT_USAGE}")
        limit = int(text)
    if call.community is None and not call.operator:
        raise NotAllowed("Moderators see their own community's audit log; use this there.")
    entries = await call.uow.audit.recent(limit, call.community.id if call.community else None)
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
