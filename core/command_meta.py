"""What a command takes and where it runs, declared once on its spec (core.registry).

Adapters build their platform's forms from this (Discord's typed slash options and `/admin`
subcommands, Telegram's command menu, /help) and hand typed values back through
`call_words`, so no adapter names a command or knows its grammar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from core.errors import UserError
from core.parsing import MAX_ARG_CHARS, MAX_ARGS


class ParamKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    USER = "user"  # a learner: the core's word for them is `platform:id`
    CHANNEL = "channel"  # a platform channel id
    ROLE = "role"  # a platform role id
    FILE = "file"  # an attached file: it goes to Incoming.attachments, never into the words


class Venue(StrEnum):
    """Where a command's conversation belongs when it is asked in a group."""

    ANYWHERE = "anywhere"
    # A conversation of its own (the interview): in a group it moves somewhere private. Discord
    # opens a private thread (or DMs); Telegram continues it in the private chat.
    PRIVATE_ONLY = "private-only"
    # Answered where asked, but it may wait for the learner's next message (code after
    # /review). A platform whose bot does not see a group's ordinary messages (Telegram, in
    # privacy mode) continues it in the private chat; the others keep it in place.
    FOLLOW_UP = "follow-up"


@dataclass(frozen=True)
class Param:
    """One argument word of a command, in the order the core reads them."""

    name: str
    description: str
    kind: ParamKind = ParamKind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    autocomplete: str | None = None  # a vocabulary name an adapter can suggest words from
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = 100
    shown: str = ""  # how usage shows it, when `<name>`, `[name]` or `a|b` would not say it

    @property
    def usage_word(self) -> str:
        if self.shown:
            return self.shown
        if self.choices:
            return "|".join(self.choices)
        return f"<{self.name}>" if self.required else f"[{self.name}]"

    def out_of_range(self, value: int) -> bool:
        return (self.min_value is not None and value < self.min_value) or (
            self.max_value is not None and value > self.max_value
        )


@dataclass(frozen=True)
class Subcommand:
    """One form of a command's first word (`/admin xp ...`) and the parameters after it.

    A platform with typed options may need two forms of one word where chat takes either
    (`/admin channel announce off` has no channel to pick): `word` names the core's word when
    the form's own name differs, `suffix` adds fixed words after the parameters, and `missing`
    stands in for a trailing parameter left empty.
    """

    name: str
    summary: str
    params: tuple[Param, ...] = ()
    word: str = ""
    suffix: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    # Fixed words between the core's word and the parameters: `/admin pack add <name>` is the
    # form `packadd` (word "pack", prefix "add"), a form of its own in chat usage too.
    prefix: tuple[str, ...] = ()

    @property
    def core_word(self) -> str:
        return self.word or self.name

    @property
    def is_alias(self) -> bool:
        """A typed-options form of another subcommand: chat usage shows the other one."""
        return bool(self.word) and self.word != self.name and not self.prefix

    def usage(self, command: str) -> str:
        words = (self.core_word, *self.prefix) if self.prefix else (self.name,)
        return " ".join((f"/{command}", *words, *(p.usage_word for p in self.params)))


def subcommand_usage(command: str, subcommands: tuple[Subcommand, ...]) -> str:
    """`/admin <xp|badge|...> ...`: the command line that lists a command's subcommands."""
    words = "|".join(dict.fromkeys(sub.core_word for sub in subcommands))
    return f"/{command} <{words}> ..."


def usage_line(
    name: str,
    params: tuple[Param, ...],
    subcommands: tuple[Subcommand, ...] = (),
    takes_code: bool = False,
) -> str:
    """The usage a command's declaration implies, for a spec that gives none of its own."""
    if subcommands:
        return subcommand_usage(name, subcommands)
    line = " ".join((f"/{name}", *(param.usage_word for param in params)))
    return f"{line}, then your code" if takes_code else line


def check(param: Param, value: str | int) -> str:
    """The value as a word, refused when out of its declared range or length: a platform's
    own checks run in its client, and an event can bypass them."""
    if param.kind is ParamKind.INTEGER:
        number = int(value)
        if param.out_of_range(number):
            raise UserError(
                f"{param.name} must be between {param.min_value} and {param.max_value}, "
                f"not {number}."
            )
        return str(number)
    text = str(value)
    if param.kind is ParamKind.TEXT and param.max_length and len(text) > param.max_length:
        raise UserError(f"{param.name} takes at most {param.max_length:,} characters.")
    return text


def call_words(
    params: tuple[Param, ...],
    values: Mapping[str, str | int],
    subcommand: Subcommand | None = None,
) -> tuple[str, ...]:
    """The argument words typed values stand for, in the core's order.

    Values are already platform-neutral (an adapter turns its user into `platform:id`); an
    integer out of range is refused here, since a platform's own check can be bypassed.
    """
    words: list[str] = [subcommand.core_word, *subcommand.prefix] if subcommand else []
    for param in params:
        value = values.get(param.name)
        if value is None and subcommand is not None and param is params[-1]:
            words.extend(subcommand.missing)
        if value is None or param.kind is ParamKind.FILE:
            continue
        # Split as if typed: a multi-word value (a reason, focus areas) is several words.
        words.extend(check(param, value).split())
    words.extend(subcommand.suffix if subcommand else ())
    return tuple(word[:MAX_ARG_CHARS] for word in words if word)[:MAX_ARGS]
