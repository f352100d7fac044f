"""XP and badges by hand: always ledger entries and unlock rows, never edited totals.

Each grant or revoke references its audit entry (`audit-<id>`), so the ledger's
(user, source, reference) key never collides and every entry traces back to who and why.
"""

from __future__ import annotations

from core.errors import UserError
from core.features.admin.common import (
    AdminCall,
    audit,
    describe,
    learner,
    rest,
    whole_amount,
    word,
)
from core.messages import Reply, reply
from core.progress import Outcome, announcements, record_activity
from core.rules.levels import level_for
from core.rules.xp import Activity
from core.text import bold

XP_USAGE = "/admin xp grant|revoke <learner> <amount> <reason>"
BADGE_USAGE = "/admin badge award|revoke <learner> <badge> [reason]"


async def xp(call: AdminCall) -> list[Reply]:
    verb = word(call, 0, "grant or revoke", XP_USAGE).lower()
    if verb not in ("grant", "revoke"):
        raise UserError(f"'{verb[:20]}' should be grant or revoke. Usage: {XP_USAGE}")
    user = await learner(call, word(call, 1, "learner", XP_USAGE))
    amount = whole_amount(word(call, 2, "amount", XP_USAGE))
    reason = rest(call, 3)
    if not reason:
        raise UserError(f"Say why, so the audit log can tell. Usage: {XP_USAGE}")
    if user.id == call.actor_user_id:
        raise UserError("You can't change your own XP.")
    community_id = call.community.id if call.community else None
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
    user.level = level_for(user.xp)
    user.updated_at = call.now
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
    user.level = level_for(user.xp)
    outcome.level_after = user.level
    return [
        reply(f"✅ Awarded the badge {found.title} to ", bold(user.display_name), "."),
        *announcements(user, outcome),
    ]
