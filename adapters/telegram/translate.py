"""Update -> Incoming: what a Telegram update means to the core, or that it means nothing.

Pure and synchronous: the only facts it needs besides the update are the bot's own id and
username (for `/cmd@botname`, mentions and replies). Poll answers need a database lookup, so
they come out as a `PollVote` the handler resolves.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Chat, Message, MessageEntity, Update
from telegram import User as TgUser

from adapters.telegram.deeplink import PREFIX, START, decode_payload
from core import codec
from core.messages import ChatKind, ChatRef, CommunityRef, Incoming, Platform, UserRef
from core.parsing import parse_command

TELEGRAM = Platform.TELEGRAM
GONE = "That message is no longer available. Send the command again."
EXPIRED = "That button has expired. Send /help to see what you can do."
FORWARDED = "I don't read forwarded messages. Paste the text or send a command."


@dataclass(frozen=True)
class BotIdentity:
    id: int
    username: str
    # Keys the deep links this bot makes (adapters.telegram.deeplink.link_key).
    link_key: bytes = b""
    # The commands a deep link may carry into the private chat (deeplink.decode_payload).
    continuable: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PollVote:
    """An answer to one of Dojo's quiz polls; `option` is the chosen index."""

    poll_id: str
    option: int
    user: UserRef
    event_id: str


@dataclass(frozen=True)
class Notice:
    """A brief answer the adapter gives itself, without the core (chat None: callback toast)."""

    chat_id: int | None
    text: str


Translated = Incoming | PollVote | Notice | None


def user_ref(user: TgUser) -> UserRef:
    name = user.full_name or user.username or str(user.id)
    return UserRef(TELEGRAM, str(user.id), name[:100], (user.username or "")[:64])


def chat_ref(chat: Chat) -> ChatRef | None:
    if chat.type == Chat.PRIVATE:
        return ChatRef(TELEGRAM, str(chat.id), ChatKind.PRIVATE)
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return ChatRef(TELEGRAM, str(chat.id), ChatKind.GROUP)
    return None  # channels: Dojo does not live there


def community_ref(chat: Chat) -> CommunityRef | None:
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return CommunityRef(TELEGRAM, str(chat.id), (chat.title or "")[:100])
    return None


def event_id(update: Update) -> str:
    return f"u{update.update_id}"


def translate(update: Update, bot: BotIdentity) -> Translated:
    if update.message is not None:
        return _message(update, update.message, bot)
    if update.callback_query is not None:
        return _callback(update, bot)
    if update.poll_answer is not None:
        answer = update.poll_answer
        if answer.user is None or not answer.option_ids:
            return None  # an anonymous voter chat, or a retracted vote
        return PollVote(
            answer.poll_id, answer.option_ids[0], user_ref(answer.user), event_id(update)
        )
    # Edited messages, channel posts and every other kind: not for Dojo.
    return None


def _addressed(message: Message, bot: BotIdentity) -> bool:
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    mention = f"@{bot.username}".lower()
    entities = {**message.parse_entities(), **message.parse_caption_entities()}
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text.lower() == mention:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


def _strip_mention(text: str, bot: BotIdentity) -> str:
    mention = f"@{bot.username}"
    at = text.lower().find(mention.lower())
    if at < 0:
        return text
    return (text[:at] + text[at + len(mention) :]).strip()


def with_fences(text: str, entities: tuple[MessageEntity, ...]) -> str:
    """Put back the ``` fences Telegram turned into `pre` entities, so code reads as code."""
    blocks = sorted((e for e in entities if e.type == MessageEntity.PRE), key=lambda e: e.offset)
    if not blocks:
        return text
    encoded = text.encode("utf-16-le")
    parts: list[str] = []
    position = 0
    for entity in blocks:
        start, end = entity.offset * 2, (entity.offset + entity.length) * 2
        before = encoded[position:start].decode("utf-16-le")
        body = encoded[start:end].decode("utf-16-le")
        gap = "\n" if before and not before.endswith("\n") else ""
        parts.append(f"{before}{gap}```{entity.language or ''}\n{body}\n```")
        position = end
    parts.append(encoded[position:].decode("utf-16-le"))
    return "".join(parts)


