"""What every admin subcommand gets, and the checks they share.

The same call object serves the chat command (through the router, which has already refused
non-moderators) and the shell (`dojo admin`, always an operator), so validation and auditing
are written once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from core.context import Services
from core.db.models import Community, CommunityMember, User
from core.db.uow import UnitOfWork
from core.errors import NotAllowed, UserError
from core.messages import Attachment, Effect
from core.trust import Role, role_of

MAX_XP_CHANGE = 10_000
WHO = "Name learners as platform:id (telegram:123), #dojo-id (#12) or their display name."


async def _nothing_to_commit() -> None:
    return None


@dataclass
class AdminCall:
    uow: UnitOfWork
    services: Services
    actor: str  # platform:id, or shell:<login> at the shell
    now: datetime
    community: Community | None
    args: tuple[str, ...]
    # Operators (DOJO_ADMINS, the shell) act anywhere; a community's moderators only on its members.
    operator: bool
    chat_id: str | None = None  # the chat the command came from ("here")
    actor_user_id: int | None = None
    # Messages for other chats, sent after the commit (the router's outbox).
    outbox: list[Effect] = field(default_factory=list)
    # Commits what is written so far and leaves the write gate (Context.checkpoint), before
    # a subcommand asks a platform something: never with a transaction open. At the shell,
    # where nothing else waits on this process's transaction, there is nothing to do.
    checkpoint: Callable[[], Awaitable[None]] = _nothing_to_commit
    # Files sent with the command (a question pack for /admin pack add).
    attachments: tuple[Attachment, ...] = ()

    @property
    def role(self) -> Role:
        # The router lets only moderators and operators reach /admin.
        return role_of(operator=self.operator, moderator=True)


def word(call: AdminCall, index: int, what: str, usage: str) -> str:
    if len(call.args) <= index or not call.args[index].strip():
        raise UserError(f"Missing {what}. Usage: {usage}")
    return call.args[index]


def rest(call: AdminCall, start: int) -> str:
    return " ".join(call.args[start:]).strip()[:500]


def describe(user: User) -> str:
    return f"#{user.id} {user.display_name}"


async def learner(call: AdminCall, needle: str) -> User:
    """The learner a moderator named, looked up only where they may act.

    In a community, a name, `platform:id` or `#id` must be one of its members; a display name
    that fits several is refused with their `platform:id`s, never guessed. Operators at the
    shell look across Dojo, with the same refusal of ambiguous names."""
    needle = needle.strip().lstrip("@")[:100]
    members = call.community.id if call.community is not None else None
    if members is None and not call.operator:
        raise NotAllowed("Moderators act on learners from their group or server; use it there.")
    found = await call.uow.users.find_all(needle, community_id=members, limit=6)
    if not found:
        where = "in this community" if members is not None else "in Dojo"
        raise UserError(f"I can't find a learner called '{needle[:40]}' {where}. {WHO}")
    if len(found) > 1:
        names = []
        for user in found[:5]:
            accounts = await call.uow.users.accounts_of(user.id)
            keys = ", ".join(f"{a.platform}:{a.platform_user_id}" for a in accounts)
            names.append(f"#{user.id} ({keys})" if keys else f"#{user.id}")
        raise UserError(
            f"More than one learner is called '{needle[:40]}': {'; '.join(names)}. "
            "Name one by platform:id or #id."
        )
    return found[0]


async def is_operator_user(call: AdminCall, user: User) -> bool:
    accounts = await call.uow.users.accounts_of(user.id)
    return any(
        f"{a.platform}:{a.platform_user_id}" in call.services.config.admins for a in accounts
    )


def whole_amount(text: str, what: str = "amount", limit: int = MAX_XP_CHANGE) -> int:
    cleaned = text.strip().lstrip("+")
    if cleaned.startswith("-"):
        raise UserError(f"The {what} must be positive; use revoke to take XP away.")
    if not cleaned.isdigit():
        raise UserError(f"'{text[:20]}' is not a whole number.")
    value = int(cleaned[:12])
    if value < 1 or value > limit:
        raise UserError(f"The {what} must be between 1 and {limit:,}.")
    return value


def money(text: str, limit: Decimal = Decimal(1000)) -> Decimal:
    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation:
        raise UserError(f"'{text[:20]}' is not an amount in dollars, e.g. 5 or 2.50.") from None
    if not value.is_finite() or value < 0 or value > limit:
        raise UserError(f"A monthly AI budget must be between $0 and ${limit:,}.")
    return value.quantize(Decimal("0.01"))


async def audit(
    call: AdminCall, action: str, target: str | None = None, reason: str | None = None
) -> int:
    """Write the audit entry now and return its id (XP references point at it)."""
    return await call.uow.audit.record_action(
        call.actor,
        action,
        call.now,
        target=target,
        reason=reason,
        community_id=call.community.id if call.community else None,
    )


async def member_ids(call: AdminCall) -> object | None:
    """A subquery of the community's members, or None for everyone (operators, shell)."""
    if call.community is None:
        return None
    return select(CommunityMember.user_id).where(CommunityMember.community_id == call.community.id)
