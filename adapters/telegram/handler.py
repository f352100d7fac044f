"""One update, start to finish: translate, ask the core, deliver the replies.

Everything Telegram-specific about a conversation lives here: callback queries are answered at
once (Telegram shows a spinner until they are), slow commands show "typing", moderators are
looked up for group commands, commands whose venue is not ANYWHERE (core.command_meta) move
from a group to the private chat through a deep link, and private replies that cannot reach
the learner fall back to one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator

from telegram import Bot, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from adapters.telegram.deeplink import encode_payload, link_key, start_link
from adapters.telegram.html import render_html
from adapters.telegram.moderators import AdminCache
from adapters.telegram.polls import PollLinks
from adapters.telegram.render import TextOut, link_keyboard
from adapters.telegram.send import Sender, is_gone
from adapters.telegram.translate import BotIdentity, Notice, PollVote, translate
from core import codec
from core.command_meta import Venue
from core.messages import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    ChatKind,
    ChatRef,
    CommunityRef,
    Incoming,
    Platform,
    Reply,
    ReplyKind,
)
from core.router import Router
from core.text import Doc

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = MAX_ATTACHMENT_BYTES
TYPING_EVERY_SECONDS = 4.0
_RECENT_UPDATES = 10_000


class UpdateHandler:
    def __init__(self, router: Router, sender: Sender, admins: AdminCache, polls: PollLinks):
        self.router = router
        self.sender = sender
        self.admins = admins
        self.polls = polls
        self._recent: OrderedDict[int, None] = OrderedDict()
        # A bot in a group sees commands but not the next message (privacy mode), so a command
        # that is a conversation of its own or waits for a follow-up continues in private.
        self.continuable = frozenset(
            name
            for name, (spec, _) in router.registry.commands.items()
            if spec.venue is not Venue.ANYWHERE
        )

    @property
    def bot(self) -> Bot:
        return self.sender.bot

    def _seen(self, update_id: int) -> bool:
        """Cheap in-memory guard; the database's processed_events stays the real guarantee."""
        if update_id in self._recent:
            return True
        self._recent[update_id] = None
        if len(self._recent) > _RECENT_UPDATES:
            self._recent.popitem(last=False)
        return False

    async def __call__(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update) or self._seen(update.update_id):
            return
        identity = BotIdentity(
            self.bot.id, self.bot.username, link_key(self.bot.token), self.continuable
        )
        translated = translate(update, identity)
        if update.callback_query is not None:
            toast = translated.text if isinstance(translated, Notice) else None
            await self._answer_callback(update, toast)
        topic = _topic_of(update)
        if isinstance(translated, Notice):
            if translated.chat_id is not None:
                notice = [_plain_reply(translated.text)]
                await self._deliver_safely(translated.chat_id, notice, topic=topic)
            return
        if isinstance(translated, PollVote):
            translated, topic = await self._poll_incoming(translated)
        if translated is None:
            return
        translated = await self._with_attachments(update, translated)
        await self.handle(translated, topic)

    async def handle(self, incoming: Incoming, topic: int | None = None) -> None:
        """Route one event and answer where it came from (in a forum group, in its topic)."""
        chat_id = int(incoming.chat.id)
        group = not incoming.chat.is_private
        if group and incoming.command in self.continuable:
            await self._continue_in_private(chat_id, incoming, topic)
            return
        if group and (incoming.command or incoming.action):
            is_admin = await self.admins.is_admin(chat_id, int(incoming.user.id))
            incoming = dataclasses.replace(incoming, is_admin=is_admin)
        slow = self.router.kind_of(incoming).acknowledge_first
        async with self._typing(chat_id, slow, topic):
            replies = await self.router.handle(incoming)
        await self._deliver(incoming, replies, topic)

    async def _deliver(
        self, incoming: Incoming, replies: list[Reply], topic: int | None = None
    ) -> None:
        chat_id = int(incoming.chat.id)
        group_title = incoming.community.name if incoming.community else None
        in_group = not incoming.chat.is_private
        private = [r for r in replies if in_group and r.kind is ReplyKind.PRIVATE]
        for reply in replies:
            if not (in_group and reply.kind is ReplyKind.PRIVATE):
                await self._deliver_safely(chat_id, [reply], group_title, topic)
        if private:
            # A channel's readers are not told where someone's answer went (a channel's only
            # buttons are the daily question's: one note a press would flood it).
            in_channel = incoming.chat.kind is ChatKind.CHANNEL
            await self._send_privately(chat_id, int(incoming.user.id), private, topic, in_channel)

    async def _deliver_safely(
        self,
        chat_id: int,
        replies: list[Reply],
        group_title: str | None = None,
        topic: int | None = None,
    ) -> None:
        try:
            await self.sender.send_replies(chat_id, replies, group_title, topic)
        except TelegramError as error:
            log.info("chat %s cannot receive messages: %s", chat_id, error)

    async def _send_privately(
        self,
        group_id: int,
        user_id: int,
        replies: list[Reply],
        topic: int | None = None,
        quiet: bool = False,
    ) -> None:
        """Private answers go to the learner's private chat; the group hears only that they
        went there, or, if the learner never opened one, how to open it (and no data).
        `quiet`: the chat hears nothing (a channel)."""
        try:
            await self.sender.send_replies(user_id, replies)
        except TelegramError as error:
            if not is_gone(error):
                raise
            if quiet:
                log.info("no private chat with %s to answer a channel press in", user_id)
                return
            note = (
                "That's private, so I only send it in our private chat, and you haven't "
                "opened one with me yet. Open it and send the command there:"
            )
            button = link_keyboard("💬 Open private chat", start_link(self.bot.username))
            await self.sender.send_one(
                group_id, TextOut(render_html(Doc.of(note)), button), topic=topic
            )
            return
        if quiet:
            return
        note = "📬 That's private: I've answered you in our private chat."
        await self._deliver_safely(group_id, [Reply(Doc.of(note))], None, topic)

    async def _continue_in_private(
        self, chat_id: int, incoming: Incoming, topic: int | None = None
    ) -> None:
        assert incoming.command is not None
        key = link_key(self.bot.token)
        payload = encode_payload(
            key, int(incoming.user.id), incoming.command, incoming.args, self.continuable
        )
        url = start_link(self.bot.username, payload)
        text = f"/{incoming.command} is personal, so let's continue in a private chat."
        button = link_keyboard(f"▶️ Continue /{incoming.command} in private", url)
        await self.sender.send_one(chat_id, TextOut(render_html(Doc.of(text)), button), topic=topic)

    async def _answer_callback(self, update: Update, toast: str | None) -> None:
        query = update.callback_query
        assert query is not None
        try:
            await query.answer(toast[:200] if toast else None)
        except TelegramError as error:
            log.info("callback query %s could not be answered: %s", query.id, error)

    async def _poll_incoming(self, vote: PollVote) -> tuple[Incoming | None, int | None]:
        """The event a poll answer stands for, and the forum topic to answer in."""
        found = await self.polls.lookup(vote.poll_id)
        if found is None:
            log.info("answer to unknown poll %s ignored", vote.poll_id)
            return None, None
        data, place = found
        topic = place.topic if place is not None else None
        try:
            action = codec.decode(f"{data}:{vote.option}")
        except codec.CodecError:
            return None, None
        chat = ChatRef(Platform.TELEGRAM, vote.user.id, ChatKind.PRIVATE)
        community = None
        if place is not None and place.chat_title is not None:
            chat = ChatRef(Platform.TELEGRAM, str(place.chat_id), ChatKind.GROUP)
            community = CommunityRef(Platform.TELEGRAM, str(place.chat_id), place.chat_title)
        incoming = Incoming(
            platform=Platform.TELEGRAM,
            user=vote.user,
            chat=chat,
            action=action,
            community=community,
            event_id=vote.event_id,
        )
        if place is not None and place.full_explanation:
            replies = await self.router.handle(incoming)
            shown = "\n".join(reply.text.plain for reply in replies)
            if replies and place.full_explanation not in shown:
                replies.append(_plain_reply(f"💡 {place.full_explanation}"))
            await self._deliver(incoming, replies, topic)
            return None, None
        return incoming, topic

    async def _with_attachments(self, update: Update, incoming: Incoming) -> Incoming:
        """A document (code to review, a question pack) is fetched from
        `<root>/file/bot<token>/`; one larger than MAX_DOCUMENT_BYTES is handed over unread,
        with its size, so the core can say it is too large."""
        message = update.message
        if message is None or message.document is None:
            return incoming
        document = message.document
        name = document.file_name or "file"
        if document.file_size is not None and document.file_size > MAX_DOCUMENT_BYTES:
            skipped = Attachment(
                name, b"", document.mime_type or "", skipped_size=document.file_size
            )
            return dataclasses.replace(incoming, attachments=(skipped,))
        try:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            log.info("could not fetch document %s: %s", document.file_id, error)
            return incoming
        if len(data) > MAX_DOCUMENT_BYTES:
            skipped = Attachment(name, b"", document.mime_type or "", skipped_size=len(data))
            return dataclasses.replace(incoming, attachments=(skipped,))
        attachment = Attachment(name, data, document.mime_type or "")
        return dataclasses.replace(incoming, attachments=(attachment,))

    @contextlib.asynccontextmanager
    async def _typing(self, chat_id: int, slow: bool, topic: int | None) -> AsyncIterator[None]:
        if not slow:
            yield
            return
        # The first "typing" is awaited, so it always reaches the chat before the answer
        # (even when the work turns out quick); repeats run beside the work.
        if not await self._send_typing(chat_id, topic):
            yield
            return
        task = asyncio.create_task(self._keep_typing(chat_id, topic))
        try:
            yield
        finally:
            task.cancel()

    async def _send_typing(self, chat_id: int, topic: int | None) -> bool:
        try:
            await self.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=topic)
        except TelegramError as error:
            log.info("typing action failed in %s: %s", chat_id, error)
            return False
        return True

    async def _keep_typing(self, chat_id: int, topic: int | None) -> None:
        while True:
            await asyncio.sleep(TYPING_EVERY_SECONDS)
            if not await self._send_typing(chat_id, topic):
                return


def _plain_reply(text: str) -> Reply:
    return Reply(Doc.of(text))


def _topic_of(update: Update) -> int | None:
    """The forum topic a group message belongs to, so the answer lands in the same topic."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id
