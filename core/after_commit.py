"""What the router does once an event's transaction has committed: send the messages it put
in its outbox and its announcements, outside the transaction and the write gate, and keep
private replies private."""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

from core import channels
from core.community_settings import settings_of
from core.jobs.delivery import notifier_of
from core.messages import ChatKind, Incoming, Platform, Post, Reply, ReplyKind, SendTarget, reply
from core.ports import DeliveryError, Notifier

if TYPE_CHECKING:
    from core.context import Services

log = logging.getLogger(__name__)


def privately(item: Reply) -> Reply:
    """A reply for the learner's private chat only; adapters never show it in a group."""
    if item.kind is ReplyKind.ANNOUNCEMENT:
        return item
    return dataclasses.replace(item, kind=ReplyKind.PRIVATE, ephemeral=True)


async def send_outbox(notifier: Notifier | None, outbox: list[Post]) -> list[Reply]:
    """Send what committed events asked for; a refusal is told to the asker, if it says
    how (Post.failed), and never undoes what was committed."""
    told: list[Reply] = []
    for post in outbox:
        try:
            if notifier is None:
                raise DeliveryError("no platform is connected")
            await notifier.send(post.target, list(post.replies))
        except Exception as error:
            log.warning("could not post to %s: %s", post.target.chat_id, error)
            if post.failed:
                told.append(reply(f"{post.failed} ({str(error)[:120]})"))
    return told


async def announce(services: Services, incoming: Incoming, replies: list[Reply]) -> list[Reply]:
    """Level-ups and badges go to the community's announcement channel when one is set (and
    still the community's own, core.channels); otherwise they stay with the answer, where they
    happened. No write is held open while the platform paces us."""
    announced = [item for item in replies if item.kind is ReplyKind.ANNOUNCEMENT]
    notifier = notifier_of(services.extras)
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
