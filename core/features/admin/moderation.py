"""Bans and AI budgets: decisions about one learner."""

from __future__ import annotations

from core.errors import NotAllowed, UserError
from core.features.admin.common import (
    AdminCall,
    audit,
    describe,
    is_operator_user,
    learner,
    money,
    rest,
    word,
)
from core.features.admin.grammar import BAN_USAGE, BUDGET_USAGE, UNBAN_USAGE
from core.features.admin.store import AdminStore
from core.messages import Reply, reply
from core.text import Doc, bold
from core.trust import Role


async def ban(call: AdminCall) -> list[Reply]:
    """An operator's ban holds across Dojo; a community moderator's only in their community
    (its chat and its boards), never in the learner's private chats or other communities."""
    user = await learner(call, word(call, 0, "learner", BAN_USAGE))
    if user.id == call.actor_user_id:
        raise UserError("You can't ban yourself.")
    if await is_operator_user(call, user):
        raise NotAllowed("Operators (DOJO_ADMINS) can't be banned from chat.")
    reason = rest(call, 1) or None
    if call.role is not Role.OPERATOR:
        assert call.community is not None
        if not await call.uow.standing.ban(
            call.community.id, user.id, call.actor, reason, call.now
        ):
            raise UserError(f"{user.display_name} is already banned in this community.")
        call.uow.communities.change_settings(call.community, has_bans=True)
        await audit(call, "ban", describe(user), reason)
        call.uow.forget_learner(user.id)
        return [
            reply(
                "🚫 ",
                bold(user.display_name),
                " is banned in this community: Dojo ignores them here and leaves them off "
                "its boards. They'll be told once. /admin bans lists who is banned here; "
                "/admin unban lifts it.",
            )
        ]
    if user.banned:
        raise UserError(f"{user.display_name} is already banned from Dojo.")
    # They get one polite message, then silence.
    call.uow.learners.change(user, banned=True, banned_notified=False, updated_at=call.now)
    await audit(call, "ban.global", describe(user), reason)
    call.uow.forget_learner(user.id)
    return [
        reply("🚫 ", bold(user.display_name), " is banned from all of Dojo. They'll be told once.")
    ]


async def unban(call: AdminCall) -> list[Reply]:
    user = await learner(call, word(call, 0, "learner", UNBAN_USAGE))
    reason = rest(call, 1) or None
    lifted_here = False
    if call.community is not None:
        lifted_here = await call.uow.standing.unban(call.community.id, user.id)
    if call.role is not Role.OPERATOR:
        if not lifted_here:
            if user.banned:
                raise NotAllowed(
                    f"{user.display_name} is banned from all of Dojo by an operator; only an "
                    "operator (DOJO_ADMINS) can lift that."
                )
            raise UserError(f"{user.display_name} is not banned in this community.")
        await audit(call, "unban", describe(user), reason)
        call.uow.forget_learner(user.id)
        return [reply("✅ ", bold(user.display_name), " may use Dojo in this community again.")]
    if not user.banned and not lifted_here:
        raise UserError(f"{user.display_name} is not banned.")
    call.uow.learners.change(user, banned=False, banned_notified=False, updated_at=call.now)
    await audit(call, "unban.global", describe(user), reason)
    call.uow.forget_learner(user.id)
    return [reply("✅ ", bold(user.display_name), " may use Dojo again.")]


async def bans(call: AdminCall) -> list[Reply]:
    """Who is banned here: a ban never silently hides a learner from their moderators."""
    if call.community is None:
        raise UserError("/admin bans lists a community's bans: send it in the group or server.")
    rows = await call.uow.standing.banned_here(call.community.id)
    lines: list[object] = [bold(f"🚫 Banned in this community: {len(rows)}")]
    for entry, user in rows[:50]:
        why = f" “{entry.reason}”" if entry.reason else ""
        lines.append(f"#{user.id} {user.display_name} · by {entry.actor}{why}")
    if not rows:
        lines.append("Nobody.")
    return [Reply(Doc.lines(*lines), ephemeral=True)]  # type: ignore[arg-type]


async def budget(call: AdminCall) -> list[Reply]:
    user = await learner(call, word(call, 0, "learner", BUDGET_USAGE))
    value = word(call, 1, "budget", BUDGET_USAGE)
    store = call.uow.repository(AdminStore)
    default = call.services.config.monthly_ai_budget_usd
    if value.strip().lower() == "default":
        await store.reset_budget(user.id)
        await audit(call, "budget", describe(user), f"default (${default})")
        return [reply(f"✅ {user.display_name} is back on the default ${default} a month.")]
    limit = money(value)
    await store.set_budget(user.id, limit, call.now)
    await audit(call, "budget", describe(user), f"${limit} a month")
    return [reply("✅ ", bold(user.display_name), f" now has an AI budget of ${limit} a month.")]
