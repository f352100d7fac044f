"""README's "Adding a command" is true: its example, taken from the README itself, is one
module that works in the chat and in /help once it is added to the registry."""

from __future__ import annotations

import dataclasses
import re
import types
from pathlib import Path

from bot.app import Dojo
from core.commands import build_registry
from core.router import Router
from tests.support import ChatDriver

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_example() -> types.ModuleType:
    """The first Python block under "## Adding a command", executed as a feature module."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Adding a command", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "README's 'Adding a command' has no Python example"
    module = types.ModuleType("readme_echo")
    exec(compile(match.group(1), str(README), "exec"), module.__dict__)
    return module


async def test_the_readme_command_works_with_one_registry_line(sqlite_dojo: Dojo) -> None:
    registry = build_registry((readme_example(),))  # the one registry line, as a test adds it
    dojo = dataclasses.replace(sqlite_dojo, router=Router(sqlite_dojo.services, registry))
    learner = ChatDriver(dojo.router, "ada")
    assert await learner.say("/echo hello 2") == "hello hello"
    # The usage line comes from the declared parameters, written nowhere else.
    assert "/echo hello|bye [times] · Say a word back" in await learner.say("/help")
    assert "/echo" not in " ".join(build_registry().commands)
