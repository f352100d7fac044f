"""The core's ports: the only ways it reaches the outside world."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from core.community_settings import CommunitySettings
from core.messages import Reply, RoleChange, SendTarget


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock tests and `dojo admin run-job --at` can set and move."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self._at += timedelta(**delta)


class TrackingNotifier(Protocol):
    """A Notifier that can also say which message it posted, so it can be edited later (a
    live round closes a question's buttons by editing it). Optional: callers check for it."""

    async def post(self, target: SendTarget, reply: Reply) -> str | None:
        """Send one reply; the platform id of the last message sent for it, if any."""
        ...


class DeliveryError(Exception):
    """A send the platform refused for good (blocked bot, deleted or forbidden channel)."""


@dataclass(frozen=True)
class RoleCheck:
    """What the platform says of a role a moderator named for a reward: its id and name, or
    what is wrong (`problem`, a sentence saying exactly what to fix)."""

    role_id: str = ""
    name: str = ""
    problem: str = ""


@dataclass(frozen=True)
class RolesApplied:
    """What a RoleChange met: roles that turned out gone or out of the bot's reach, with why
    (the rewards are then marked broken, and a moderator told once)."""

    broken: dict[str, str] = field(default_factory=dict)


class RoleEditor(Protocol):
    """A notifier that can manage a community's roles (Discord's). Optional: callers check for
    it, and a platform without roles has none."""

    async def check_reward_role(self, guild_id: str, text: str) -> RoleCheck:
        """Resolve a role named by mention, id or name in the guild, and check the bot may
        give it (Manage Roles, below the bot's highest role, not @everyone nor managed)."""
        ...

    async def change_roles(self, change: RoleChange) -> RolesApplied:
        """Make a member's reward roles what `change` says; paced by the platform's limits."""
        ...


class Notifier(Protocol):
    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        """Deliver replies to a target, paced by the platform's rate limits.

        Raises DeliveryError when the platform refuses permanently.
        """
        ...

    async def community_of(self, target: SendTarget) -> str | None:
        """The community a chat belongs to, as the platform says: a Discord channel's guild
        id, a Telegram group's own id or a channel's linked group. None for a private chat,
        an unknown one, or one the bot cannot see (core.channels)."""
        ...


@dataclass(frozen=True)
class LLMMessage:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class LLMRequest:
    """One model call. `system` is the stable, cacheable prefix; `messages` the growing part.

    A structured call names `schema`: the answer is JSON that must match it. The schema is
    sent with the request and is part of the cached prefix, so a conversation keeps one schema
    for every turn; `check` is a narrower schema that this particular answer must also meet
    (checked locally, never sent), for steps that need only part of the shared schema.
    """

    feature: str
    system: str
    messages: tuple[LLMMessage, ...]
    schema: dict[str, Any] | None = None
    check: dict[str, Any] | None = None
    max_tokens: int = 1024
    model: str | None = None
    # Cache the conversation so far (multi-turn interviews).
    cache_conversation: bool = False


@dataclass(frozen=True)
class LLMUsage:
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    latency_ms: int = 0


@dataclass(frozen=True)
class LLMResult:
    text: str = ""
    data: dict[str, Any] | None = None  # the validated JSON answer of a structured request
    usage: list[LLMUsage] = field(default_factory=list)  # one per attempt, retries included


class LLMUnavailable(Exception):
    """The model could not answer (down, rate limited past our patience, malformed twice)."""

    def __init__(self, message: str, usage: list[LLMUsage] | None = None) -> None:
        super().__init__(message)
        self.usage = usage or []


class LLM(Protocol):
    @property
    def online(self) -> bool: ...

    @property
    def max_answers(self) -> int:
        """The most billed answers one `complete` may take (a malformed answer is asked for
        again): the budget reserves the worst case of each (core.ai.gateway)."""
        ...

    async def complete(self, request: LLMRequest) -> LLMResult: ...


@dataclass(frozen=True)
class PollPlace:
    """Where a quiz poll was posted, and what did not fit in it."""

    chat_id: int
    chat_title: str | None  # set for groups
    full_explanation: str | None
    topic: int | None = None  # a forum group's topic


class PollLinks(Protocol):
    """What a platform's quiz poll stands for: a poll answer names only the poll, so the link
    must outlive a restart. The core keeps it (core.polls); the adapter only asks."""

    async def remember(
        self, poll_id: str, answer_data: str, place: PollPlace, now: datetime
    ) -> None:
        """Link a poll just sent to its answer data; a poll id already linked is kept."""
        ...

    async def lookup(self, poll_id: str) -> tuple[str, PollPlace | None] | None:
        """The answer data of a poll and where it was posted; None for a poll Dojo never sent."""
        ...


class CommunitySettingsSource(Protocol):
    """A community's settings as an adapter needs them (the Discord moderator role), read
    without the adapter touching the database (core.community_lookup)."""

    async def settings_of(self, platform: str, external_id: str) -> CommunitySettings: ...
