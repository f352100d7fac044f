"""`/admin <subcommand> ...`: the one moderator command, and its subcommand table.

The router refuses (and audits) anyone who is not a moderator before this runs; here each
subcommand validates its own arguments and writes its audit entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core.context import Context
from core.errors import UserError
from core.features.admin import awards, community, moderation, reports
from core.features.admin.common import AdminCall
from core.messages import Reply
from core.registry import command
from core.text import Doc, bold, code

Subcommand = Callable[[AdminCall], Awaitable[list[Reply]]]

SUBCOMMANDS: dict[str, tuple[Subcommand, str]] = {
    "xp": (awards.xp, awards.XP_USAGE),
    "badge": (awards.badge, awards.BADGE_USAGE),
    "ban": (moderation.ban, moderation.BAN_USAGE),
    "unban": (moderation.unban, moderation.BAN_USAGE),
    "budget": (moderation.budget, moderation.BUDGET_USAGE),
    "channel": (community.channel, community.CHANNEL_USAGE),
    "chatxp": (community.chat_xp, community.CHAT_XP_USAGE),
    "modrole": (community.mod_role, community.MOD_ROLE_USAGE),
    "stats": (reports.stats, "/admin stats"),
    "audit": (reports.audit_log, reports.AUDIT_USAGE),
}


def usage() -> Reply:
    lines: list[object] = [bold("Moderator commands")]
    lines.extend((code(text),) for text in dict.fromkeys(text for _, text in SUBCOMMANDS.values()))
    lines.append("Learners: platform:id (telegram:123), #dojo-id or display name.")
    return Reply(Doc.lines(*lines), ephemeral=True)  # type: ignore[arg-type]


async def run_admin(call: AdminCall, name: str) -> list[Reply]:
    """Run one subcommand; shared by the chat command and `dojo admin` at the shell."""
    key = name.strip().lower()
    if key in ("", "help"):
        return [usage()]
    found = SUBCOMMANDS.get(key)
    if found is None:
        raise UserError(f"There is no /admin {name[:20]}. Send /admin help for the list.")
    return await found[0](call)


@command(
    "admin",
    "Moderator tools: XP, badges, bans, channels, budgets, stats, audit log",
    "/admin <xp|badge|ban|unban|budget|channel|chatxp|modrole|stats|audit> ...",
    admin_only=True,
)
async def admin(context: Context) -> list[Reply]:
    args = context.incoming.args
    call = AdminCall(
        uow=context.uow,
        services=context.services,
        actor=context.actor,
        now=context.now,
        community=context.community,
        args=tuple(args[1:]),
        operator=context.actor in context.services.config.admins,
        chat_id=context.incoming.chat.id,
        actor_user_id=context.user.id,
    )
    return await run_admin(call, args[0] if args else "")
