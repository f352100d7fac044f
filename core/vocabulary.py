"""The words a parameter's autocomplete offers (`Param.autocomplete` names one of these), taken
from the core features that define them.

Features own their vocabularies (quiz topics, interview roles, review languages); this module only
gathers them, falling back to the onboarding vocabulary while a feature has not landed. It lives
in the core so an adapter suggests words by the name a spec declares and never needs to know
which command uses which vocabulary.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from zoneinfo import available_timezones

from core.features.choices import EXPERIENCE_LEVELS, TRACKS

AUTOCOMPLETE_LIMIT = 25
_FALLBACK_DIFFICULTIES = ("junior", "mid", "senior")
_FALLBACK_LANGUAGES = ("python", "javascript", "typescript", "java", "go", "rust", "sql", "c++")


def _feature_words(module: str, name: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
    try:
        value = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return fallback
    return tuple(str(word) for word in value) or fallback


@cache
def topics() -> tuple[str, ...]:
    found = _feature_words("core.features.quiz.topics", "TOPICS", ())
    return (*found, "random", "due") if found else ("random", "due")


@cache
def roles() -> tuple[str, ...]:
    return _feature_words("core.features.interview.options", "ROLES", TRACKS)


@cache
def difficulties() -> tuple[str, ...]:
    found = _feature_words("core.features.interview.options", "DIFFICULTIES", ())
    return found or _feature_words(
        "core.features.quiz.topics", "DIFFICULTIES", _FALLBACK_DIFFICULTIES
    )


@cache
def languages() -> tuple[str, ...]:
    return _feature_words("core.features.review.languages", "LANGUAGES", _FALLBACK_LANGUAGES)


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def remind_words() -> tuple[str, ...]:
    return ("on", "off", "07:30", "12:00", "19:00", "21:00")


def setting_values() -> tuple[str, ...]:
    return ("on", "off", *TRACKS, *EXPERIENCE_LEVELS, "UTC")


VOCABULARIES: dict[str, Callable[[], tuple[str, ...]]] = {
    "topic": topics,
    "role": roles,
    "difficulty": difficulties,
    "language": languages,
    "timezone": time_zones,
    "remind": remind_words,
    "setting": setting_values,
}


def suggest(vocabulary: str, typed: str) -> list[str]:
    """Up to 25 words: those starting with what was typed first, then those containing it."""
    words = VOCABULARIES[vocabulary]()
    needle = typed.strip().lower()
    starts = [word for word in words if word.lower().startswith(needle)]
    contains = [word for word in words if needle in word.lower() and word not in starts]
    return (starts + contains)[:AUTOCOMPLETE_LIMIT]
