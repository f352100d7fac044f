"""Command, action and text handlers: decorators only record, `Registry` wires them explicitly.

Every decorator names the handler's `Kind` (core.kinds), and its type follows from it: a QUICK
handler takes a `QuickContext` (no commit, checkpoint, gate or notifier), so mypy rejects one
that reaches for them; SLOW and MAY_CALL_MODEL handlers take the full `Context`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, overload

from core.command_meta import Param, Subcommand, Venue, usage_line
from core.kinds import Kind
from core.messages import Incoming, Reply
from core.open_work import OpenWork

if TYPE_CHECKING:
    from core.context import Context, QuickContext

# What the registry keeps: a handler of either kind. Only the router calls it, with the
# context its kind asks for (Router._context_for).
Handler = Callable[["Context"], Awaitable[list[Reply]]]
QuickHandler = Callable[["QuickContext"], Awaitable[list[Reply]]]
# A text handler returns None when the message is not for it, so the next one is tried.
TextHandler = Callable[["Context"], Awaitable[list[Reply] | None]]
QuickTextHandler = Callable[["QuickContext"], Awaitable[list[Reply] | None]]
# A button that runs a command (a reminder's "Quiz now"): turns the press into that command,
# or raises UserError when it may not run it. The event then is that command, of its kind.
Shortcut = Callable[[Incoming], Incoming]

_MARK = "__dojo_handler__"
# Commands and buttons are QUICK or SLOW. MAY_CALL_MODEL is for text handlers alone: only a
# plain message can be handed back by its batch once its learner turns out to have model work
# open (Router._needing_model); a command that might wait on a model is SLOW.
_COMMAND_KINDS = (Kind.QUICK, Kind.SLOW)
_TEXT_KINDS = (Kind.QUICK, Kind.MAY_CALL_MODEL)


def _checked(kind: Kind, allowed: tuple[Kind, ...], what: str) -> Kind:
    if kind not in allowed:
        raise ValueError(f"a {what} is {' or '.join(allowed)}, not {kind}")
    return kind


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str
    usage: str = ""
    # How it runs (core.kinds): batching, deferral, typing and the context it gets.
    kind: Kind = field(kw_only=True)  # no default: every command decides
    admin_only: bool = False
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
    kind: Kind


@dataclass(frozen=True)
class ShortcutSpec:
    """A button that runs a command; it has no kind of its own, it takes the command's."""

    name: str


@dataclass(frozen=True)
class TextSpec:
    name: str
    priority: int  # lower runs first
    # MAY_CALL_MODEL: acts only on a learner's open model work (core.open_work), so the
    # router skips it for learners with none and runs their messages alone otherwise.
    kind: Kind
    # MAY_CALL_MODEL: the open work it acts on (an interview, a review waiting for code); the
    # router runs it only for learners who hold that work, not for those with other work open.
    serves: OpenWork = OpenWork.NONE


@overload
def command(
    name: str, summary: str, usage: str = "", *, kind: Literal[Kind.QUICK], **options: Any
) -> Callable[[QuickHandler], QuickHandler]: ...
@overload
def command(
    name: str, summary: str, usage: str = "", *, kind: Literal[Kind.SLOW], **options: Any
) -> Callable[[Handler], Handler]: ...
def command(
    name: str, summary: str, usage: str = "", *, kind: Kind, **options: Any
) -> Callable[[Any], Any]:
    spec = CommandSpec(
        name, summary, usage, kind=_checked(kind, _COMMAND_KINDS, "command"), **options
    )

    def record(handler: Any) -> Any:
        setattr(handler, _MARK, spec)
        return handler

    return record


@overload
def action(name: str, *, kind: Literal[Kind.QUICK]) -> Callable[[QuickHandler], QuickHandler]: ...
@overload
def action(name: str, *, kind: Literal[Kind.SLOW]) -> Callable[[Handler], Handler]: ...
def action(name: str, *, kind: Kind) -> Callable[[Any], Any]:
    spec = ActionSpec(name, _checked(kind, _COMMAND_KINDS, "button"))

    def record(handler: Any) -> Any:
        setattr(handler, _MARK, spec)
        return handler

    return record


def shortcut(name: str) -> Callable[[Shortcut], Shortcut]:
    def record(rewrite: Shortcut) -> Shortcut:
        setattr(rewrite, _MARK, ShortcutSpec(name))
        return rewrite

    return record


@overload
def text_handler(
    name: str, priority: int, *, kind: Literal[Kind.QUICK]
) -> Callable[[QuickTextHandler], QuickTextHandler]: ...
@overload
def text_handler(
    name: str, priority: int, *, kind: Literal[Kind.MAY_CALL_MODEL], serves: OpenWork
) -> Callable[[TextHandler], TextHandler]: ...
def text_handler(
    name: str, priority: int, *, kind: Kind, serves: OpenWork = OpenWork.NONE
) -> Callable[[Any], Any]:
    if (kind is Kind.MAY_CALL_MODEL) != bool(serves):
        raise ValueError(f"text handler {name!r}: open work is what a MAY_CALL_MODEL one serves")
    spec = TextSpec(name, priority, _checked(kind, _TEXT_KINDS, "text handler"), serves)

    def record(handler: Any) -> Any:
        setattr(handler, _MARK, spec)
        return handler

    return record


class Registry:
    def __init__(self) -> None:
        self.commands: dict[str, tuple[CommandSpec, Handler]] = {}
        self.actions: dict[str, tuple[ActionSpec, Handler]] = {}
        self.shortcuts: dict[str, tuple[ShortcutSpec, Shortcut]] = {}
        self.text_handlers: list[tuple[TextSpec, TextHandler]] = []

    def add_modules(self, modules: Iterable[ModuleType]) -> Registry:
        for module in modules:
            for value in vars(module).values():
                spec = getattr(value, _MARK, None)
                if isinstance(spec, CommandSpec):
                    self._add(self.commands, spec.name, (spec, value))
                elif isinstance(spec, ActionSpec):
                    self._add(self.actions, spec.name, (spec, value))
                elif isinstance(spec, ShortcutSpec):
                    self._add(self.shortcuts, spec.name, (spec, value))
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
