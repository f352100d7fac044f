"""A core Reply as the Discord messages that carry it (text, embeds, files, buttons).

Short text goes in the message content (2000 characters). Longer text and announcements go in
embed descriptions (4096), split on line boundaries and never inside a code block. Files and
buttons ride on the last message so they appear under the full text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TypedDict

import discord

from adapters.discord.components import build_view, poll_buttons
from adapters.discord.render import CONTENT_LIMIT, EMBED_LIMIT, escape, render, split
from core.messages import Reply, ReplyKind

ANNOUNCE_COLOUR = discord.Colour.gold()
NO_MENTIONS = discord.AllowedMentions.none()


class SendKwargs(TypedDict, total=False):
    """What every send API (channel, interaction response, follow-up) takes from a message."""

    content: str
    embed: discord.Embed
    files: list[discord.File]
    view: discord.ui.View
    allowed_mentions: discord.AllowedMentions


@dataclass
class Outgoing:
    """One Discord message to send: everything optional, as the send APIs take it."""

    content: str | None = None
    embed: discord.Embed | None = None
    files: list[discord.File] = field(default_factory=list)
    view: discord.ui.View | None = None

    def kwargs(self) -> SendKwargs:
        """Keyword arguments for `send`/`followup.send` (never mentioning anyone)."""
        values: SendKwargs = {"allowed_mentions": NO_MENTIONS}
        if self.content:
            values["content"] = self.content
        if self.embed is not None:
            values["embed"] = self.embed
        if self.files:
            values["files"] = self.files
        if self.view is not None:
            values["view"] = self.view
        return values


def _poll_text(reply: Reply) -> str:
    assert reply.poll is not None
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXY"
    lines = [f"**{escape(reply.poll.question)}**"]
    lines.extend(
        f"{letters[index]}\\. {escape(option)}"
        for index, option in enumerate(reply.poll.options[: len(letters)])
    )
    return "\n".join(lines)


def _files(reply: Reply) -> list[discord.File]:
    files = []
    if reply.image is not None:
        files.append(discord.File(io.BytesIO(reply.image.data), filename=reply.image.filename))
    if reply.document is not None:
        files.append(
            discord.File(io.BytesIO(reply.document.data), filename=reply.document.filename)
        )
    return files


def to_messages(reply: Reply) -> list[Outgoing]:
    """Every message needed for one reply, in order; empty only for an empty reply."""
    text = render(reply.text)
    if reply.image is not None:
        text = "\n".join(filter(None, (text, render(reply.image.caption_doc))))
    if reply.poll is not None:
        text = "\n\n".join(filter(None, (text, _poll_text(reply))))
    announce = reply.kind is ReplyKind.ANNOUNCEMENT
    messages: list[Outgoing] = []
    if announce or len(text) > CONTENT_LIMIT:
        colour = ANNOUNCE_COLOUR if announce else discord.Colour.blurple()
        for chunk in split(text, EMBED_LIMIT):
            messages.append(Outgoing(embed=discord.Embed(description=chunk, colour=colour)))
    else:
        messages.extend(Outgoing(content=chunk) for chunk in split(text, CONTENT_LIMIT))
    files = _files(reply)
    buttons = poll_buttons(reply.poll) if reply.poll is not None else reply.buttons
    view = build_view(buttons) if buttons else None
    if (files or view) and not messages:
        messages.append(Outgoing())
    if messages:
        messages[-1].files = files
        messages[-1].view = view
    return messages
