"""Turning a line of chat text into a command and arguments, the same on every platform."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ARGS = 20
MAX_ARG_CHARS = 200
_COMMAND = re.compile(r"^[/!]([A-Za-z][A-Za-z0-9_]{0,31})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)")


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    args: tuple[str, ...]
    addressee: str | None  # the bot named in /cmd@botname, if any
    rest: str  # everything after the command word, untouched (code blocks live here)


def parse_command(text: str, prefixes: str = "/") -> ParsedCommand | None:
    """`/quiz sql 5` -> ("quiz", ("sql", "5")); None when the text is not a command.

    Arguments stop at the first line break, so a fenced code block after `/review python`
    is not split into words; at most MAX_ARGS arguments are kept.
    """
    stripped = text.lstrip()
    if not stripped or stripped[0] not in prefixes:
        return None
    match = _COMMAND.match(stripped)
    if match is None:
        return None
    rest = stripped[match.end() :]
    first_line = rest.split("\n", 1)[0]
    args = tuple(word[:MAX_ARG_CHARS] for word in first_line.split()[:MAX_ARGS])
    return ParsedCommand(match.group(1).lower(), args, match.group(2), rest.strip())
