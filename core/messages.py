"""The platform-neutral message model: what adapters hand the core and what they get back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.text import Doc


class Platform(StrEnum):
    CONSOLE = "console"
    TELEGRAM = "telegram"
    DISCORD = "discord"


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"
    THREAD = "thread"


@dataclass(frozen=True, slots=True)
class UserRef:
    platform: Platform
    id: str
    display_name: str
    # The platform's own handle, if it has one (Telegram's @username): how members name each
    # other in a chat, when the platform hands the bot no id for a mention.
    username: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class ChatRef:
    platform: Platform
    id: str
    kind: ChatKind = ChatKind.PRIVATE

    @property
    def is_private(self) -> bool:
        return self.kind is ChatKind.PRIVATE


@dataclass(frozen=True, slots=True)
class CommunityRef:
    """A Telegram group or a Discord guild: the unit of leaderboards and announcements."""

    platform: Platform
    id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Action:
    """A pressed button or a poll answer, decoded from callback data by `core.codec`."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    mime_type: str = ""
    # The size the platform gave for a file too large to fetch (over MAX_ATTACHMENT_BYTES):
    # `data` is empty then, and a feature that wanted the file can say how large it was
    # instead of finding none.
    skipped_size: int | None = None


# The largest file an adapter downloads for the core: a question pack at its limit fits
# (core.features.packs.pack_file); code to review is held to far less by its own check.
MAX_ATTACHMENT_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Incoming:
    platform: Platform
    user: UserRef
    chat: ChatRef
    text: str = ""
    command: str | None = None
    args: tuple[str, ...] = ()
    # What follows a command's arguments (core.parsing): the code after `/review python`, or
    # the code a platform's form gave directly. Empty for plain messages, which are `text`.
    body: str = ""
    action: Action | None = None
    community: CommunityRef | None = None
    attachments: tuple[Attachment, ...] = ()
    is_admin: bool = False
    event_id: str | None = None
    # True when the message is addressed to the bot (a private chat, a mention, a reply to it).
    addressed: bool = True
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # encoded with core.codec; fits Telegram's 64 bytes and Discord's 100 characters


@dataclass(frozen=True, slots=True)
class QuizPoll:
    question: str
    options: tuple[str, ...]
    correct_index: int
    explanation: str
    # Callback data prefix; the chosen option index is appended as the last argument.
    answer_data: str
    # Seconds the poll stays open (a live round's timer); None: open until answered.
    open_period: int | None = None


@dataclass(frozen=True, slots=True)
class Image:
    data: bytes
    filename: str = "image.png"
    caption: str = ""
    # A formatted caption instead of `caption` (a rank card's: the whole text profile).
    rich_caption: Doc | None = None

    @property
    def caption_doc(self) -> Doc:
        return self.rich_caption if self.rich_caption is not None else Doc.of(self.caption)


@dataclass(frozen=True, slots=True)
class Drawing:
    """An image still to be drawn. The router draws it once the event has committed, in a
    bounded pool off the event loop (core.drawing), and the reply's text becomes its caption;
    if drawing fails or takes too long, the reply goes out as its text alone."""

    draw: Callable[[], bytes]
    filename: str = "image.png"


class ReplyKind(StrEnum):
    ANSWER = "answer"  # a direct answer, in the chat the command came from
    ANNOUNCEMENT = "announcement"  # level-ups and badges: the community's announce channel
    PRIVATE = "private"  # personal content that belongs in a private chat


@dataclass(frozen=True, slots=True)
class Reply:
    text: Doc = field(default_factory=Doc)
    buttons: tuple[tuple[Button, ...], ...] = ()
    poll: QuizPoll | None = None
    image: Image | None = None
    # A file to hand over (the /export JSON); adapters send it as a document.
    document: Attachment | None = None
    kind: ReplyKind = ReplyKind.ANSWER
    # Personal answers a platform may show only to the asker (Discord ephemeral messages).
    ephemeral: bool = False
    # Platform message id of a message to edit instead of sending a new one.
    edit_of: str | None = None
    # The learner was just forgotten: adapters delete what they keep of them too (the
    # console's saved charts and exports).
    forgets_learner: bool = False
    # An image to draw after the commit (a rank card), replacing `text` as its caption.
    drawing: Drawing | None = None


@dataclass(frozen=True, slots=True)
class SendTarget:
    """Where a scheduled or fan-out message goes; plain data so jobs stay platform-neutral."""

    platform: Platform
    chat_id: str
    kind: ChatKind = ChatKind.PRIVATE
    # Open a new public thread of this name in the channel and post there (the daily
    # question's thread a day on Discord); a platform without threads posts in the channel.
    thread_name: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """A message for another chat (a channel, a DM), sent once after the commit that made it
    true (core.router's outbox): never from inside a transaction, never twice when a batch
    runs again. `failed` is told to the asker if the platform refuses it."""

    target: SendTarget
    replies: tuple[Reply, ...]
    failed: str = ""


@dataclass(frozen=True, slots=True)
class DirectMessage:
    """A private message for a learner (by Dojo id), on every platform where they have a
    private chat with the bot; found and sent after the commit, like a `Post`. `failed` is
    told to the asker if no such chat takes it."""

    user_id: int
    replies: tuple[Reply, ...]
    failed: str = ""


@dataclass(frozen=True, slots=True)
class RoleChange:
    """A member's reward roles in one community (core.features.rewards), made true by the
    platform's adapter after the commit: it adds the `wanted` roles the member lacks and takes
    away the `unwanted` ones they hold, so running it twice changes nothing more."""

    platform: Platform
    community_id: int  # Dojo's id, to mark a reward broken
    guild_id: str  # the platform's id of the community
    member_id: str  # the learner's platform user id there
    wanted: tuple[str, ...]
    unwanted: tuple[str, ...]
    # A backfill (/admin reward sync): the adapter paces these, one member at a time.
    paced: bool = False


# What a handler may ask the router to do once its event has committed (core.after_commit):
# nothing here is sent from inside a transaction, and a rolled-back event's effects never are.
Effect = Post | DirectMessage | RoleChange


def reply(*pieces: object, buttons: tuple[tuple[Button, ...], ...] = (), **kwargs: object) -> Reply:
    """Shorthand for a text reply built from strings and spans."""
    return Reply(text=Doc.of(*pieces), buttons=buttons, **kwargs)  # type: ignore[arg-type]
