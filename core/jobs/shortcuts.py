"""Buttons in scheduled messages that start a command: `dj:go:quiz` runs /quiz.

A reminder is written long before the learner taps it, so its button names a command rather
than a feature's internal action; only the commands listed here can be started this way. The
press becomes that command before the router decides anything (core.router.Router.resolve),
so it runs as the command's kind: /quiz alone, /streak in a batch.
"""

from __future__ import annotations

from dataclasses import replace

from core.errors import UserError
from core.messages import Incoming
from core.registry import shortcut

ALLOWED = frozenset({"quiz", "streak", "profile", "leaderboard"})


@shortcut("go")
def go(incoming: Incoming) -> Incoming:
    assert incoming.action is not None
    args = incoming.action.args
    name = args[0] if args else ""
    if name not in ALLOWED:
        raise UserError("That button has expired. Send /help to see what you can do.")
    return replace(incoming, command=name, args=tuple(args[1:3]), action=None)
