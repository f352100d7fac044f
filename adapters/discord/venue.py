"""Commands whose venue is PRIVATE_ONLY (an interview) run in a private thread (or DMs), not in
the server's main channel.

The slash command is acknowledged privately at once; the conversation then lives in a private
thread the bot creates for the learner, so answers typed there reach the interview (that needs
the message-content intent). Without a thread, it moves to the learner's DMs; if DMs are closed
too, it runs right here, visible only to the learner.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any, Final

import discord

from adapters.discord.delivery import InteractionDelivery, post_replies
from core.messages import ChatKind, ChatRef, Incoming, Platform

if TYPE_CHECKING:
    from adapters.discord.adapter import DiscordAdapter

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Final = 1440


class PrivateVenue:
    def __init__(
        self, adapter: DiscordAdapter, interaction: discord.Interaction[Any], *, use_thread: bool
    ) -> None:
        self.adapter = adapter
        self.interaction = interaction
        self.use_thread = use_thread

    async def run(self, incoming: Incoming) -> None:
        delivery = InteractionDelivery(self.interaction, ephemeral=True)
        await delivery.acknowledge()
        opened = await self._open(incoming.command or "Dojo")
        if opened is None:
            replies = await self.adapter.handle_acknowledged(incoming, delivery, slow=True)
            await delivery.deliver(replies)
            await delivery.finish("Done.")
            return
        channel, chat, where = opened
        moved = dataclasses.replace(incoming, chat=chat)
        replies = await self.adapter.router.handle(moved)
        if replies and not await post_replies(channel, replies):
            await delivery.deliver(replies)  # the thread or DM refused: show it here instead
            await delivery.finish("Done.")
            return
        what = incoming.command or "conversation"
        await delivery.finish("", markdown=f"Your {what} is waiting in {where}. Good luck!")

    async def _open(self, name: str) -> tuple[discord.abc.Messageable, ChatRef, str] | None:
        channel = self.interaction.channel
        user = self.interaction.user
        if self.use_thread and isinstance(channel, discord.TextChannel):
            try:
                thread = await channel.create_thread(
                    name=f"{name.capitalize()} · {user.display_name}"[:100],
                    type=discord.ChannelType.private_thread,
                    invitable=False,
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                )
                await thread.add_user(user)
                return (
                    thread,
                    ChatRef(Platform.DISCORD, str(thread.id), ChatKind.THREAD),
                    thread.mention,
                )
            except discord.HTTPException as error:
                log.warning("cannot open a private thread in %s: %s", channel.id, error)
        try:
            dm = await user.create_dm()
        except discord.HTTPException as error:
            log.warning("cannot open a DM with %s: %s", user.id, error)
            return None
        return dm, ChatRef(Platform.DISCORD, str(dm.id), ChatKind.PRIVATE), "your DMs"
