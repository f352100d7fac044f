"""Command, action and text handlers: decorators only record, `Registry` wires them explicitly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from core.messages import Reply

if TYPE_CHECKING:
    from core.context import Context

Handler = Callable[["Context"], Awaitable[list[Reply]]]
# A text handler returns None when the message is not for it, so the next one is tried.
TextHandler = Callable[["Context"], Awaitable[list[Reply] | None]]

_MARK = "__dojo_handler__"


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str
    usage: str = ""
    admin_only: bool = False
    # Slow (LLM-backed) work: adapters acknowledge first (defer, typing).
    slow: bool = False
    # Shown in /help and platform command menus.
    listed: bool = True
    # Personal answers that a platform may show to the asker only.
    personal: bool = False


@dataclass(frozen=True)
class ActionSpec:
    name: str
    slow: bool = False


@dataclass(frozen=True)
class TextSpec:
    name: str
    priority: int  # lower runs first


def command(
    name: str, summary: str, usage: str = "", **options: Any
) -> Callable[[Handler], Handler]:
    def record(handler: Handler) -> Handler:
        setattr(handler, _MARK, CommandSpec(name, summary, usage, **options))
        return handler

    return record


def action(name: str, slow: bool = False) -> Callable[[Handler], Handler]:
    def record(handler: Handler) -> Handler:
        setattr(handler, _MARK, ActionSpec(name, slow))
        return handler

    return record


def text_handler(name: str, priority: int) -> Callable[[TextHandler], TextHandler]:
    def record(handler: TextHandler) -> TextHandler:
        setattr(handler, _MARK, TextSpec(name, priority))
        return handler

    return record


class Registry:
    def __init__(self) -> None:
        self.commands: dict[str, tuple[CommandSpec, Handler]] = {}
        self.actions: dict[str, tuple[ActionSpec, Handler]] = {}
        self.text_handlers: list[tuple[TextSpec, TextHandler]] = []

    def add_modules(self, modules: Iterable[ModuleType]) -> Registry:
        for module in modules:
            for value in vars(module).values():
                spec = getattr(value, _MARK, None)
                if isinstance(spec, CommandSpec):
                    self._add(self.commands, spec.name, (spec, value))
                elif isinstance(spec, ActionSpec):
                    self._add(self.actions, spec.name, (spec, value))
                elif isinstance(spec, TextSpec):
                    self.text_handlers.append((spec, value))
        self.text_handlers.sort(key=lambda item: item[0].priority)
        return self

    @staticmethod
    def _add(table: dict[str, Any], name: str, entry: Any) -> None:
        if name in table and table[name][1] is not entry[1]:
            raise ValueError(f"two handlers for {name!r}")
        table[name] = entry

    def listed_commands(self, include_admin: bool = False) -> list[CommandSpec]:
        return [
            spec
            for spec, _ in self.commands.values()
            if spec.listed and (include_admin or not spec.admin_only)
        ]
