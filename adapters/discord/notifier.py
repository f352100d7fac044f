"""Scheduled sends (reminders, weekly boards, announcements) through Discord's REST API.

Works without the gateway: `dojo admin run-job` logs in over HTTP only. A target's chat id is a
channel id; for a private target that is no channel (a learner who only ever used slash commands
in a server) it is taken as the user id and their DM channel is opened.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

import discord

from adapters.discord.outgoing import to_messages
from adapters.discord.roles import DiscordRoles
from core.messages import ChatKind, Reply, RoleChange, SendTarget
from core.ports import DeliveryError, RoleCheck, RolesApplied

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Final = 1440


class DiscordNotifier:
    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self.roles = DiscordRoles(client)

    async def check_reward_role(self, guild_id: str, text: str) -> RoleCheck:
        """core.ports.RoleEditor (adapters.discord.roles)."""
        return await self.roles.check_reward_role(guild_id, text)

    async def change_roles(self, change: RoleChange) -> RolesApplied:
        return await self.roles.change_roles(change)

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        if not target.chat_id.isdigit():
            raise DeliveryError(f"not a Discord channel id: {target.chat_id!r}")
        channel: discord.abc.Messageable = self.client.get_partial_messageable(int(target.chat_id))
        if target.thread_name and target.kind is not ChatKind.PRIVATE:
            channel = await self._thread_in(int(target.chat_id), target.thread_name, channel)
        try:
            await self._send_all(channel, replies)
        except discord.NotFound as error:
            if target.kind is not ChatKind.PRIVATE:
                raise DeliveryError(f"channel {target.chat_id} is gone: {error}") from error
            await self._send_to_user(int(target.chat_id), replies)
        except discord.Forbidden as error:
            raise DeliveryError(f"not allowed to post in {target.chat_id}: {error}") from error

    async def _thread_in(
        self, channel_id: int, name: str, channel: discord.abc.Messageable
    ) -> discord.abc.Messageable:
        """A new public thread named `name` in the channel; the channel itself when Discord
        will not open one (no permission, a channel type without threads)."""
        try:
            thread = await self.client.http.start_thread_without_message(
                channel_id,
                name=name[:100],
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                type=discord.ChannelType.public_thread.value,
            )
        except discord.HTTPException as error:
            log.warning(
                "cannot open thread %r in %s, posting in the channel: %s", name, channel_id, error
            )
            return channel
        return self.client.get_partial_messageable(int(thread["id"]))

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

    async def post(self, target: SendTarget, reply: Reply) -> str | None:
        """Send one reply to a channel; the id of its last message (core.ports.TrackingNotifier)."""
        if not target.chat_id.isdigit():
            raise DeliveryError(f"not a Discord channel id: {target.chat_id!r}")
        channel = self.client.get_partial_messageable(int(target.chat_id))
        try:
            sent = await self._send_all(channel, [reply])
        except (discord.NotFound, discord.Forbidden) as error:
            raise DeliveryError(f"cannot post in {target.chat_id}: {error}") from error
        return str(sent[-1].id) if sent else None

    @staticmethod
    async def _send_all(
        channel: discord.abc.Messageable, replies: Sequence[Reply]
    ) -> list[discord.Message]:
        sent: list[discord.Message] = []
        for reply in replies:
            if (
                reply.edit_of
                and reply.edit_of.isdigit()
                and hasattr(channel, "get_partial_message")
            ):
                await _edit(channel.get_partial_message(int(reply.edit_of)), reply)
                continue
            for out in to_messages(reply):
                sent.append(await channel.send(**out.kwargs()))
        return sent


async def _edit(message: discord.PartialMessage, reply: Reply) -> None:
    """Replace a posted message's text and buttons (none left: its buttons are closed)."""
    outs = to_messages(reply)
    first = outs[0] if outs else None
    await message.edit(
        content=first.content if first else None,
        embed=first.embed if first else None,
        view=first.view if first else None,
        allowed_mentions=discord.AllowedMentions.none(),
    )
