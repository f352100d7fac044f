"""Sending rendered replies: answering an interaction, or posting to a channel or DM.

Every send goes through here with mentions disabled. A platform refusal (no permission to
write, an expired interaction, a closed DM) is logged as a warning and the rest still goes out;
it never crashes the event.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from adapters.discord.outgoing import NO_MENTIONS, Outgoing, to_messages
from adapters.discord.render import escape
from core.messages import Reply, ReplyKind

log = logging.getLogger(__name__)


async def post(
    channel: discord.abc.Messageable,
    out: Outgoing,
    *,
    reference: discord.MessageReference | None = None,
) -> bool:
    """Send one message to a channel, replying to `reference` if given; False when refused."""
    try:
        if reference is None:
            await channel.send(**out.kwargs())
        else:
            await channel.send(**out.kwargs(), reference=reference)
        return True
    except discord.HTTPException as error:
        log.warning("cannot post to channel %s: %s", getattr(channel, "id", "?"), error)
        return False


async def post_replies(channel: discord.abc.Messageable, replies: list[Reply]) -> int:
    """Post every reply in order; returns how many messages Discord accepted."""
    sent = 0
    for reply in replies:
        for out in to_messages(reply):
            sent += await post(channel, out)
    return sent


class InteractionDelivery:
    """Answers one interaction: the initial response, the deferred original, then follow-ups."""

    def __init__(self, interaction: discord.Interaction[Any], ephemeral: bool) -> None:
        self.interaction = interaction
        self.ephemeral = ephemeral
        self._original_pending = False
        self.sent = 0

    @property
    def acknowledged(self) -> bool:
        return self.interaction.response.is_done()

    async def acknowledge(self) -> None:
        """Defer with a "thinking" state; the first reply later fills it in."""
        if self.acknowledged:
            return
        try:
            await self.interaction.response.defer(thinking=True, ephemeral=self.ephemeral)
            self._original_pending = True
        except discord.HTTPException as error:
            log.warning("could not defer interaction %s: %s", self.interaction.id, error)

    async def deliver(self, replies: list[Reply]) -> None:
        """Announcements the router left here (no announce channel) are public, in place."""
        for reply in replies:
            ephemeral = self.ephemeral or reply.ephemeral or reply.kind is ReplyKind.PRIVATE
            public = reply.kind is ReplyKind.ANNOUNCEMENT
            for out in to_messages(reply):
                await self.send(out, ephemeral=(ephemeral and not public))

    async def finish(self, fallback: str, *, markdown: str | None = None) -> None:
        """Never leave an interaction unanswered or "thinking" forever."""
        if not self.acknowledged or self._original_pending:
            content = markdown if markdown is not None else escape(fallback)
            await self.send(Outgoing(content=content), ephemeral=True)

    async def send(self, out: Outgoing, *, ephemeral: bool) -> None:
        interaction = self.interaction
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(**out.kwargs(), ephemeral=ephemeral)
            elif self._original_pending:
                self._original_pending = False
                await interaction.edit_original_response(
                    content=out.content,
                    embed=out.embed,
                    attachments=out.files,
                    view=out.view,
                    allowed_mentions=NO_MENTIONS,
                )
            else:
                await interaction.followup.send(**out.kwargs(), ephemeral=ephemeral)
            self.sent += 1
        except discord.HTTPException as error:
            log.warning("could not answer interaction %s: %s", interaction.id, error)
