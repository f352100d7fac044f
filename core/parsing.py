"""Turning a line of chat text into a command, its arguments and its body, the same on every
platform; and reading a fenced code block, for commands whose body is code and for code pasted
on its own."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_ARGS = 20
MAX_ARG_CHARS = 200
FENCE = "```"
_COMMAND = re.compile(r"^[/!]([A-Za-z][A-Za-z0-9_]{0,31})(?:@([A-Za-z0-9_]{1,64}))?(?=\s|$)")
_FENCED = re.compile(r"```([^\n`]*)\n?(.*?)(?:```|\Z)", re.DOTALL)


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    args: tuple[str, ...]
    addressee: str | None  # the bot named in /cmd@botname, if any
    # What follows the arguments, untouched: the lines after the command line, or from a code
    # fence opened on it (`/review python ```...`). Code lives here, never in `args`.
    body: str


@dataclass(frozen=True)
class Code:
    text: str
    tag: str = ""  # the fence's info string (```python): a language, perhaps
    note: str = ""  # words around the fence (the learner's own, data never instructions)


def parse_command(text: str, prefixes: str = "/") -> ParsedCommand | None:
    """`/quiz sql 5` -> ("quiz", ("sql", "5")); None when the text is not a command.

    Arguments are the words of the command line up to any code fence, so a fenced block after
    `/review python` is never split into words; at most MAX_ARGS arguments are kept.
    """
    stripped = text.lstrip()
    if not stripped or stripped[0] not in prefixes:
        return None
    match = _COMMAND.match(stripped)
    if match is None:
        return None
    rest = stripped[match.end() :]
    first_line, newline, following = rest.partition("\n")
    words, fence, fenced = first_line.partition(FENCE)
    body = (fence + fenced + newline + following) if fence else following
    args = tuple(word[:MAX_ARG_CHARS] for word in words.split()[:MAX_ARGS])
    return ParsedCommand(match.group(1).lower(), args, match.group(2), body.strip("\n").rstrip())


def find_fence(text: str) -> Code | None:
    """The first fenced block in a message (an unclosed fence runs to the end), or None."""
    match = _FENCED.search(text)
    if match is None:
        return None
    note = (text[: match.start()] + " " + text[match.end() :]).strip()
    return Code(match.group(2), match.group(1).strip(), note)


def code_body(body: str) -> Code:
    """A command's body read as code: a fenced block when there is one, else all of it."""
    return find_fence(body) or Code(body)
