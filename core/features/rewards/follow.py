"""Role changes that follow a level: what an event's XP moves ask the platform to do.

The router calls `role_changes` at the end of every event, inside its transaction, and puts
what it returns in the event's outbox: the roles change after the commit, and never for an
event that rolled back. XP moves are noted by the ledger and the community adjustments as they
are written (core.db.moves), so an event that moved nobody's XP costs nothing here, and one
that did costs one query unless a community of the learner's gives roles.
"""

from __future__ import annotations

from core.community_settings import settings_of
from core.db.moves import StandingMoves
from core.db.scope import Repositories
from core.features.rewards.rules import community_level, reward_roles
from core.features.rewards.store import Holder, RewardStore
from core.messages import Platform, RoleChange


async def role_changes(uow: Repositories, moves: StandingMoves) -> list[RoleChange]:
    """A RoleChange for each member whose reward roles differ after the moves."""
    if not moves.learners:
        return []
    store = uow.repository(RewardStore)
    holders = await store.holders(user_ids=moves.learners)
    changes: list[RoleChange] = []
    for holder in holders:
        before = community_level(
            moves.xp_before.get(holder.user_id, holder.xp),
            holder.adjustment - moves.adjusted.get((holder.community_id, holder.user_id), 0),
        )
        after = community_level(holder.xp, holder.adjustment)
        if before == after:
            continue
        change = await change_for(uow, holder, before=before)
        if change is not None:
            changes.append(change)
    return changes


async def change_for(
    uow: Repositories, holder: Holder, *, before: int | None = None, paced: bool = False
) -> RoleChange | None:
    """The member's reward roles at their level; None when the level `before` gave the same."""
    rewards = await uow.repository(RewardStore).working(holder.community_id)
    community = await uow.communities.get(holder.community_id)
    replace = community is not None and settings_of(community.settings).reward_replace
    level = community_level(holder.xp, holder.adjustment)
    wanted, unwanted = reward_roles(level, rewards, replace=replace)
    if before is not None and reward_roles(before, rewards, replace=replace) == (wanted, unwanted):
        return None
    return RoleChange(
        Platform.DISCORD,
        holder.community_id,
        holder.guild_id,
        holder.member_id,
        wanted,
        unwanted,
        paced=paced,
    )