def with_member_mentions(text: str, entities: tuple[MessageEntity, ...], bot_id: int) -> str:
    """A member picked from the mention list who has no username arrives as a `text_mention`
    over their name; the core's word for a learner is `telegram:<id>` (command_meta.ParamKind
    .USER), so the name is replaced by that, one word where the name may have had several."""
    picked = sorted(
        (e for e in entities if e.type == MessageEntity.TEXT_MENTION and e.user is not None),
        key=lambda e: e.offset,
    )
    picked = [e for e in picked if e.user is not None and e.user.id != bot_id]
    if not picked:
        return text
    encoded = text.encode("utf-16-le")
    parts: list[str] = []
    position = 0
    for entity in picked:
        assert entity.user is not None
        start, end = entity.offset * 2, (entity.offset + entity.length) * 2
        parts.append(encoded[position:start].decode("utf-16-le"))
        parts.append(f"{TELEGRAM}:{entity.user.id}")
        position = end
    parts.append(encoded[position:].decode("utf-16-le"))
    return "".join(parts)


def _message(update: Update, message: Message, bot: BotIdentity) -> Translated:
    sender = message.from_user
    chat = chat_ref(message.chat)
    if sender is None or sender.is_bot or chat is None:
        return None
    private = chat.is_private
    if message.forward_origin is not None:
        return Notice(message.chat.id, FORWARDED) if private else None
    if message.text:
        text = with_fences(message.text, message.entities)
    else:
        text = with_fences(message.caption or "", message.caption_entities)
    if not text.strip() and message.document is None and not private:
        return None  # stickers, photos without captions, service messages in groups
    base = {
        "platform": TELEGRAM,
        "user": user_ref(sender),
        "chat": chat,
        "community": community_ref(message.chat),
        "event_id": event_id(update),
        "received_at": message.date,
    }
    parsed = parse_command(text)
    if parsed is not None and text == message.text:  # offsets hold: no code fences added
        parsed = parse_command(with_member_mentions(text, message.entities, bot.id))
    if parsed is None:
        addressed = private or _addressed(message, bot)
        if addressed and not private:
            text = _strip_mention(text, bot)
        return Incoming(text=text, addressed=addressed, **base)  # type: ignore[arg-type]
    if parsed.addressee and parsed.addressee.lower() != bot.username.lower():
        return None  # /cmd@otherbot
    command, args, body = parsed.name, parsed.args, parsed.body
    if command == START and args and args[0].startswith(PREFIX):
        # A deep link's payload: data for the one learner it was made for, in private only.
        linked = (
            decode_payload(bot.link_key, sender.id, args[0], bot.continuable) if private else None
        )
        command, args = linked if linked is not None else (START, ())
        text = " ".join((f"/{command}", *args))
    return Incoming(text=text, command=command, args=args, body=body, addressed=True, **base)  # type: ignore[arg-type]


def _callback(update: Update, bot: BotIdentity) -> Translated:
    query = update.callback_query
    assert query is not None
    message = query.message
    if not isinstance(message, Message) or not message.is_accessible:
        return Notice(None, GONE)  # the message was deleted or is too old to reach
    chat = chat_ref(message.chat)
    if chat is None and message.chat.type == Chat.CHANNEL:
        # A button under a post in a channel (the daily question): answered privately, and
        # the channel is no community of its own (its group is, which the action names).
        chat = ChatRef(TELEGRAM, str(message.chat.id), ChatKind.CHANNEL)
    if chat is None or query.from_user.is_bot:
        return None
    try:
        action = codec.decode(query.data or "")
    except codec.CodecError:
        return Notice(None, EXPIRED)
    return Incoming(
        platform=TELEGRAM,
        user=user_ref(query.from_user),
        chat=chat,
        action=action,
        community=community_ref(message.chat),
        event_id=event_id(update),
        addressed=True,
    )
