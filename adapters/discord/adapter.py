"""The Discord adapter's event handling: interactions and messages in, core replies out.

Deadlines: Discord drops an interaction not answered within 3 seconds. Slow (LLM-backed)
commands are deferred at once; any other event that is still running after `ack_budget`
seconds is deferred then, so even a loaded database never leaves an interaction unanswered.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import discord

from adapters.discord import translate
from adapters.discord.components import is_dojo_custom_id
from adapters.discord.delivery import InteractionDelivery, post, post_replies
from adapters.discord.guilds import GuildSettings
from adapters.discord.options import CODE_TEXT
from adapters.discord.outgoing import Outgoing, to_messages
from adapters.discord.venue import PrivateVenue
from core import codec
from core.command_meta import Param, Subcommand, Venue, call_words, check
from core.errors import UserError
from core.member_events import member_joined
from core.messages import Incoming, Reply, ReplyKind
from core.registry import CommandSpec
from core.router import Router

log = logging.getLogger(__name__)

ACK_BUDGET_SECONDS = 0.3
EXPIRED = "That button has expired or isn't one of mine. Send /help to see what you can do."
NOTHING = "Done."
# Interactions remembered in memory so a replayed one is not answered twice (the database's
# processed_events still keeps the core's work exactly-once across restarts).
SEEN_INTERACTIONS = 10_000


class DiscordAdapter:
    def __init__(
        self,
        router: Router,
        guild_settings: GuildSettings,
        *,
        ack_budget: float = ACK_BUDGET_SECONDS,
        message_content: bool = True,
    ) -> None:
        self.router = router
        self.guilds = guild_settings
        self.ack_budget = ack_budget
        self.message_content = message_content
        self.client: discord.Client | None = None
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first_time(self, interaction: discord.Interaction[Any]) -> bool:
        """False for an interaction this process already took (a gateway replay)."""
        if interaction.id in self._seen:
            log.info("ignoring replayed interaction %s", interaction.id)
            return False
        self._seen[interaction.id] = None
        if len(self._seen) > SEEN_INTERACTIONS:
            self._seen.popitem(last=False)
        return True

    async def on_member_join(self, member: discord.Member) -> None:
        """A returning member gets the reward roles of their level back (Discord dropped
        them when they left); never raises into discord.py's event loop."""
        try:
            await member_joined(self.router.services, str(member.guild.id), str(member.id))
        except Exception:
            log.exception("could not restore reward roles of member %s", member.id)

    # -- interactions -------------------------------------------------------------------

    async def on_command(
        self,
        interaction: discord.Interaction[Any],
        spec: CommandSpec,
        options: tuple[Param, ...],
        values: dict[str, Any],
        subcommand: Subcommand | None = None,
    ) -> None:
        """Typed values go to the core as words and a body, files as attachments."""
        if not self.first_time(interaction):
            return
        words = tuple(option for option in options if option is not CODE_TEXT)
        typed = translate.neutral_values(options, values)
        try:
            args = call_words(words, typed, subcommand)
            pasted = typed.get(CODE_TEXT.name) if CODE_TEXT in options else None
            code = check(CODE_TEXT, pasted) if pasted is not None else ""
            files = translate.files_in(options, values)
            attachments = await translate.read_attachments(files, any_type=True)
        except (UserError, ValueError) as error:
            await self.refuse(interaction, getattr(error, "message", str(error)))
            return
        incoming = translate.for_interaction(
            interaction,
            await self._is_admin(interaction),
            command=spec.name,
            args=args,
            body=code,
            attachments=attachments,
        )
        if spec.venue is Venue.PRIVATE_ONLY and interaction.guild_id is not None:
            venue = PrivateVenue(self, interaction, use_thread=self.message_content)
            await venue.run(incoming)
            return
        await self.run(interaction, incoming)
        if spec.changes_community_settings and interaction.guild_id is not None:
            self.guilds.forget(interaction.guild_id)

    async def on_button(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        if not self.first_time(interaction):
            return
        try:
            action = codec.decode(custom_id)
        except codec.CodecError:
            await self.refuse(interaction, EXPIRED)
            return
        incoming = translate.for_interaction(
            interaction, await self._is_admin(interaction), action=action
        )
        message = interaction.message
        ephemeral = bool(message is not None and message.flags.ephemeral)
        await self.run(interaction, incoming, ephemeral=ephemeral)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Clicks on components that are not Dojo's get a clear answer instead of silence."""
        if interaction.type is not discord.InteractionType.component:
            return
        data = interaction.data
        custom_id = str(data.get("custom_id", "")) if data is not None else ""
        if not is_dojo_custom_id(custom_id) and self.first_time(interaction):
            await self.refuse(interaction, EXPIRED)

    async def refuse(self, interaction: discord.Interaction[Any], text: str) -> None:
        delivery = InteractionDelivery(interaction, ephemeral=True)
        await delivery.finish(text)

    async def run(
        self,
        interaction: discord.Interaction[Any],
        incoming: Incoming,
        *,
        ephemeral: bool | None = None,
    ) -> None:
        spec = self.router.spec_for(incoming)
        if ephemeral is None:
            ephemeral = bool(getattr(spec, "personal", False)) and interaction.guild_id is not None
        delivery = InteractionDelivery(interaction, ephemeral)
        replies = await self.handle_acknowledged(
            incoming, delivery, slow=self.router.kind_of(incoming).acknowledge_first
        )
        await delivery.deliver(replies)
        await delivery.finish(NOTHING)

    async def handle_acknowledged(
        self, incoming: Incoming, delivery: InteractionDelivery, *, slow: bool
    ) -> list[Reply]:
        """Run the core, deferring first for slow work or once the budget runs out."""
        if slow:
            await delivery.acknowledge()
        task = asyncio.ensure_future(self.router.handle(incoming))
        if not delivery.acknowledged:
            done, _ = await asyncio.wait({task}, timeout=self.ack_budget)
            if not done:
                await delivery.acknowledge()
        return await task

    async def _is_admin(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is None:
            return False
        return await self.guilds.is_moderator(
            interaction.guild_id, interaction.user, interaction.permissions
        )

    # -- messages -----------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        client = self.client
        if client is None or client.user is None:
            return
        if (
            message.author.bot
            or message.webhook_id is not None
            or message.author.id == client.user.id
        ):
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        private = message.guild is None
        if not message.content and not (private and message.attachments):
            return  # nothing readable (no message-content intent in a server)
        attachments = await translate.read_attachments(message.attachments)
        is_admin = False
        if isinstance(message.author, discord.Member) and message.guild is not None:
            is_admin = await self.guilds.is_moderator(
                message.guild.id, message.author, message.author.guild_permissions
            )
        incoming = translate.for_message(message, client.user.id, is_admin, attachments)
        if incoming.command is not None and self.router.kind_of(incoming).acknowledge_first:
            await self._typing(message.channel)
        replies = await self.router.handle(incoming)
        await self._reply_in_channel(message, replies)
        if self._changes_settings(incoming) and message.guild is not None:
            self.guilds.forget(message.guild.id)

    def _changes_settings(self, incoming: Incoming) -> bool:
        found = self.router.registry.commands.get(incoming.command or "")
        return found is not None and found[0].changes_community_settings

    async def _typing(self, channel: discord.abc.Messageable) -> None:
        try:
            await channel.typing()
        except discord.HTTPException as error:
            log.warning("cannot show typing in %s: %s", getattr(channel, "id", "?"), error)

    async def _reply_in_channel(self, message: discord.Message, replies: list[Reply]) -> None:
        """Answers in place (the first one as a reply); private ones and files go by DM."""
        reference = message.to_reference(fail_if_not_exists=False)
        first = True
        for reply in replies:
            private = reply.kind is ReplyKind.PRIVATE or reply.document is not None
            if message.guild is not None and private:
                await self._send_privately(message, reply)
                continue
            for out in to_messages(reply):
                if await post(message.channel, out, reference=reference if first else None):
                    first = False

    async def _send_privately(self, message: discord.Message, reply: Reply) -> None:
        """By DM; if DMs are closed, the channel hears how to open them, never the data."""
        try:
            channel = await message.author.create_dm()
            delivered = bool(await post_replies(channel, [reply]))
        except discord.HTTPException as error:
            log.warning("cannot open a DM with %s: %s", message.author.id, error)
            delivered = False
        if not delivered:
            note = (
                "That's private, so I only send it by direct message, and I can't reach your "
                "DMs. Allow direct messages from this server's members, or use the slash "
                "command, which answers only you."
            )
            await post(message.channel, Outgoing(content=note))
