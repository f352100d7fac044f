"""A community's announcement and leaderboard channels, trusted only while the platform says
they belong to that community.

Anyone can moderate a group they made, so a channel id a moderator names could point at
another community's group or at a learner's private chat. It is checked with the platform
when set (`/admin channel`) and again before every post; a channel that no longer belongs is
not posted to (the post then goes where it would with no channel set).
"""

from __future__ import annotations

import logging
from typing import Protocol

from core.messages import ChatKind, Platform, SendTarget
from core.ports import Notifier

log = logging.getLogger(__name__)

ANNOUNCE = "announce_channel"
LEADERBOARD = "leaderboard_channel"


class Community(Protocol):
    @property
    def platform(self) -> str: ...

    @property
    def external_id(self) -> str: ...


def target(community: Community, chat_id: str) -> SendTarget:
    return SendTarget(Platform(community.platform), str(chat_id), ChatKind.CHANNEL)


def is_own_chat(community: Community, chat_id: str) -> bool:
    """A Telegram group's own chat is the community itself: nothing to ask."""
    return community.platform == Platform.TELEGRAM and str(chat_id) == community.external_id


async def belongs(notifier: Notifier, community: Community, chat_id: str) -> bool:
    """Whether the platform says `chat_id` is a chat of `community` (its Discord guild; a
    Telegram group itself or its linked channel). Unknown means no."""
    if is_own_chat(community, chat_id):
        return True
    try:
        owner = await notifier.community_of(target(community, chat_id))
    except Exception as error:  # the platform could not say: do not trust it
        log.warning("could not check channel %s: %s", chat_id, error)
        return False
    return owner is not None and str(owner) == community.external_id


async def verified(
    notifier: Notifier, community: Community, chosen: str | None, key: str
) -> str | None:
    """The channel `chosen` (the setting `key`), if it still belongs to the community; else
    None."""
    if not chosen:
        return None
    if await belongs(notifier, community, str(chosen)):
        return str(chosen)
    log.warning(
        "community %s:%s: %s %s is not one of its chats; not posting there",
        community.platform,
        community.external_id,
        key,
        chosen,
    )
    return None
