"""A pack's items checked with the bank's own rules (core.features.quiz.schema), each problem
named by its item number (from 1, as a moderator counts) and field.

All or nothing: `check_pack` returns the questions only when no item has a problem, so a file
with one bad item imports nothing and its author fixes everything in one round.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import UserError
from core.features.quiz.schema import QuestionData, parse_question, validate_question

# The fields of a bank question; `id` is optional in a pack (Dojo numbers its questions).
FIELDS = ("id", "topic", "difficulty", "question", "options", "correct", "explanation")
# A pack's name: what moderators type in /admin pack remove, so short and plain.
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,31}$")
# At most this many problems are listed; the rest are counted.
SHOWN_PROBLEMS = 15


@dataclass(frozen=True)
class CheckedPack:
    questions: tuple[QuestionData, ...]
    problems: tuple[str, ...]


def pack_name(text: str) -> str:
    """A pack's name as typed, lowercased, or a UserError saying what a name may be."""
    name = text.strip().lower()
    if not _NAME.match(name):
        raise UserError(
            f"'{text[:40]}' can't be a pack name: use 2 to 32 lowercase letters, digits and "
            "dashes, starting with a letter or digit (e.g. python-basics)."
        )
    return name


def _placeholder(position: int) -> str:
    return f"item-{position}"


def _item_problems(position: int, raw: Any) -> list[str]:
    if not isinstance(raw, dict):
        return [f"item {position}: a question must be a mapping of fields ({', '.join(FIELDS)})"]
    unknown = sorted(str(key) for key in raw if key not in FIELDS)
    problems = [f"item {position}: unknown field {key[:30]!r}" for key in unknown[:3]]
    if "correct" not in raw:
        problems.append(
            f"item {position}: correct is missing (the index of the right option, from 0)"
        )
    external = None if "id" in raw else _placeholder(position)
    problems.extend(
        f"item {position}: {error}"
        for error in validate_question(raw, external_id=external)
        if not (error.startswith("correct must") and "correct" not in raw)
    )
    return problems


def _duplicates(items: Sequence[Any]) -> list[str]:
    problems: list[str] = []
    questions: dict[str, int] = {}
    ids: dict[str, int] = {}
    for position, raw in enumerate(items, start=1):
        if not isinstance(raw, dict):
            continue
        text = raw.get("question")
        if isinstance(text, str) and text.strip():
            key = " ".join(text.casefold().split())
            if key in questions:
                problems.append(f"item {position}: question is the same as item {questions[key]}'s")
            questions.setdefault(key, position)
        identifier = raw.get("id")
        if isinstance(identifier, str):
            if identifier in ids:
                problems.append(
                    f"item {position}: id {identifier[:64]!r} is also item {ids[identifier]}'s"
                )
            ids.setdefault(identifier, position)
    return problems


def check_pack(items: Sequence[Any]) -> CheckedPack:
    """Every item's problems in order, duplicates last; the questions only when there are none."""
    problems: list[str] = []
    for position, raw in enumerate(items, start=1):
        problems.extend(_item_problems(position, raw))
    problems.extend(_duplicates(items))
    if problems:
        return CheckedPack((), tuple(problems))
    questions = []
    for position, raw in enumerate(items, start=1):
        external = str(raw["id"]) if "id" in raw else _placeholder(position)
        parsed = parse_question(raw, external_id=external)
        assert parsed is not None  # validated above
        questions.append(parsed)
    return CheckedPack(tuple(questions), ())


def problem_lines(problems: Sequence[str]) -> list[str]:
    """The problems a moderator is shown: the first SHOWN_PROBLEMS, then how many more."""
    shown = list(problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        shown.append(f"… and {len(problems) - SHOWN_PROBLEMS} more")
    return shown
