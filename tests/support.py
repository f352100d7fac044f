"""Test helpers shared by every layer: a chat driver over the router and database templates."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core import codec
from core.messages import (
    Action,
    ChatKind,
    ChatRef,
    CommunityRef,
    Incoming,
    Platform,
    Reply,
    UserRef,
)
from core.parsing import parse_command
from core.ports import FixedClock
from core.router import Router

if TYPE_CHECKING:
    from bot.app import Dojo

_event_ids = itertools.count(1)


def text_of(replies: list[Reply]) -> str:
    """What the learner reads: each reply's text, or its image's caption (a rank card's)."""
    return "\n".join(
        reply.image.caption_doc.plain if reply.image and not reply.text else reply.text.plain
        for reply in replies
    )


def fixed_clock(dojo: Dojo) -> FixedClock:
    """The test clock of a Dojo built by the fixtures, which can be moved on."""
    clock = dojo.services.clock
    assert isinstance(clock, FixedClock)
    return clock


@dataclass
class ChatDriver:
    """Talks to the router as one learner in one chat, like an adapter would."""

    router: Router
    name: str = "ada"
    platform: Platform = Platform.CONSOLE
    chat_id: str | None = None
    chat_kind: ChatKind = ChatKind.PRIVATE
    community: CommunityRef | None = None
    is_admin: bool = False
    last: list[Reply] = field(default_factory=list)

    @property
    def user(self) -> UserRef:
        return UserRef(self.platform, self.name, self.name)

    @property
    def chat(self) -> ChatRef:
        return ChatRef(self.platform, self.chat_id or self.name, self.chat_kind)

    def incoming(self, text: str, event_id: str | None = None, **extra: object) -> Incoming:
        parsed = parse_command(text)
        return Incoming(
            platform=self.platform,
            user=self.user,
            chat=self.chat,
            text=text,
            command=parsed.name if parsed else None,
            args=parsed.args if parsed else (),
            body=parsed.body if parsed else "",
            community=self.community,
            is_admin=self.is_admin,
            event_id=event_id if event_id is not None else f"e{next(_event_ids)}",
            **extra,  # type: ignore[arg-type]
        )

    async def send(self, incoming: Incoming) -> list[Reply]:
        self.last = await self.router.handle(incoming)
        return self.last

    async def say(self, text: str, **extra: object) -> str:
        return text_of(await self.send(self.incoming(text, **extra)))  # type: ignore[arg-type]

    def buttons(self) -> list[tuple[str, str]]:
        return [
            (button.label, button.data)
            for reply in self.last
            for row in reply.buttons
            for button in row
        ]

    async def press(self, label_part: str) -> str:
        """Press the first button of the last replies whose label contains `label_part`."""
        for label, data in self.buttons():
            if label_part.lower() in label.lower():
                return await self.press_data(data)
        raise AssertionError(f"no button like {label_part!r} in {self.buttons()}")

    async def press_data(self, data: str) -> str:
        action: Action = codec.decode(data)
        incoming = self.incoming("", action=action)
        return text_of(await self.send(incoming))
