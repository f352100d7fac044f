"""The discord.py client: intents, persistent buttons, slash-command sync and event wiring."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.components import DojoButton
from adapters.discord.delivery import InteractionDelivery
from adapters.discord.slash import add_commands

log = logging.getLogger(__name__)

FAILED = "Sorry, that didn't work. Please try again in a moment."


def intents(message_content: bool, members: bool = True) -> discord.Intents:
    """Guilds, guild and DM messages; message content only when the portal grants it."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = message_content
    # Server Members (privileged): a member who rejoins gets their reward roles back.
    wanted.members = members
    return wanted


class DojoTree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """A stale command, a bad option or a crash still gets an answer, never silence."""
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.warning("out-of-date slash command %s: %s", interaction.command, error)
            text = "That command has changed. Please try again in a minute."
        else:
            log.error("slash command failed", exc_info=error)
            text = FAILED
        await InteractionDelivery(interaction, ephemeral=True).finish(text)


class DojoClient(discord.Client):
    def __init__(
        self,
        adapter: DiscordAdapter,
        *,
        message_content: bool = True,
        sync_commands: bool = True,
        members: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(
            intents=intents(message_content, members),
            # The members intent is for join events only: no member lists downloaded or
            # cached (reward roles are read over REST when they change).
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.dojo = adapter
        adapter.client = self
        self.tree = DojoTree(self)
        self.sync_commands = sync_commands

    async def setup_hook(self) -> None:
        self.add_dynamic_items(DojoButton)
        count = add_commands(self.tree, self.dojo.router.registry, self.dojo)
        if not self.sync_commands:
            return
        try:
            synced = await self.tree.sync()
            log.info("synced %d slash commands (%d registered)", len(synced), count)
        except discord.HTTPException as error:
            log.warning("slash command sync failed, keeping the old ones: %s", error)

    async def on_ready(self) -> None:
        log.info("Discord: connected as %s to %d servers", self.user, len(self.guilds))

    async def on_guild_join(self, guild: discord.Guild) -> None:
        log.info("Discord: joined server %s (%s)", guild.name, guild.id)

    async def on_member_join(self, member: discord.Member) -> None:
        await self.dojo.on_member_join(member)

    async def on_message(self, message: discord.Message) -> None:
        await self.dojo.on_message(message)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await self.dojo.on_interaction(interaction)
