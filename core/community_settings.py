"""A community's settings, typed: what moderators set with /admin, and what Dojo remembers.

They are stored as a JSON object in `communities.settings` (DESIGN §4), under the key names
below, which stay as they are so rows written before this module still load. Every read goes
through `settings_of`, every write through `CommunityRepository.change_settings`, which
checks each change with `checked` first: a value of the wrong type or out of range, or a key
Dojo does not know, is refused with a message naming it, and never reaches the database.

Reading is forgiving where writing is strict: a row holding a key Dojo no longer knows, or a
value it cannot use, loads with that setting at its default (and a warning in the log), so one
odd row can never stop a community's messages.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from core.errors import UserError
from core.features.quiz.topics import DIFFICULTIES, TOPICS

log = logging.getLogger(__name__)

# A chat id as a platform gives it (communities' and accounts' ids are at most 64 characters):
# /admin channel checks the form a moderator types, this only what can be stored.
_CHANNEL = re.compile(r"[^\s]{1,64}")
# A Discord role id.
_ROLE = re.compile(r"\d{1,20}")


@dataclass(frozen=True)
class CommunitySettings:
    # Where level-ups and badges are posted (`/admin channel announce`); None: where they happen.
    announce_channel: str | None = None
    # Where the weekly leaderboard is posted (`/admin channel leaderboard`).
    leaderboard_channel: str | None = None
    # Whether plain messages in the community earn chat XP (`/admin chatxp on|off`).
    chat_xp: bool = True
    # The Discord role whose members moderate Dojo here (`/admin modrole`), besides Manage Server.
    mod_role: str | None = None
    # True once the community has banned someone: only then does the router look a member's
    # ban up, so the communities that never ban (most) pay no query per message.
    has_bans: bool = False
    # Only moderators may start a live quiz round (`/admin live mods`; `anyone` resets it).
    live_mods: bool = False
    # Quizzes here ask only the community's own question packs (`/admin pack only on`); the
    # bank stands in while it has none (core.features.quiz.store.pick_questions).
    pack_only: bool = False
    # The daily question (`/admin daily on [HH:MM] [topic|random] [level]`): its local time
    # "HH:MM" (None: off), its topic (None: random), its level (None: any) and, optionally,
    # the local "HH:MM" its answer is revealed at (None: with the next day's question).
    daily_time: str | None = None
    daily_topic: str | None = None
    daily_level: str | None = None
    daily_reveal: str | None = None
    # Role rewards give only the highest reached (`/admin reward mode replace`); else all.
    reward_replace: bool = False

    def to_json(self) -> dict[str, Any]:
        """The stored form: the keys that differ from their defaults, as today's rows hold."""
        return {
            item.name: getattr(self, item.name)
            for item in fields(self)
            if getattr(self, item.name) != item.default
        }


class InvalidSetting(UserError):
    """A community setting that cannot be stored: unknown, of the wrong type, or out of range."""


def _channel(key: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _CHANNEL.fullmatch(value):
        raise InvalidSetting(
            f"{key} must be a chat id (1 to 64 characters, no spaces) or none, not {value!r:.60}."
        )
    return value


def _role(key: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ROLE.fullmatch(value):
        raise InvalidSetting(f"{key} must be a role id (digits only) or none, not {value!r:.60}.")
    return value


def _flag(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidSetting(f"{key} must be true or false, not {value!r:.60}.")
    return value


# A local time of day, 00:00 to 23:59.
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _clock(key: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _CLOCK.fullmatch(value):
        raise InvalidSetting(
            f"{key} must be a time HH:MM (00:00 to 23:59) or none, not {value!r:.60}."
        )
    return value


def _one_of(choices: tuple[str, ...]) -> Callable[[str, object], str | None]:
    def check(key: str, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or value not in choices:
            raise InvalidSetting(
                f"{key} must be one of {', '.join(choices)} or none, not {value!r:.60}."
            )
        return value

    return check


_CHECKS: dict[str, Callable[[str, object], object]] = {
    "announce_channel": _channel,
    "leaderboard_channel": _channel,
    "chat_xp": _flag,
    "mod_role": _role,
    "has_bans": _flag,
    "live_mods": _flag,
    "pack_only": _flag,
    "daily_time": _clock,
    "daily_topic": _one_of(TOPICS),
    "daily_level": _one_of(DIFFICULTIES),
    "daily_reveal": _clock,
    "reward_replace": _flag,
}
assert set(_CHECKS) == {item.name for item in fields(CommunitySettings)}


def checked(current: CommunitySettings, changes: Mapping[str, object]) -> CommunitySettings:
    """`current` with `changes` applied, each checked; raises InvalidSetting naming the first
    that cannot be stored (nothing is applied then)."""
    unknown = sorted(set(changes) - set(_CHECKS))
    if unknown:
        known = ", ".join(sorted(_CHECKS))
        raise InvalidSetting(f"Unknown community setting {unknown[0]!r:.40}; known: {known}.")
    values: dict[str, Any] = {key: _CHECKS[key](key, value) for key, value in changes.items()}
    return dataclasses.replace(current, **values)


def _as_stored_before(key: str, value: object) -> object:
    """Forms older rows may hold: an id stored as a number, a role as its mention <@&id>."""
    numeric = isinstance(value, int) and not isinstance(value, bool)
    if numeric and key in ("announce_channel", "leaderboard_channel", "mod_role"):
        return str(value)
    if key == "mod_role" and isinstance(value, str):
        return value.strip().strip("<@&>") or None
    return None if value == "" else value


# What a read already warned about: settings are read on every community message, so an odd
# row would otherwise repeat its warning on each.
_WARNED: set[str] = set()


def _warn_once(problem: str) -> None:
    if problem not in _WARNED and len(_WARNED) < 1000:
        _WARNED.add(problem)
        log.warning("community settings: ignoring %s", problem)


def settings_of(stored: Mapping[str, Any] | None) -> CommunitySettings:
    """The typed settings of a stored JSON object (`Community.settings`), old rows included:
    a channel stored as a number is read as its id; an unknown key or unusable value is left
    at its default and logged (once per process)."""
    values: dict[str, Any] = {}
    for key, value in (stored or {}).items():
        check = _CHECKS.get(key)
        if check is None:
            _warn_once(f"unknown key {key!r:.40}")
            continue
        value = _as_stored_before(key, value)
        try:
            values[key] = check(key, value)
        except InvalidSetting as error:
            _warn_once(error.message)
    return CommunitySettings(**values)
