"""Starting the Discord adapter from the composition root (`dojo run` with DISCORD_BOT_TOKEN)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord.adapter import DiscordAdapter
from adapters.discord.client import DojoClient
from adapters.discord.guilds import GuildSettings
from adapters.discord.notifier import DiscordNotifier
from core.community_lookup import StoredCommunitySettings

if TYPE_CHECKING:
    from bot.app import Dojo

log = logging.getLogger(__name__)


def create_client(
    dojo: Dojo, *, message_content: bool = True, members: bool = True, **options: Any
) -> DojoClient:
    """A client wired to Dojo's router; registers its notifier for scheduled sends."""
    guilds = GuildSettings(StoredCommunitySettings(dojo.services.uow_factory))
    adapter = DiscordAdapter(dojo.router, guilds, message_content=message_content)
    client = DojoClient(adapter, message_content=message_content, members=members, **options)
    notifiers = getattr(dojo, "notifiers", None)
    if isinstance(notifiers, dict):
        notifiers["discord"] = DiscordNotifier(client)
    return client


async def run_discord(dojo: Dojo, token: str, **options: Any) -> None:
    """Run until cancelled; without the message-content intent, fall back to slash commands."""
    message_content = members = True
    while True:
        client = create_client(dojo, message_content=message_content, members=members, **options)
        try:
            async with client:
                await client.start(token)
            return
        except discord.PrivilegedIntentsRequired:
            if members:  # the least needed privileged intent goes first
                log.warning(
                    "Discord: the Server Members intent is not enabled for this bot in the "
                    "developer portal; members who rejoin won't get their reward roles back."
                )
                members = False
                continue
            if not message_content:
                raise
            log.warning(
                "Discord: the Message Content intent is not enabled for this bot in the developer "
                "portal; running with slash commands only (no !commands, no chat XP)."
            )
            message_content = False
        except discord.LoginFailure:
            log.error("Discord rejected DISCORD_BOT_TOKEN; the Discord adapter is not running.")
            return


def start_discord(dojo: Dojo, token: str) -> asyncio.Task[None]:
    return asyncio.create_task(run_discord(dojo, token), name="discord")
