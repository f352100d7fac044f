"""The slash options a core command gets on Discord, taken from its spec in the registry.

A command's declared parameters become typed options as they are; a command that takes code
also gets a code field and a file; a command that declares none but whose usage shows it takes
words gets one free-text option, so a new core command is usable on Discord at once. Nothing
here names a command.
"""

from __future__ import annotations

from core.command_meta import Param, ParamKind
from core.registry import CommandSpec

FREE_TEXT = Param("args", "Anything the command takes, separated by spaces", max_length=200)
# For a command whose body is code (CommandSpec.takes_code): a file, or short code pasted here.
CODE_FILE = Param("file", "A source file", ParamKind.FILE)
CODE_TEXT = Param("code", "Or paste short code here", max_length=4000)


def takes_words(spec: CommandSpec) -> bool:
    """Whether the command's usage shows it takes anything after its name."""
    usage = spec.usage
    return any(mark in usage for mark in ("[", "<", "|")) or len(usage.split()) > 1


def options_for(spec: CommandSpec) -> tuple[Param, ...]:
    """The options, in order: the declared parameters, then the code inputs if it takes code."""
    declared = spec.params or ((FREE_TEXT,) if takes_words(spec) and not spec.takes_code else ())
    code = (CODE_FILE, CODE_TEXT) if spec.takes_code else ()
    return (*declared, *code)
