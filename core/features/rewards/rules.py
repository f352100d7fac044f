"""Which reward roles a level gives: pure rules, tested without I/O."""

from __future__ import annotations

from collections.abc import Mapping

from core.rules.levels import MAX_LEVEL, level_for

NO_ROLES = (
    "Role rewards are a Discord feature: Telegram groups have no roles to give, so "
    "/admin reward does nothing here."
)


def community_level(xp: int, adjustment: int) -> int:
    """The level of a learner's standing in one community (see the package doc)."""
    return level_for(max(0, xp + adjustment))


def valid_level(level: int) -> bool:
    return 1 <= level <= MAX_LEVEL


def reward_roles(
    level: int, rewards: Mapping[int, str], *, replace: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(roles to have, reward roles not to have) at `level`. Stack gives every reward at or
    below the level; replace only the highest of them."""
    reached = sorted(at for at in rewards if at <= level)
    if replace:
        reached = reached[-1:]
    wanted = tuple(dict.fromkeys(rewards[at] for at in reached))
    unwanted = tuple(dict.fromkeys(role for role in rewards.values() if role not in wanted))
    return wanted, unwanted
