"""Executing rendered replies with the Bot, and the Notifier scheduled jobs send through.

Pacing and 429 retries happen below this layer (the bot's rate limiter), so here a send either
lands or fails for a reason worth telling the caller: a chat that blocked the bot or no longer
exists becomes `DeliveryError`, which jobs use to stop writing to it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, Chat, InputFile, Message, Poll
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from adapters.telegram.polls import PollLinks, PollPlace
from adapters.telegram.render import FileOut, Outgoing, PollOut, TextOut, render_reply
from core.messages import ChatKind, Reply, SendTarget
from core.ports import Clock, DeliveryError

log = logging.getLogger(__name__)
_GONE_CHAT = ("chat not found", "user not found", "bot was kicked", "have no rights to send")


def is_gone(error: TelegramError) -> bool:
    """A refusal that will not change by retrying: blocked, kicked, deleted chat."""
    if isinstance(error, Forbidden | ChatMigrated):
        return True
    return isinstance(error, BadRequest) and any(
        text in error.message.lower() for text in _GONE_CHAT
    )


class Sender:
    def __init__(self, bot: Bot, polls: PollLinks, clock: Clock, native_polls: bool = True) -> None:
        self.bot = bot
        self.polls = polls
        self.clock = clock
        # False renders quizzes as numbered buttons everywhere (the fallback form).
        self.native_polls = native_polls

    async def send_replies(
        self,
        chat_id: int,
        replies: Sequence[Reply],
        group_title: str | None = None,
        topic: int | None = None,
    ) -> list[Message]:
        """Send replies to a chat; `topic` is a forum group's topic (message_thread_id)."""
        sent: list[Message] = []
        for reply in replies:
            for out in render_reply(reply, self.native_polls):
                message = await self.send_one(chat_id, out, group_title, topic)
                if message is not None:
                    sent.append(message)
        return sent

    async def send_one(
        self,
        chat_id: int,
        out: Outgoing,
        group_title: str | None = None,
        topic: int | None = None,
    ) -> Message | None:
        """Send one rendered piece; gone chats raise, other refusals are logged and skipped."""
        try:
            return await self._send(chat_id, out, group_title, topic)
        except TelegramError as error:
            if is_gone(error):
                raise
            log.warning("Telegram refused %s to %s: %s", type(out).__name__, chat_id, error)
            return None

    async def _send(
        self, chat_id: int, out: Outgoing, group_title: str | None, topic: int | None
    ) -> Message | None:
        if isinstance(out, TextOut):
            if out.edit_of is not None:
                edited = await self._edit(chat_id, out)
                if edited is not None:
                    return edited
            return await self.bot.send_message(
                chat_id,
                out.html,
                parse_mode=ParseMode.HTML,
                reply_markup=out.keyboard,
                message_thread_id=topic,
            )
        if isinstance(out, PollOut):
            return await self._poll(chat_id, out, group_title, topic)
        return await self._file(chat_id, out, topic)

    async def _edit(self, chat_id: int, out: TextOut) -> Message | None:
        try:
            result = await self.bot.edit_message_text(
                out.html,
                chat_id=chat_id,
                message_id=out.edit_of,
                parse_mode=ParseMode.HTML,
                reply_markup=out.keyboard,
            )
        except BadRequest as error:
            log.info("edit of %s failed (%s); sending instead", out.edit_of, error.message)
            return None
        return result if isinstance(result, Message) else None

    async def _poll(
        self, chat_id: int, out: PollOut, group_title: str | None, topic: int | None
    ) -> Message:
        message = await self.bot.send_poll(
            chat_id,
            out.question,
            list(out.options),
            is_anonymous=False,
            type=Poll.QUIZ,
            correct_option_ids=[out.correct_index],  # type: ignore[list-item]
            explanation=out.explanation or None,
            reply_markup=out.keyboard,
            message_thread_id=topic,
            open_period=out.open_period,
        )
        if message.poll is not None:
            place = PollPlace(chat_id, group_title, out.full_explanation, topic)
            await self.polls.remember(message.poll.id, out.answer_data, place, self.clock.now())
        return message

    async def _file(self, chat_id: int, out: FileOut, topic: int | None) -> Message:
        upload = InputFile(out.data, filename=out.filename)
        caption = out.caption_html or None
        if out.is_photo:
            return await self.bot.send_photo(
                chat_id,
                upload,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=out.keyboard,
                message_thread_id=topic,
            )
        return await self.bot.send_document(
            chat_id,
            upload,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=out.keyboard,
            message_thread_id=topic,
        )


class TelegramNotifier:
    """core.ports.Notifier for scheduled sends (reminders, weekly leaderboards, daily questions)."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        try:
            chat_id = int(target.chat_id)
        except ValueError:
            raise DeliveryError(f"not a Telegram chat id: {target.chat_id!r}") from None
        try:
            await self.sender.send_replies(chat_id, replies)
        except TelegramError as error:
            raise DeliveryError(f"Telegram chat {chat_id}: {error}") from error

    async def post(self, target: SendTarget, reply: Reply) -> str | None:
        """Send one reply and return the id of its last message (core.ports.TrackingNotifier).
        A poll posted in a group is remembered as the group's (a title of "" renames nothing),
        so its votes arrive as the group's members, not as private chats."""
        group_title = None if target.kind is ChatKind.PRIVATE else ""
        try:
            sent = await self.sender.send_replies(int(target.chat_id), [reply], group_title)
        except ValueError:
            raise DeliveryError(f"not a Telegram chat id: {target.chat_id!r}") from None
        except TelegramError as error:
            raise DeliveryError(f"Telegram chat {target.chat_id}: {error}") from error
        return str(sent[-1].message_id) if sent else None

    async def community_of(self, target: SendTarget) -> str | None:
        """A group is its own community; a channel belongs to the group linked to it."""
        chat_id: int | str = target.chat_id
        if target.chat_id.lstrip("-").isdigit():
            chat_id = int(target.chat_id)
        try:
            chat = await self.sender.bot.get_chat(chat_id)
        except (TelegramError, TypeError, ValueError):  # unknown, or an answer PTB can't read
            return None
        if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
            return str(chat.id)
        if chat.type == Chat.CHANNEL and chat.linked_chat_id:
            return str(chat.linked_chat_id)
        return None
