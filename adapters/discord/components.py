"""Buttons that survive a restart: the custom_id is the core's callback data, nothing else.

`DojoButton` is a `discord.ui.DynamicItem` whose template matches every `dj:...` custom_id, so a
click on a message sent before a restart is still understood: discord.py rebuilds the item from
the custom_id and hands the click to the adapter. Views never hold server-side state.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from core.messages import Button, QuizPoll

CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
ROW_WIDTH = 5
MAX_ROWS = 5
TEMPLATE = re.compile(r"dj:(?P<rest>[A-Za-z0-9_.:\-]{1,97})")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXY"


class ButtonHandler(Protocol):
    async def on_button(self, interaction: discord.Interaction[Any], custom_id: str) -> None: ...


class DojoButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """One Dojo button; its click goes to the client's adapter with the raw custom_id."""

    def __init__(self, label: str, custom_id: str, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:LABEL_LIMIT] or "·",
                custom_id=custom_id,
                style=discord.ButtonStyle.secondary,
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> DojoButton:
        label = getattr(item, "label", None) or "·"
        return cls(label, match.group(0))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler: ButtonHandler | None = getattr(interaction.client, "dojo", None)
        if handler is not None:
            await handler.on_button(interaction, self.custom_id)


def is_dojo_custom_id(custom_id: str) -> bool:
    return TEMPLATE.fullmatch(custom_id) is not None


def _rows(buttons: list[Button]) -> list[list[Button]]:
    return [buttons[i : i + ROW_WIDTH] for i in range(0, len(buttons), ROW_WIDTH)]


def build_view(rows: tuple[tuple[Button, ...], ...]) -> discord.ui.View | None:
    """A persistent view (no timeout) of Dojo buttons, re-wrapped to Discord's 5x5 grid."""
    laid_out: list[list[Button]] = []
    for given in rows:
        laid_out.extend(_rows(list(given)))
    usable = [row for row in laid_out if row][:MAX_ROWS]
    if not usable:
        return None
    view = discord.ui.View(timeout=None)
    for index, row in enumerate(usable):
        for button in row:
            if len(button.data) <= CUSTOM_ID_LIMIT and is_dojo_custom_id(button.data):
                view.add_item(DojoButton(button.label, button.data, row=index))
    return view if view.children else None


def poll_buttons(poll: QuizPoll) -> tuple[tuple[Button, ...], ...]:
    """A quiz poll as lettered buttons; the option index goes last in the callback data."""
    buttons = [
        Button(f"{_LETTERS[index]}", f"{poll.answer_data}:{index}")
        for index in range(min(len(poll.options), len(_LETTERS)))
    ]
    return tuple(tuple(row) for row in _rows(buttons))
