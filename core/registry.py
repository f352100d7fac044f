"""Command, action and text handlers: decorators only record, `Registry` wires them explicitly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from core.command_meta import Param, Subcommand, Venue, usage_line
from core.messages import Reply

if TYPE_CHECKING:
    from core.context import Context
    from core.db.uow import UnitOfWork

Handler = Callable[["Context"], Awaitable[list[Reply]]]
# A text handler returns None when the message is not for it, so the next one is tried.
TextHandler = Callable[["Context"], Awaitable[list[Reply] | None]]
# Of the learners given (by id), those a text handler may need a model for right now.
PendingWork = Callable[["UnitOfWork", Sequence[int]], Awaitable[set[int]]]

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
    # Private data (an export, spend, settings): asked in a group, answered in the learner's
    # private chat, never in the group (DESIGN §9). Implies `personal`.
    private: bool = False
    # What it takes, in order (core.command_meta): adapters build typed forms from these.
    params: tuple[Param, ...] = ()
    # Its first word picks one of these, each with parameters of its own (`/admin xp ...`).
    subcommands: tuple[Subcommand, ...] = ()
    venue: Venue = Venue.ANYWHERE
    # Its body is code (Incoming.body): platforms offer a code field and a file for it.
    takes_code: bool = False
    # It may change a community's settings: adapters drop what they cache of them after it.
    changes_community_settings: bool = False

    def __post_init__(self) -> None:
        if not self.usage and (self.params or self.subcommands or self.takes_code):
            # Declared parameters say it all: `/echo one|two [times]`, written once.
            usage = usage_line(self.name, self.params, self.subcommands, self.takes_code)
            object.__setattr__(self, "usage", usage)


@dataclass(frozen=True)
class ActionSpec:
    name: str
    slow: bool = False
    # The button runs the command named by its first argument (a reminder's "Quiz now"):
    # it is as slow as that command, for batching, deferring and typing (Router.spec_for).
    runs_command: bool = False


@dataclass(frozen=True)
class TextSpec:
    name: str
    priority: int  # lower runs first
    # For handlers that may call a model (an interview answer, code after /review): which
    # learners have such work open. Their messages to the bot then run alone, not in a batch
    # of events (core.router), since slow work commits early and a batch cannot.
    pending: PendingWork | None = None


def command(
    name: str, summary: str, usage: str = "", **options: Any
) -> Callable[[Handler], Handler]:
    def record(handler: Handler) -> Handler:
        setattr(handler, _MARK, CommandSpec(name, summary, usage, **options))
        return handler

    return record


def action(
    name: str, slow: bool = False, runs_command: bool = False
) -> Callable[[Handler], Handler]:
    def record(handler: Handler) -> Handler:
        setattr(handler, _MARK, ActionSpec(name, slow, runs_command))
        return handler

    return record


def text_handler(
    name: str, priority: int, pending: PendingWork | None = None
) -> Callable[[TextHandler], TextHandler]:
    def record(handler: TextHandler) -> TextHandler:
        setattr(handler, _MARK, TextSpec(name, priority, pending))
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

    @property
    def pending_work(self) -> list[PendingWork]:
        return [spec.pending for spec, _ in self.text_handlers if spec.pending is not None]

    def listed_commands(self, include_admin: bool = False) -> list[CommandSpec]:
        return [
            spec
            for spec, _ in self.commands.values()
            if spec.listed and (include_admin or not spec.admin_only)
        ]
