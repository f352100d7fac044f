"""`/admin <subcommand> ...`: the one moderator command, and its subcommand table.

The router refuses (and audits) anyone who is not a moderator before this runs; here each
subcommand validates its own arguments and writes its audit entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.context import Context
from core.errors import UserError
from core.features.admin import awards, community, moderation, reports
from core.features.admin.common import AdminCall
from core.features.help import trust_summary
from core.kinds import Kind
from core.messages import Reply
from core.registry import command
from core.text import Doc, bold, code
from core.trust import Reach, authorise

Run = Callable[[AdminCall], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Subcommand:
    run: Run
    usage: str
    # Who may use it (core.trust): EVERYWHERE is for operators alone.
    reach: Reach
    # The one line a community moderator is refused with, saying who may do it instead.
    refusal: str = ""


_OPERATORS = "an operator (DOJO_ADMINS)"
SUBCOMMANDS: dict[str, Subcommand] = {
    "xp": Subcommand(awards.xp, awards.XP_USAGE, Reach.COMMUNITY),
    "badge": Subcommand(
        awards.badge,
        awards.BADGE_USAGE,
        Reach.EVERYWHERE,
        f"Only {_OPERATORS} can award or take badges: they carry global XP. "
        f"To reward someone on this community's board: {awards.XP_USAGE}",
    ),
    "ban": Subcommand(moderation.ban, moderation.BAN_USAGE, Reach.COMMUNITY),
    "unban": Subcommand(moderation.unban, moderation.BAN_USAGE, Reach.COMMUNITY),
    "bans": Subcommand(moderation.bans, moderation.BANS_USAGE, Reach.COMMUNITY),
    "budget": Subcommand(
        moderation.budget,
        moderation.BUDGET_USAGE,
        Reach.EVERYWHERE,
        f"Only {_OPERATORS} can change AI budgets: the operator pays for them. "
        "Community moderators can't raise or lower them.",
    ),
    "channel": Subcommand(community.channel, community.CHANNEL_USAGE, Reach.COMMUNITY),
    "chatxp": Subcommand(community.chat_xp, community.CHAT_XP_USAGE, Reach.COMMUNITY),
    "modrole": Subcommand(community.mod_role, community.MOD_ROLE_USAGE, Reach.COMMUNITY),
    "stats": Subcommand(reports.stats, "/admin stats", Reach.COMMUNITY),
    "audit": Subcommand(reports.audit_log, reports.AUDIT_USAGE, Reach.COMMUNITY),
}


def usage() -> Reply:
    lines: list[object] = [bold("Moderator commands")]
    lines.extend((code(text),) for text in dict.fromkeys(sub.usage for sub in SUBCOMMANDS.values()))
    lines.append("Learners: platform:id (telegram:123), #dojo-id or display name.")
    lines.append(trust_summary())
    return Reply(Doc.lines(*lines), ephemeral=True)  # type: ignore[arg-type]


async def run_admin(call: AdminCall, name: str) -> list[Reply]:
    """Run one subcommand; shared by the chat command and `dojo admin` at the shell."""
    key = name.strip().lower()
    if key in ("", "help"):
        return [usage()]
    found = SUBCOMMANDS.get(key)
    if found is None:
        raise UserError(f"There is no /admin {name[:20]}. Send /admin help for the list.")
    authorise(
        call.role, found.reach, in_community=call.community is not None, refusal=found.refusal
    )
    return await found.run(call)


@command(
    "admin",
    "Moderator tools: XP, badges, bans, channels, budgets, stats, audit log",
    "/admin <xp|badge|ban|unban|bans|budget|channel|chatxp|modrole|stats|audit> ...",
    admin_only=True,
    kind=Kind.SLOW,  # /admin channel asks the platform (core.channels): never in a batch
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
        outbox=context.outbox,
        checkpoint=context.checkpoint,
    )
    return await run_admin(call, args[0] if args else "")
