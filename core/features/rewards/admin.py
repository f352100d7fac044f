"""`/admin reward ...`: set, remove, list and backfill a community's role rewards.

A role is checked with the platform before it is saved (core.ports.RoleEditor): it must be
this server's, not @everyone nor a managed role, and the bot must have Manage Roles and sit
above it; otherwise the moderator is told exactly what to change, and nothing is saved.
"""

from __future__ import annotations

from core.community_settings import settings_of
from core.errors import UserError
from core.features.admin.common import AdminCall, audit, rest, word
from core.features.admin.grammar import REWARD_USAGE
from core.features.rewards.apply import role_editor
from core.features.rewards.follow import change_for
from core.features.rewards.rules import NO_ROLES, valid_level
from core.features.rewards.store import RewardStore
from core.messages import Platform, Reply, reply
from core.rules.levels import MAX_LEVEL, title_for
from core.text import Doc, bold, code

_MODES = {"stack": False, "replace": True}


async def reward(call: AdminCall) -> list[Reply]:
    if call.community is None:
        raise UserError("Role rewards belong to a Discord server: use /admin reward there.")
    if call.community.platform != Platform.DISCORD:
        raise UserError(NO_ROLES)
    first = word(call, 0, "a level, list, mode or sync", REWARD_USAGE).strip().lower()
    if first == "list":
        return await _list(call)
    if first == "sync":
        return await _sync(call)
    if first == "mode":
        return await _mode(call, word(call, 1, "stack or replace", REWARD_USAGE).lower())
    if first in _MODES:  # Discord's typed form gives the mode alone
        return await _mode(call, first)
    level = _level(first)
    role = rest(call, 1)
    if not role:
        raise UserError(f"Missing the role (or off). Usage: {REWARD_USAGE}")
    if role.lower() == "off":
        return await _off(call, level)
    return await _set(call, level, role)


def _level(text: str) -> int:
    if not text.lstrip("-").isdigit() or not valid_level(int(text[:6])):
        raise UserError(
            f"'{text[:20]}' is not a level: levels go from 1 to {MAX_LEVEL}. Usage: {REWARD_USAGE}"
        )
    return int(text)


async def _set(call: AdminCall, level: int, role: str) -> list[Reply]:
    community = call.community
    assert community is not None
    editor = role_editor(call.services.notifier, community.platform)
    if editor is None:
        raise UserError("Discord is not connected, so I can't check that role; nothing was saved.")
    await call.checkpoint()  # asking Discord may take a while: no transaction waits on it
    found = await editor.check_reward_role(community.external_id, role)
    if found.problem:
        raise UserError(f"{found.problem} Nothing was saved.")
    store = call.uow.repository(RewardStore)
    for other in await store.rewards(community.id):
        if other.role_id == found.role_id and other.level != level:
            raise UserError(
                f"{found.name} is already the reward for level {other.level}; "
                f"remove it there first (/admin reward {other.level} off)."
            )
    await store.put(community.id, level, found.role_id, found.name, call.actor_user_id, call.now)
    await audit(call, "reward.set", f"level {level} -> {found.role_id} {found.name[:60]}")
    return [
        reply(
            f"✅ Level {level} ({title_for(level)}) now gives the role ",
            bold(found.name),
            ". Learners get it as they reach the level; ",
            code("/admin reward sync"),
            " gives it to those already there.",
        )
    ]


async def _off(call: AdminCall, level: int) -> list[Reply]:
    assert call.community is not None
    if not await call.uow.repository(RewardStore).remove(call.community.id, level):
        raise UserError(f"Level {level} gives no role here; /admin reward list shows the rewards.")
    await audit(call, "reward.off", f"level {level}")
    return [reply(f"✅ Level {level} gives no role any more (members who have it keep it).")]


async def _mode(call: AdminCall, mode: str) -> list[Reply]:
    assert call.community is not None
    if mode not in _MODES:
        raise UserError(f"'{mode[:20]}' should be stack or replace. Usage: {REWARD_USAGE}")
    call.uow.communities.change_settings(call.community, reward_replace=_MODES[mode])
    await audit(call, "reward.mode", mode)
    what = (
        "members keep only the highest reward role they reached"
        if _MODES[mode]
        else "members keep every reward role up to their level"
    )
    return [reply(f"✅ Reward mode {mode}: {what}. /admin reward sync applies it to everyone now.")]


async def _list(call: AdminCall) -> list[Reply]:
    assert call.community is not None
    rewards = await call.uow.repository(RewardStore).rewards(call.community.id)
    replace = settings_of(call.community.settings).reward_replace
    if not rewards:
        return [reply(f"No role rewards here yet. Usage: {REWARD_USAGE}")]
    lines: list[object] = [
        (bold("Role rewards"), f" (mode {'replace' if replace else 'stack'})"),
    ]
    for item in rewards:
        line: tuple[object, ...] = (
            f"Level {item.level} ({title_for(item.level)}): ",
            bold(item.role_name),
        )
        if item.broken_at is not None:
            line = (*line, f" ⚠️ broken: {item.broken_reason or 'the role is gone'}; set it again")
        lines.append(line)
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]


async def _sync(call: AdminCall) -> list[Reply]:
    """Every member Dojo knows here gets the roles of their level (and loses stale ones), one
    member at a time after the commit, paced by the adapter."""
    assert call.community is not None
    if role_editor(call.services.notifier, call.community.platform) is None:
        raise UserError("Discord is not connected, so I can't change roles now.")
    holders = await call.uow.repository(RewardStore).holders(community_id=call.community.id)
    if not holders:
        return [reply("Nothing to sync: no working role rewards, or no members Dojo knows yet.")]
    for holder in holders:
        change = await change_for(call.uow, holder, paced=True)
        if change is not None:
            call.outbox.append(change)
    await audit(call, "reward.sync", f"{len(holders)} members")
    return [reply(f"🔄 Checking the reward roles of {len(holders)} members Dojo knows here.")]
