"""One validator for every quiz question, bundled or generated.

The limits are Telegram's quiz-poll limits (DESIGN §7), so a question that passes can be sent
as a native poll anywhere without trimming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.features.quiz.topics import DIFFICULTIES, TOPICS

MAX_QUESTION = 300
MAX_OPTION = 100
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MAX_EXPLANATION = 200
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class QuestionData:
    external_id: str
    topic: str
    difficulty: str
    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str


def _text(raw: dict[str, Any], key: str, limit: int, errors: list[str]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{key} must be non-empty text")
        return ""
    if len(value) > limit:
        errors.append(f"{key} is {len(value)} characters (limit {limit})")
    return value.strip()


def _options(raw: dict[str, Any], errors: list[str]) -> tuple[str, ...]:
    value = raw.get("options")
    if not isinstance(value, list) or not MIN_OPTIONS <= len(value) <= MAX_OPTIONS:
        given = f", not {len(value)}" if isinstance(value, list) else ""
        errors.append(f"options must be a list of {MIN_OPTIONS}-{MAX_OPTIONS} texts{given}")
        return ()
    options: list[str] = []
    for index, option in enumerate(value):
        if not isinstance(option, str) or not option.strip():
            errors.append(f"option {index} must be non-empty text")
        elif len(option) > MAX_OPTION:
            errors.append(f"option {index} is {len(option)} characters (limit {MAX_OPTION})")
        else:
            options.append(option.strip())
    if len({option.casefold() for option in options}) != len(options):
        errors.append("options must be distinct")
    return tuple(options)


def validate_question(raw: object, *, external_id: str | None = None) -> list[str]:
    """Everything wrong with one question (empty when it is valid).

    `external_id` replaces the `id` field for generated questions, which have none yet.
    """
    if not isinstance(raw, dict):
        return ["a question must be an object"]
    errors: list[str] = []
    identifier = external_id if external_id is not None else raw.get("id")
    if not isinstance(identifier, str) or not _ID.match(identifier):
        errors.append("id must be lowercase letters, digits and dashes (at most 64)")
    if raw.get("topic") not in TOPICS:
        errors.append(f"topic must be one of {', '.join(TOPICS)}")
    if raw.get("difficulty") not in DIFFICULTIES:
        errors.append(f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    _text(raw, "question", MAX_QUESTION, errors)
    _text(raw, "explanation", MAX_EXPLANATION, errors)
    options = _options(raw, errors)
    correct = raw.get("correct")
    # Exactly one correct answer: a single index (a list or a bool is not one).
    if isinstance(correct, bool) or not isinstance(correct, int):
        errors.append("correct must be the index of the one correct option")
    elif options and not 0 <= correct < len(options):
        errors.append(f"correct index {correct} is outside the {len(options)} options")
    return errors


def parse_question(raw: object, *, external_id: str | None = None) -> QuestionData | None:
    """A valid question as data, or None when `validate_question` finds anything wrong."""
    if validate_question(raw, external_id=external_id):
        return None
    assert isinstance(raw, dict)
    return QuestionData(
        external_id=external_id if external_id is not None else raw["id"],
        topic=raw["topic"],
        difficulty=raw["difficulty"],
        question=raw["question"].strip(),
        options=tuple(option.strip() for option in raw["options"]),
        correct=raw["correct"],
        explanation=raw["explanation"].strip(),
    )
