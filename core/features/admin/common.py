"""What every admin subcommand gets, and the checks they share.

The same call object serves the chat command (through the router, which has already refused
non-moderators) and the shell (`dojo admin`, always an operator), so validation and auditing
are written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from core.context import Services
from core.db.models import AdminAudit, Community, CommunityMember, User
from core.db.uow import UnitOfWork
from core.errors import NotAllowed, UserError

MAX_XP_CHANGE = 10_000
WHO = "Name learners as platform:id (telegram:123), #dojo-id (#12) or their display name."


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


def word(call: AdminCall, index: int, what: str, usage: str) -> str:
    if len(call.args) <= index or not call.args[index].strip():
        raise UserError(f"Missing {what}. Usage: {usage}")
    return call.args[index]


def rest(call: AdminCall, start: int) -> str:
    return " ".join(call.args[start:]).strip()[:500]


def describe(user: User) -> str:
    return f"#{user.id} {user.display_name}"


async def learner(call: AdminCall, needle: str) -> User:
    """The learner a moderator named, if they may act on them."""
    user = await call.uow.users.find(needle)
    if user is None:
        raise UserError(f"I can't find a learner called '{needle[:40]}'. {WHO}")
    if not call.operator:
        if call.community is None:
            raise NotAllowed("Moderators act on learners from their group or server; use it there.")
        member = await call.uow.session.get(CommunityMember, (call.community.id, user.id))
        if member is None:
            raise UserError(f"{user.display_name} is not a member of this community.")
    return user


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
    entry = AdminAudit(
        actor=call.actor[:100],
        action=action[:40],
        target=target[:200] if target else None,
        reason=reason[:500] if reason else None,
        community_id=call.community.id if call.community else None,
        allowed=True,
        created_at=call.now,
    )
    call.uow.session.add(entry)
    await call.uow.session.flush()
    return entry.id


async def member_ids(call: AdminCall) -> object | None:
    """A subquery of the community's members, or None for everyone (operators, shell)."""
    if call.community is None:
        return None
    return select(CommunityMember.user_id).where(CommunityMember.community_id == call.community.id)
