"""Bans and AI budgets: decisions about one learner."""

from __future__ import annotations

from core.db.models import AiBudget
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
from core.messages import Reply, reply
from core.text import bold

BAN_USAGE = "/admin ban|unban <learner> [reason]"
BUDGET_USAGE = "/admin budget <learner> <dollars per month>|default"


async def ban(call: AdminCall) -> list[Reply]:
    user = await learner(call, word(call, 0, "learner", BAN_USAGE))
    if user.id == call.actor_user_id:
        raise UserError("You can't ban yourself.")
    if await is_operator_user(call, user):
        raise NotAllowed("Operators (DOJO_ADMINS) can't be banned from chat.")
    if user.banned:
        raise UserError(f"{user.display_name} is already banned.")
    user.banned = True
    user.banned_notified = False  # they get one polite message, then silence
    user.updated_at = call.now
    reason = rest(call, 1) or None
    await audit(call, "ban", describe(user), reason)
    return [reply("🚫 ", bold(user.display_name), " is banned. They'll be told once.")]


async def unban(call: AdminCall) -> list[Reply]:
    user = await learner(call, word(call, 0, "learner", BAN_USAGE))
    if not user.banned:
        raise UserError(f"{user.display_name} is not banned.")
    user.banned = False
    user.banned_notified = False
    user.updated_at = call.now
    await audit(call, "unban", describe(user), rest(call, 1) or None)
    return [reply("✅ ", bold(user.display_name), " may use Dojo again.")]


async def budget(call: AdminCall) -> list[Reply]:
    user = await learner(call, word(call, 0, "learner", BUDGET_USAGE))
    value = word(call, 1, "budget", BUDGET_USAGE)
    row = await call.uow.session.get(AiBudget, user.id)
    default = call.services.config.monthly_ai_budget_usd
    if value.strip().lower() == "default":
        if row is not None:
            await call.uow.session.delete(row)
        await audit(call, "budget", describe(user), f"default (${default})")
        return [reply(f"✅ {user.display_name} is back on the default ${default} a month.")]
    limit = money(value)
    if row is None:
        call.uow.session.add(
            AiBudget(user_id=user.id, monthly_limit_usd=limit, updated_at=call.now)
        )
    else:
        row.monthly_limit_usd = limit
        row.updated_at = call.now
    await audit(call, "budget", describe(user), f"${limit} a month")
    return [reply("✅ ", bold(user.display_name), f" now has an AI budget of ${limit} a month.")]
