"""The one place that wires every feature's handlers into a registry."""

from __future__ import annotations

from types import ModuleType

from core.features import (
    chat,
    help,
    leaderboard,
    onboarding,
    personal_data,
    preferences,
    profile,
)
from core.registry import Registry

FEATURE_MODULES: tuple[ModuleType, ...] = (
    onboarding,
    help,
    profile,
    leaderboard,
    preferences,
    personal_data,
    chat,
)


def build_registry(extra: tuple[ModuleType, ...] = ()) -> Registry:
    return Registry().add_modules((*FEATURE_MODULES, *extra))
