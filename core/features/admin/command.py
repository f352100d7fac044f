"""`/admin <subcommand> ...`: the one moderator command, and its subcommand table.

Its words and parameters are declared once, in `core.features.admin.grammar`; this table says
who may run each subcommand and what runs it.

The router refuses (and audits) anyone who is not a moderator before this runs; here each
subcommand validates its own arguments and writes its audit entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.context import Context
from core.errors import UserError
from core.features.admin import awards, community, grammar, moderation, reports
from core.features.admin.common import AdminCall
from core.features.daily import admin as daily
from core.features.help import trust_summary
from core.features.live import admin as live_admin
from core.features.packs import admin as packs_admin
from core.features.rewards import admin as rewards_admin
from core.features.web import admin as web_admin
from core.kinds import Kind
from core.messages import Reply
from core.registry import command
from core.text import Doc, bold, code
from core.trust import Reach, authorise

Run = Callable[[AdminCall], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Runner:
    """How one subcommand runs; its words are in `grammar`."""

    run: Run
    # Who may use it (core.trust): EVERYWHERE is for operators alone.
    reach: Reach
    # The one line a community moderator is refused with, saying who may do it instead.
    refusal: str = ""


_OPERATORS = "an operator (DOJO_ADMINS)"
SUBCOMMANDS: dict[str, Runner] = {
    "xp": Runner(awards.xp, Reach.COMMUNITY),
    "badge": Runner(
        awards.badge,
        Reach.EVERYWHERE,
        f"Only {_OPERATORS} can award or take badges: they carry global XP. "
        f"To reward someone on this community's board: {grammar.XP_USAGE}",
    ),
    "ban": Runner(moderation.ban, Reach.COMMUNITY),
    "unban": Runner(moderation.unban, Reach.COMMUNITY),
    "bans": Runner(moderation.bans, Reach.COMMUNITY),
    "budget": Runner(
        moderation.budget,
        Reach.EVERYWHERE,
        f"Only {_OPERATORS} can change AI budgets: the operator pays for them. "
        "Community moderators can't raise or lower them.",
    ),
    "channel": Runner(community.channel, Reach.COMMUNITY),
    "chatxp": Runner(community.chat_xp, Reach.COMMUNITY),
    "modrole": Runner(community.mod_role, Reach.COMMUNITY),
    "live": Runner(live_admin.who_starts, Reach.COMMUNITY),
    "daily": Runner(daily.daily, Reach.COMMUNITY),
    "reward": Runner(rewards_admin.reward, Reach.COMMUNITY),
    "web": Runner(web_admin.web_page, Reach.COMMUNITY),
    "stats": Runner(reports.stats, Reach.COMMUNITY),
    "audit": Runner(reports.audit_log, Reach.COMMUNITY),
    "pack": Runner(packs_admin.pack, Reach.COMMUNITY),
}


def usage() -> Reply:
    lines: list[object] = [bold("Moderator commands")]
    lines.extend(
        (code(form.usage(grammar.ADMIN)),) for form in grammar.SUBCOMMANDS if not form.is_alias
    )
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
    grammar.ADMIN,
    "Moderator tools: XP, badges, bans, channels, budgets, stats, audit log",
    grammar.USAGE,
    admin_only=True,
    kind=Kind.SLOW,  # /admin channel asks the platform (core.channels): never in a batch
    subcommands=grammar.SUBCOMMANDS,
    changes_community_settings=True,
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
        attachments=context.incoming.attachments,
    )
    return await run_admin(call, args[0] if args else "")
