"""Running a RoleChange after the commit, and telling moderators once when a reward breaks.

A role deleted (or moved above the bot, or the bot's Manage Roles taken away) after it was set
is found when a change meets it. Its rewards are marked broken in the database by whoever
meets it first (core.features.rewards.store.break_role), so they are reported once and never
tried again; the report goes privately to the moderator who set the reward, or, if Dojo has
no private chat with them, to the community's announcement channel.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from core import channels
from core.community_settings import settings_of
from core.features.rewards.store import RewardStore
from core.messages import ChatKind, Platform, RoleChange, SendTarget, reply
from core.ports import DeliveryError, Notifier, RoleEditor

if TYPE_CHECKING:
    from core.db.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


def role_editor(notifier: Notifier | None, platform: str) -> RoleEditor | None:
    """The platform's role editor, where its adapter has one (core.ports.RoleEditor)."""
    if notifier is None:
        return None
    finder = getattr(notifier, "role_editor", None)
    if finder is not None:
        found: RoleEditor | None = finder(platform)
        return found
    return notifier if hasattr(notifier, "change_roles") else None  # type: ignore[return-value]


async def apply_role_change(
    notifier: Notifier | None, change: RoleChange, uow_factory: UnitOfWorkFactory
) -> None:
    editor = role_editor(notifier, change.platform)
    if editor is None or notifier is None:
        raise DeliveryError(f"no adapter manages roles on {change.platform}")
    applied = await editor.change_roles(change)
    for role_id, why in applied.broken.items():
        await report_broken(notifier, uow_factory, change.community_id, role_id, why)


async def report_broken(
    notifier: Notifier, uow_factory: UnitOfWorkFactory, community_id: int, role_id: str, why: str
) -> None:
    now = datetime.now(UTC)
    async with uow_factory() as uow:
        broken = await uow.repository(RewardStore).break_role(community_id, role_id, why, now)
        community = await uow.communities.get(community_id)
        await uow.commit()
        if not broken or community is None:
            return
        chats: list[SendTarget] = []
        for setter in {set_by for _, _, set_by in broken if set_by is not None}:
            for account in await uow.users.accounts_of(setter):
                if account.platform == community.platform and account.private_chat_id:
                    chats.append(SendTarget(Platform(account.platform), account.private_chat_id))
        announce = settings_of(community.settings).announce_channel
        name = community.name or community.external_id
    levels = ", ".join(str(level) for level, _, _ in broken)
    role = broken[0][1]
    text = reply(
        f"⚠️ Role rewards in {name[:60]}: the role {role[:60]} (level {levels}) no longer "
        f"works: {why} I've stopped giving it. Fix it, then set it again with "
        f"/admin reward {broken[0][0]} <role>, or remove it with /admin reward {broken[0][0]} off."
    )
    for target in chats:
        try:
            await notifier.send(target, [text])
            return
        except Exception as error:
            log.info("could not tell the moderator privately: %s", error)
    channel = await channels.verified(notifier, community, announce, channels.ANNOUNCE)
    if channel is None:
        log.warning("broken role reward in community %s: nobody to tell", community_id)
        return
    await notifier.send(SendTarget(Platform(community.platform), channel, ChatKind.CHANNEL), [text])
