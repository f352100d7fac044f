"""Notifiers by platform: one Notifier for the core that routes each target to its adapter.

Adapters register theirs in `Dojo.notifiers` when they start (`dojo.notifiers["telegram"] =
TelegramNotifier(...)`); the console prints. For `dojo admin run-job`, which runs without the
bot, `standalone_notifiers` asks each adapter whose token is set for a notifier that sends
without polling: the module `adapters.<platform>.standalone` exposing
`standalone_notifier(dojo)`, an async context manager yielding a Notifier.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from adapters.console.render import render_reply
from core.messages import Reply, SendTarget
from core.ports import DeliveryError, Notifier, RoleEditor

if TYPE_CHECKING:
    from bot.app import Dojo

log = logging.getLogger(__name__)


class MultiNotifier:
    """Routes `SendTarget.platform` to the notifier registered for it (a live view)."""

    def __init__(self, notifiers: Mapping[str, Notifier]) -> None:
        self.notifiers = notifiers

    def supports(self, platform: str) -> bool:
        return str(platform) in self.notifiers

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        notifier = self.notifiers.get(str(target.platform))
        if notifier is None:
            raise DeliveryError(f"no adapter is running for {target.platform}")
        await notifier.send(target, replies)

    async def community_of(self, target: SendTarget) -> str | None:
        notifier = self.notifiers.get(str(target.platform))
        return None if notifier is None else await notifier.community_of(target)

    def role_editor(self, platform: str) -> RoleEditor | None:
        """The platform's core.ports.RoleEditor, if its adapter runs and manages roles."""
        notifier = self.notifiers.get(str(platform))
        return notifier if hasattr(notifier, "change_roles") else None  # type: ignore[return-value]

    async def post(self, target: SendTarget, reply: Reply) -> str | None:
        """core.ports.TrackingNotifier where the platform's notifier is one; else a plain send."""
        notifier = self.notifiers.get(str(target.platform))
        post = getattr(notifier, "post", None)
        if post is None:
            await self.send(target, [reply])
            return None
        return await post(target, reply)  # type: ignore[no-any-return]


class ConsoleNotifier:
    """Prints what would be sent: the console platform, and dry runs of jobs."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        out = self.stream or sys.stdout
        for item in replies:
            print(f"── to {target.platform}:{target.chat_id} ({target.kind})", file=out)
            print(render_reply(item), file=out, flush=True)

    async def community_of(self, target: SendTarget) -> str | None:
        return None  # the console has no communities


@dataclass
class RecordingNotifier:
    """Keeps every send, and refuses chosen chats; for tests and dry runs."""

    sent: list[tuple[SendTarget, Reply]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    # chat id -> the community (external id) the "platform" says it belongs to
    communities: dict[str, str] = field(default_factory=dict)

    async def community_of(self, target: SendTarget) -> str | None:
        return self.communities.get(target.chat_id)

    async def send(self, target: SendTarget, replies: Sequence[Reply]) -> None:
        if target.chat_id in self.refuse:
            raise DeliveryError(f"chat {target.chat_id} refused the message")
        self.sent.extend((target, item) for item in replies)

    def to(self, chat_id: str) -> list[Reply]:
        return [item for target, item in self.sent if target.chat_id == chat_id]

    def texts(self) -> list[str]:
        return [item.text.plain for _, item in self.sent]


@asynccontextmanager
async def standalone_notifiers(dojo: Dojo, dry_run: bool = False) -> AsyncIterator[MultiNotifier]:
    """Notifiers for every adapter whose token is set, without starting the bot's polling."""
    registry: dict[str, Notifier] = {"console": ConsoleNotifier()}
    settings = dojo.settings
    tokens = {"telegram": settings.telegram_bot_token, "discord": settings.discord_bot_token}
    async with AsyncExitStack() as stack:
        for platform, token in tokens.items():
            if not token:
                continue
            if dry_run:
                registry[platform] = ConsoleNotifier()
                continue
            try:
                module = importlib.import_module(f"adapters.{platform}.standalone")
            except ImportError:
                log.error("the %s adapter cannot send without the bot running yet", platform)
                continue
            registry[platform] = await stack.enter_async_context(module.standalone_notifier(dojo))
        yield MultiNotifier(registry)
