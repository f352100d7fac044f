"""Scheduled sends (reminders, weekly boards, announcements) through Discord's REST API.

Works without the gateway: `dojo admin run-job` logs in over HTTP only. A target's chat id is a
channel id; for a private target that is no channel (a learner who only ever used slash commands
in a server) it is taken as the user id and their DM channel is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from adapters.discord.outgoing import to_messages
from core.messages import ChatKind, Reply, SendTarget
from core.ports import DeliveryError

log = logging.getLogger(__name__)


class DiscordNotifier:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        if not target.chat_id.isdigit():
            raise DeliveryError(f"not a Discord channel id: {target.chat_id!r}")
        channel: discord.abc.Messageable = self.client.get_partial_messageable(int(target.chat_id))
        try:
            await self._send_all(channel, replies)
        except discord.NotFound as error:
            if target.kind is not ChatKind.PRIVATE:
                raise DeliveryError(f"channel {target.chat_id} is gone: {error}") from error
            await self._send_to_user(int(target.chat_id), replies)
        except discord.Forbidden as error:
            raise DeliveryError(f"not allowed to post in {target.chat_id}: {error}") from error

    async def community_of(self, target: SendTarget) -> str | None:
        if not target.chat_id.isdigit():
            return None
        try:
            channel = await self.client.fetch_channel(int(target.chat_id))
        except (discord.NotFound, discord.Forbidden, discord.InvalidData):
            return None
        guild = getattr(channel, "guild", None)
        return str(guild.id) if guild is not None else None

    async def _send_to_user(self, user_id: int, replies: Sequence[Reply]) -> None:
        try:
            user = await self.client.fetch_user(user_id)
            channel = await user.create_dm()
            await self._send_all(channel, replies)
        except (discord.NotFound, discord.Forbidden) as error:
            raise DeliveryError(f"cannot reach Discord user {user_id}: {error}") from error

    @staticmethod
    async def _send_all(channel: discord.abc.Messageable, replies: Sequence[Reply]) -> None:
        for reply in replies:
            for out in to_messages(reply):
                await channel.send(**out.kwargs())
