"""Discord events as core Incoming: who, where, which community, what was asked.

Event ids are Discord's own interaction and message ids, so the router's processed_events table
drops an event the gateway delivers twice (a RESUME replays everything after the last sequence).
"""

from __future__ import annotations

from typing import Any

import discord

from adapters.discord.options import Option, Subcommand
from core.errors import UserError
from core.messages import (
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

TEXT_FILE_LIMIT = 100_000
_TEXT_TYPES = ("text/", "application/json", "application/x-python", "application/javascript")


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


def option_value(option: Option, value: Any) -> str:
    """One option as the word the core expects; ranges are checked here (events can lie)."""
    if option.kind == "integer":
        number = int(value)
        if option.out_of_range(number):
            raise UserError(
                f"{option.name} must be between {option.min_value} and {option.max_value}, "
                f"not {number}."
            )
        return str(number)
    if option.kind == "user":
        return f"{Platform.DISCORD}:{value.id}"
    if option.kind in ("channel", "role"):
        return str(value.id)
    return " ".join(str(value).split())


def command_text(
    name: str, options: tuple[Option, ...], values: dict[str, Any], sub: Subcommand | None
) -> str:
    """The command as a learner would type it; pasted code follows in a fenced block."""
    words = [f"/{name}"] + ([sub.core_name] if sub else [])
    code = ""
    for option in options:
        value = values.get(option.name)
        if value is None and sub is not None and option is options[-1]:
            words.extend(sub.missing)
        if value is None or option.kind == "file":
            continue
        if option.name == "code":
            code = str(value)
            continue
        words.append(option_value(option, value))
    words.extend(sub.suffix if sub else ())
    text = " ".join(word for word in words if word)
    if code:
        text += f"\n```\n{code}\n```"
    return text


async def read_attachments(files: list[discord.Attachment]) -> tuple[Attachment, ...]:
    """Small text files only (code to review); anything else is left out."""
    found = []
    for file in files:
        content_type = (file.content_type or "").split(";")[0]
        textual = content_type.startswith(_TEXT_TYPES) or not content_type
        if file.size <= TEXT_FILE_LIMIT and textual:
            data = await file.read()
            found.append(Attachment(file.filename, data, content_type or "text/plain"))
    return tuple(found)


def for_interaction(
    interaction: discord.Interaction[Any],
    text: str,
    is_admin: bool,
    *,
    action: Action | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> Incoming:
    parsed = parse_command(text) if action is None else None
    return Incoming(
        platform=Platform.DISCORD,
        user=user_ref(interaction.user),
        chat=interaction_chat(interaction),
        text=text,
        command=parsed.name if parsed else None,
        args=parsed.args if parsed else (),
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
        community=community_ref(message.guild, None),
        attachments=attachments,
        is_admin=is_admin,
        event_id=str(message.id),
        addressed=private or mentioned or in_bot_thread or replied_to_bot or parsed is not None,
        received_at=message.created_at,
    )
