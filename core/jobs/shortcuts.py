"""Buttons in scheduled messages that start a command: `dj:go:quiz` runs /quiz.

A reminder is written long before the learner taps it, so its button names a command rather
than a feature's internal action; only the commands listed here can be started this way.
"""

from __future__ import annotations

from dataclasses import replace

from core.context import Context
from core.errors import UserError
from core.messages import Reply
from core.registry import action

ALLOWED = frozenset({"quiz", "streak", "profile", "leaderboard"})


@action("go", runs_command=True)
async def go(context: Context) -> list[Reply]:
    assert context.incoming.action is not None
    args = context.incoming.action.args
    registry = context.services.registry
    name = args[0] if args else ""
    found = registry.commands.get(name) if registry is not None else None
    if name not in ALLOWED or found is None or found[0].admin_only:
        raise UserError("That button has expired. Send /help to see what you can do.")
    incoming = replace(context.incoming, command=name, args=tuple(args[1:3]), action=None)
    return await found[1](replace(context, incoming=incoming))
