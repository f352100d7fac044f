"""Typed slash-command options for the core's commands, and how each becomes a core argument.

The core's commands take words (`/quiz sql 5`); Discord wants typed, described options. This
table is the only place that knows both: an option's kind, choices, range or autocomplete
vocabulary, and its position in the core's argument list. Commands missing from the table get
one free-text `args` option, so a new core command is usable on Discord at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.features.choices import EXPERIENCE_LEVELS, TRACKS

Kind = Literal["text", "integer", "user", "channel", "role", "file"]


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    kind: Kind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    vocabulary: str | None = None  # autocomplete source in adapters.discord.vocab
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = 100

    def out_of_range(self, value: int) -> bool:
        return (self.min_value is not None and value < self.min_value) or (
            self.max_value is not None and value > self.max_value
        )


@dataclass(frozen=True)
class Subcommand:
    """One `/admin <name>` subcommand; its options follow the name in the core's arguments."""

    name: str
    description: str
    options: tuple[Option, ...] = ()
    core: str = ""  # the core's subcommand word when it differs from the Discord name
    suffix: tuple[str, ...] = ()  # fixed words after the options
    missing: tuple[str, ...] = ()  # words for trailing options left empty

    @property
    def core_name(self) -> str:
        return self.core or self.name


FREE_TEXT = (Option("args", "Anything the command takes, separated by spaces", max_length=200),)

COMMAND_OPTIONS: dict[str, tuple[Option, ...]] = {
    "start": (
        Option("track", "Which track you are preparing for", choices=TRACKS),
        Option("level", "Your experience level", choices=EXPERIENCE_LEVELS),
        Option("timezone", "Your time zone, e.g. Europe/Berlin", vocabulary="timezone"),
    ),
    "settings": (
        Option(
            "setting",
            "What to change",
            choices=("track", "level", "timezone", "announce", "leaderboard"),
        ),
        Option("value", "The new value", vocabulary="setting"),
    ),
    "leaderboard": (
        Option("period", "This week or all time", choices=("week", "all")),
        Option("scope", "This server or everyone", choices=("here", "global")),
    ),
    "remind": (Option("when", "on, off or a time like 19:00", vocabulary="remind"),),
    "quiz": (
        Option("topic", "A topic, random for a mix, or due for your reviews", vocabulary="topic"),
        Option("count", "How many questions", kind="integer", min_value=1, max_value=20),
    ),
    "interview": (
        Option("role", "The role you are interviewing for", vocabulary="role"),
        Option("difficulty", "How hard", vocabulary="difficulty"),
        Option("focus", "Focus areas, comma separated", max_length=200),
        Option("persona", "Your interviewer", choices=("friendly", "neutral", "tough")),
    ),
    "review": (
        Option("language", "The code's language", vocabulary="language"),
        Option("file", "A source file to review", kind="file"),
        Option("code", "Or paste short code here", max_length=4000),
    ),
    "link": (Option("code", "The code /link gave you on the other platform", max_length=40),),
}

ADMIN_COMMAND = "admin"
_TARGET = Option("member", "The learner", kind="user", required=True)
_REASON = Option("reason", "Why (kept in the audit log)", max_length=200)
# Moderators may move this server's board by at most 500 a call; operators globally by 10,000.
_AMOUNT = Option("amount", "How much XP", "integer", True, min_value=1, max_value=10_000)
_PURPOSE = Option("purpose", "What goes there", required=True, choices=("announce", "leaderboard"))

# The core's `/admin <sub> ...` words, as typed options (core/features/admin/command.py).
ADMIN_SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "xp",
        "Grant or revoke XP",
        (
            Option("change", "Grant or revoke", required=True, choices=("grant", "revoke")),
            _TARGET,
            _AMOUNT,
            Option("reason", "Why (kept in the audit log)", required=True, max_length=200),
        ),
    ),
    Subcommand(
        "badge",
        "Award or revoke a badge",
        (
            Option("change", "Award or revoke", required=True, choices=("award", "revoke")),
            _TARGET,
            Option("badge", "Badge slug, e.g. streak-7", required=True, max_length=60),
            _REASON,
        ),
    ),
    Subcommand("ban", "Ban a learner in this server (operators: everywhere)", (_TARGET, _REASON)),
    Subcommand("unban", "Lift a ban", (_TARGET, _REASON)),
    Subcommand("bans", "Who is banned in this server"),
    Subcommand(
        "budget",
        "A learner's monthly AI budget",
        (_TARGET, Option("usd", "Dollars per month, or default", required=True, max_length=12)),
    ),
    Subcommand(
        "channel",
        "Post announcements or the weekly leaderboard in a channel",
        (_PURPOSE, Option("channel", "The channel (default: this one)", kind="channel")),
        missing=("here",),
    ),
    Subcommand(
        "nochannel",
        "Stop using a dedicated channel (post where things happen)",
        (_PURPOSE,),
        core="channel",
        suffix=("off",),
    ),
    Subcommand(
        "chatxp",
        "Chat XP in this server on or off",
        (Option("state", "On or off", required=True, choices=("on", "off")),),
    ),
    Subcommand(
        "modrole",
        "Members with this role are Dojo moderators here",
        (Option("role", "The moderator role", kind="role", required=True),),
    ),
    Subcommand(
        "nomodrole", "No moderator role (Manage Server only)", core="modrole", suffix=("off",)
    ),
    Subcommand("stats", "This community's numbers"),
    Subcommand(
        "audit",
        "Recent moderator actions",
        (Option("count", "How many", kind="integer", min_value=1, max_value=50),),
    ),
)


def options_for(name: str, usage: str) -> tuple[Option, ...]:
    """The table's options, or a free-text option when the usage shows the command takes any."""
    if name in COMMAND_OPTIONS:
        return COMMAND_OPTIONS[name]
    takes_args = any(mark in usage for mark in ("[", "<", "|")) or len(usage.split()) > 1
    return FREE_TEXT if takes_args else ()
