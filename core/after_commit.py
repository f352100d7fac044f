"""What the router does once an event's transaction has committed: run the effects it put in
its outbox (core.messages.Effect: posts to other chats, private messages to learners) and send
its announcements, outside the transaction and the write gate, and keep private replies
private. An event that rolled back (a refusal, a crash, a batch that reruns) has its outbox
emptied by the router, so its effects are never run."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from core import channels
from core.community_settings import settings_of
from core.features.rewards.apply import apply_role_change
from core.jobs.delivery import can_deliver
from core.messages import (
    ChatKind,
    DirectMessage,
    Effect,
    Incoming,
    Platform,
    Post,
    Reply,
    ReplyKind,
    RoleChange,
    SendTarget,
    reply,
)
from core.ports import DeliveryError, Notifier

if TYPE_CHECKING:
    from core.context import Services
    from core.db.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


def privately(item: Reply) -> Reply:
    """A reply for the learner's private chat only; adapters never show it in a group."""
    if item.kind is ReplyKind.ANNOUNCEMENT:
        return item
    return dataclasses.replace(item, kind=ReplyKind.PRIVATE, ephemeral=True)


async def send_outbox(
    notifier: Notifier | None, outbox: Sequence[Effect], uow_factory: UnitOfWorkFactory
) -> list[Reply]:
    """Run the effects committed events asked for, once each; a refusal is told to the asker,
    if it says how (`failed`), and never undoes what was committed."""
    told: list[Reply] = []
    for effect in outbox:
        try:
            if notifier is None:
                raise DeliveryError("no platform is connected")
            if isinstance(effect, Post):
                await notifier.send(effect.target, list(effect.replies))
            elif isinstance(effect, RoleChange):
                await apply_role_change(notifier, effect, uow_factory)
            else:
                await _direct_message(notifier, effect, uow_factory)
        except Exception as error:
            log.warning("could not deliver %s: %s", _where(effect), error)
            if not isinstance(effect, RoleChange) and effect.failed:
                told.append(reply(f"{effect.failed} ({str(error)[:120]})"))
    return told


def _where(effect: Effect) -> str:
    if isinstance(effect, Post):
        return f"a post to {effect.target.chat_id}"
    if isinstance(effect, RoleChange):
        return f"roles of member {effect.member_id} in {effect.guild_id}"
    return f"a private message to learner #{effect.user_id}"


async def _direct_message(
    notifier: Notifier, message: DirectMessage, uow_factory: UnitOfWorkFactory
) -> None:
    """To each private chat the learner has with the bot on a platform that is connected;
    their accounts are read in a transaction of their own, closed before anything is sent."""
    async with uow_factory() as uow:
        accounts = await uow.users.accounts_of(message.user_id)
        chats = [
            SendTarget(Platform(account.platform), account.private_chat_id, ChatKind.PRIVATE)
            for account in accounts
            if account.private_chat_id and can_deliver(notifier, account.platform)
        ]
    if not chats:
        raise DeliveryError("the learner has no private chat with Dojo")
    for target in chats:
        await notifier.send(target, list(message.replies))


async def announce(services: Services, incoming: Incoming, replies: list[Reply]) -> list[Reply]:
    """Level-ups and badges go to the community's announcement channel when one is set (and
    still the community's own, core.channels); otherwise they stay with the answer, where they
    happened. No write is held open while the platform paces us."""
    announced = [item for item in replies if item.kind is ReplyKind.ANNOUNCEMENT]
    notifier = services.notifier
    if not announced or notifier is None or incoming.community is None:
        return replies
    ref = incoming.community
    async with services.uow_factory() as uow:
        community = await uow.communities.by_ref(ref.platform, ref.id)
    if community is None:
        return replies
    chosen = settings_of(community.settings).announce_channel
    channel = await channels.verified(notifier, community, chosen, channels.ANNOUNCE)
    if not channel:
        return replies
    target = SendTarget(Platform(ref.platform), channel, ChatKind.CHANNEL)
    try:
        await notifier.send(target, announced)
    except Exception as error:  # a deleted channel must not cost the learner the answer
        log.warning("announcement channel %s unusable, announcing in place: %s", channel, error)
        return replies
    return [item for item in replies if item.kind is not ReplyKind.ANNOUNCEMENT]
