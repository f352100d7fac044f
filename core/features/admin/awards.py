"""XP and badges by hand: always ledger entries and unlock rows, never edited totals.

An operator's grant or revoke changes global XP. A community moderator's changes only that
community's standing (`community_xp`, which its boards add to members' XP): anyone can
create a group, so a group's moderator must not be able to mint XP that counts anywhere else.
Both are bounded per call and per learner per week.

Each grant or revoke references its audit entry (`audit-<id>`), so the ledger's
(user, source, reference) key never collides and every entry traces back to who and why.
"""

from __future__ import annotations

from datetime import timedelta

from core.db.models import User
from core.errors import UserError
from core.features.admin.common import (
    MAX_XP_CHANGE,
    AdminCall,
    audit,
    describe,
    learner,
    rest,
    whole_amount,
    word,
)
from core.features.admin.grammar import BADGE_USAGE, XP_USAGE
from core.messages import Reply, reply
from core.progress import Outcome, announcements, record_activity
from core.rules.levels import level_for
from core.rules.xp import Activity
from core.text import bold
from core.trust import Role

COMMUNITY_GRANT_PER_CALL = 500
COMMUNITY_GRANT_PER_WEEK = 1_000
GLOBAL_GRANT_PER_WEEK = 20_000
WEEK = timedelta(days=7)


async def xp(call: AdminCall) -> list[Reply]:
    verb = word(call, 0, "grant or revoke", XP_USAGE).lower()
    if verb not in ("grant", "revoke"):
        raise UserError(f"'{verb[:20]}' should be grant or revoke. Usage: {XP_USAGE}")
    user = await learner(call, word(call, 1, "learner", XP_USAGE))
    limit = MAX_XP_CHANGE if call.role is Role.OPERATOR else COMMUNITY_GRANT_PER_CALL
    amount = whole_amount(word(call, 2, "amount", XP_USAGE), limit=limit)
    reason = rest(call, 3)
    if not reason:
        raise UserError(f"Say why, so the audit log can tell. Usage: {XP_USAGE}")
    if user.id == call.actor_user_id:
        raise UserError("You can't change your own XP.")
    if call.role is Role.OPERATOR:
        return await _global_xp(call, verb, user, amount, reason)
    return await _community_xp(call, verb, user, amount, reason)


async def _community_xp(
    call: AdminCall, verb: str, user: User, amount: int, reason: str
) -> list[Reply]:
    """A moderator's adjustment: this community's boards move, global XP does not."""
    assert call.community is not None
    community_id = call.community.id
    standing = user.xp + await call.uow.standing.adjustment(community_id, user.id)
    if verb == "grant":
        granted = await call.uow.standing.granted_since(community_id, user.id, call.now - WEEK)
        if granted + amount > COMMUNITY_GRANT_PER_WEEK:
            left = max(0, COMMUNITY_GRANT_PER_WEEK - granted)
            raise UserError(
                f"{user.display_name} was granted {granted:,} XP here this week; moderators may "
                f"grant at most {COMMUNITY_GRANT_PER_WEEK:,} a learner a week ({left:,} left)."
            )
        change = amount
    else:
        if amount > standing:
            raise UserError(
                f"{user.display_name} has {standing:,} XP on this community's board; "
                "revoke at most that."
            )
        change = -amount
    entry = await audit(call, f"xp.{verb}", f"{describe(user)} {amount} XP (board)", reason)
    await call.uow.standing.adjust(community_id, user.id, change, entry, call.now)
    done = "Granted" if verb == "grant" else "Revoked"
    towards = "to" if verb == "grant" else "from"
    return [
        reply(
            f"✅ {done} {amount} XP {towards} ",
            bold(user.display_name),
            f" on this community's board ({reason}): {standing + change:,} XP here. "
            "Global XP is unchanged: only an operator can change that.",
        )
    ]


async def _global_xp(
    call: AdminCall, verb: str, user: User, amount: int, reason: str
) -> list[Reply]:
    community_id = call.community.id if call.community else None
    if verb == "grant":
        granted = await call.uow.xp.earned_since(
            user.id, call.now - WEEK, source=Activity.ADMIN_GRANT.value
        )
        if granted + amount > GLOBAL_GRANT_PER_WEEK:
            raise UserError(
                f"{user.display_name} was granted {granted:,} XP this week; at most "
                f"{GLOBAL_GRANT_PER_WEEK:,} a learner a week."
            )
    entry = await audit(call, f"xp.{verb}", f"{describe(user)} {amount} XP", reason)
    reference = f"audit-{entry}"
    if verb == "grant":
        outcome = await record_activity(
            call.uow,
            user,
            Activity.ADMIN_GRANT,
            call.now,
            reference=reference,
            xp=amount,
            meta={"by": call.actor, "reason": reason},
            community_id=community_id,
        )
        return [
            reply(f"✅ Granted {amount} XP to ", bold(user.display_name), f" ({reason})."),
            *announcements(user, outcome),
        ]
    if amount > user.xp:
        raise UserError(f"{user.display_name} has only {user.xp} XP; revoke at most that.")
    await call.uow.xp.award(user.id, "admin_revoke", reference, -amount, call.now, community_id)
    await call.uow.activity.log(
        user.id, "admin_revoke", call.now, meta={"by": call.actor, "reason": reason}
    )
    call.uow.learners.change(user, level=level_for(user.xp), updated_at=call.now)
    return [
        reply(
            f"✅ Revoked {amount} XP from ",
            bold(user.display_name),
            f" ({reason}). They now have {user.xp} XP, level {user.level}.",
        )
    ]


async def badge(call: AdminCall) -> list[Reply]:
    verb = word(call, 0, "award or revoke", BADGE_USAGE).lower()
    if verb not in ("award", "grant", "revoke"):
        raise UserError(f"'{verb[:20]}' should be award or revoke. Usage: {BADGE_USAGE}")
    user = await learner(call, word(call, 1, "learner", BADGE_USAGE))
    slug = word(call, 2, "badge", BADGE_USAGE).lower()
    found = await call.uow.achievements.by_slug(slug)
    if found is None:
        slugs = ", ".join(b.slug for b in await call.uow.achievements.catalogue())
        raise UserError(f"There is no badge '{slug[:40]}'. Badges: {slugs}.")
    reason = rest(call, 3) or None
    if verb == "revoke":
        if not await call.uow.achievements.revoke(user.id, found.id):
            raise UserError(f"{user.display_name} doesn't have the badge {found.title}.")
        await audit(call, "badge.revoke", f"{describe(user)} {slug}", reason)
        return [
            reply(
                f"✅ Took the badge {found.title} from ",
                bold(user.display_name),
                ". XP it earned stays; use /admin xp revoke to take that back too.",
            )
        ]
    if not await call.uow.achievements.unlock(user.id, found.id, call.now):
        raise UserError(f"{user.display_name} already has the badge {found.title}.")
    await audit(call, "badge.award", f"{describe(user)} {slug}", reason)
    outcome = Outcome(level_before=user.level, badges=[found])
    community_id = call.community.id if call.community else None
    if found.xp_reward:
        await call.uow.xp.award(user.id, "badge", slug, found.xp_reward, call.now, community_id)
    call.uow.learners.change(user, level=level_for(user.xp))
    outcome.level_after = user.level
    return [
        reply(f"✅ Awarded the badge {found.title} to ", bold(user.display_name), "."),
        *announcements(user, outcome),
    ]
