"""The one list of feature modules: adding a feature is one line here, and nothing else.

Each module declares its commands, buttons and text handlers with `core.registry`'s decorators;
adapters build every platform's menus and forms from the registry, never from this list.
"""

from __future__ import annotations

from types import ModuleType

from core.features import (
    chat,
    help,
    leaderboard,
    link,
    onboarding,
    personal_data,
    preferences,
    profile,
    usage,
)
from core.features.admin import command as admin
from core.features.daily import answer as daily
from core.features.duels import handlers as duels
from core.features.interview import handlers as interview
from core.features.live import handlers as live
from core.features.quiz import handlers as quiz
from core.features.report import handlers as report
from core.features.review import handlers as review
from core.jobs import shortcuts
from core.registry import Registry

FEATURE_MODULES: tuple[ModuleType, ...] = (
    onboarding,
    help,
    profile,
    leaderboard,
    preferences,
    personal_data,
    chat,
    quiz,
    review,
    report,
    admin,
    link,
    shortcuts,
    interview,
    usage,
    live,
    duels,
    daily,
)


def build_registry(extra: tuple[ModuleType, ...] = ()) -> Registry:
    return Registry().add_modules((*FEATURE_MODULES, *extra))
