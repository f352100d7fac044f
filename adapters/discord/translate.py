"""Discord events as core Incoming: who, where, which community, what was asked.

Event ids are Discord's own interaction and message ids, so the router's processed_events table
drops an event the gateway delivers twice (a RESUME replays everything after the last sequence).
"""

from __future__ import annotations

from typing import Any

import discord

from core.command_meta import Param, ParamKind
from core.messages import (
    MAX_ATTACHMENT_BYTES,
    Action,
    Attachment,
    ChatKind,
    ChatRef,
    CommunityRef,
    Incoming,
    Platform,
    UserRef,
)
from core.parsing import parse_command

TEXT_FILE_LIMIT = MAX_ATTACHMENT_BYTES
_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/x-python",
    "application/javascript",
    "application/yaml",
    "application/x-yaml",
)


def user_ref(user: discord.abc.User) -> UserRef:
    return UserRef(Platform.DISCORD, str(user.id), user.display_name[:100])


def chat_ref(channel: Any, channel_id: int | None) -> ChatRef:
    if isinstance(channel, discord.DMChannel | discord.GroupChannel) or (
        channel is None and channel_id is None
    ):
        kind = ChatKind.PRIVATE
    elif isinstance(channel, discord.Thread):
        kind = ChatKind.THREAD
    else:
        kind = ChatKind.GROUP
    ident = getattr(channel, "id", None) or channel_id or 0
    return ChatRef(Platform.DISCORD, str(ident), kind)


def community_ref(guild: discord.Guild | None, guild_id: int | None) -> CommunityRef | None:
    if guild is not None:
        return CommunityRef(Platform.DISCORD, str(guild.id), guild.name[:200])
    if guild_id is not None:
        return CommunityRef(Platform.DISCORD, str(guild_id))
    return None


def interaction_chat(interaction: discord.Interaction[Any]) -> ChatRef:
    channel = interaction.channel
    if interaction.guild_id is None:
        return ChatRef(Platform.DISCORD, str(interaction.channel_id or interaction.user.id))
    return chat_ref(channel, interaction.channel_id)


def neutral_values(options: tuple[Param, ...], values: dict[str, Any]) -> dict[str, str | int]:
    """Discord's typed values as the core's: a member as `discord:<id>`, a channel or a role
    as its id, a number as a number (core.command_meta checks its range), files left out."""
    found: dict[str, str | int] = {}
    for option in options:
        value = values.get(option.name)
        if value is None or option.kind is ParamKind.FILE:
            continue
        if option.kind is ParamKind.INTEGER:
            found[option.name] = int(value)
        elif option.kind is ParamKind.USER:
            found[option.name] = f"{Platform.DISCORD}:{value.id}"
        elif option.kind in (ParamKind.CHANNEL, ParamKind.ROLE):
            found[option.name] = str(value.id)
        else:
            found[option.name] = str(value)
    return found


def files_in(options: tuple[Param, ...], values: dict[str, Any]) -> list[discord.Attachment]:
    return [
        values[o.name] for o in options if o.kind is ParamKind.FILE and values.get(o.name)
    ]


async def read_attachments(
    files: list[discord.Attachment], *, any_type: bool = False
) -> tuple[Attachment, ...]:
    """Text files up to TEXT_FILE_LIMIT (code to review, a question pack); a larger one is
    handed over unread with its size, so the core can say it is too large. Other files are
    left out, unless `any_type` (a file given to a command's file option): the core judges
    those itself."""
    found = []
    for file in files:
        content_type = (file.content_type or "").split(";")[0]
        textual = any_type or content_type.startswith(_TEXT_TYPES) or not content_type
        if not textual:
            continue
        if file.size > TEXT_FILE_LIMIT:
            found.append(Attachment(file.filename, b"", content_type, skipped_size=file.size))
            continue
        data = await file.read()
        found.append(Attachment(file.filename, data, content_type or "text/plain"))
    return tuple(found)


def for_interaction(
    interaction: discord.Interaction[Any],
    is_admin: bool,
    *,
    command: str | None = None,
    args: tuple[str, ...] = (),
    body: str = "",
    action: Action | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> Incoming:
    """A slash command's typed values or a button, as they are: no chat line to parse."""
    return Incoming(
        platform=Platform.DISCORD,
        user=user_ref(interaction.user),
        chat=interaction_chat(interaction),
        command=command,
        args=args,
        body=body,
        action=action,
        community=community_ref(interaction.guild, interaction.guild_id),
        attachments=attachments,
        is_admin=is_admin,
        event_id=str(interaction.id),
        addressed=True,
        received_at=interaction.created_at,
    )


def strip_mention(text: str, bot_id: int) -> tuple[str, bool]:
    """Text without a leading @bot mention, and whether the bot was addressed that way."""
    for mention in (f"<@{bot_id}>", f"<@!{bot_id}>"):
        if text.lstrip().startswith(mention):
            return text.lstrip()[len(mention) :].lstrip(), True
    return text, False


def for_message(
    message: discord.Message,
    bot_id: int,
    is_admin: bool,
    attachments: tuple[Attachment, ...],
) -> Incoming:
    text, mentioned = strip_mention(message.content, bot_id)
    private = message.guild is None
    parsed = parse_command(text, prefixes="!/" if private else "!")
    in_bot_thread = isinstance(message.channel, discord.Thread) and (
        message.channel.owner_id == bot_id
    )
    replied_to_bot = (
        message.reference is not None
        and isinstance(message.reference.resolved, discord.Message)
        and message.reference.resolved.author.id == bot_id
    )
    return Incoming(
        platform=Platform.DISCORD,
        user=user_ref(message.author),
        chat=chat_ref(message.channel, message.channel.id),
        text=text,
        command=parsed.name if parsed else None,
        args=parsed.args if parsed else (),
        body=parsed.body if parsed else "",
        community=community_ref(message.guild, None),
        attachments=attachments,
        is_admin=is_admin,
        event_id=str(message.id),
        addressed=private or mentioned or in_bot_thread or replied_to_bot or parsed is not None,
        received_at=message.created_at,
    )
