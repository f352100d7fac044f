"""The bundled interview question bank used offline (core/content/interview_bank.json).

Each entry: id, roles, difficulty, focus, question, hint, follow_up and key points with the
keywords that show a point was covered. Entries that break the format are logged and skipped,
so one bad entry never takes offline interviews down.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BANK_PATH = Path(__file__).resolve().parents[2] / "content" / "interview_bank.json"
ANY_ROLE = frozenset({"any", "all"})
DIFFICULTY_ORDER = ("junior", "mid", "senior")


def slug(text: str) -> str:
    """A focus area as a short, button-safe word (`System Design` -> `system-design`)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24]


@dataclass(frozen=True)
class KeyPoint:
    point: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class BankQuestion:
    id: str
    roles: frozenset[str]
    difficulty: str
    focus: str
    question: str
    hint: str
    follow_up: str
    key_points: tuple[KeyPoint, ...]

    def fits_role(self, role: str) -> bool:
        return role in self.roles or bool(self.roles & ANY_ROLE)


def parse_entry(entry: Any) -> BankQuestion:
    """One raw entry as a question; ValueError says what is wrong with it."""
    if not isinstance(entry, dict):
        raise ValueError("entry is not an object")
    text_fields = ("id", "difficulty", "focus", "question")
    for name in text_fields:
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise ValueError(f"{name} must be non-empty text")
    roles = entry.get("roles")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise ValueError("roles must be a non-empty list of text")
    points = []
    for raw in entry.get("key_points") or []:
        keywords = raw.get("keywords") if isinstance(raw, dict) else None
        if not isinstance(keywords, list) or not keywords or not isinstance(raw.get("point"), str):
            raise ValueError("each key point needs a point and keywords")
        points.append(KeyPoint(raw["point"], tuple(str(word).lower() for word in keywords)))
    if not points:
        raise ValueError("at least one key point is needed")
    return BankQuestion(
        id=entry["id"],
        roles=frozenset(role.lower() for role in roles),
        difficulty=entry["difficulty"].lower(),
        focus=slug(entry["focus"]),
        question=entry["question"].strip(),
        hint=str(entry.get("hint") or "").strip(),
        follow_up=str(entry.get("follow_up") or "").strip(),
        key_points=tuple(points),
    )


class InterviewBank:
    def __init__(self, questions: Sequence[BankQuestion]) -> None:
        self.questions = tuple(questions)
        self.by_id = {question.id: question for question in self.questions}

    @classmethod
    def load(cls, path: Path = BANK_PATH) -> InterviewBank:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            log.error("interview bank unreadable at %s: %s", path, error)
            return cls(())
        questions = []
        for position, entry in enumerate(entries if isinstance(entries, list) else []):
            try:
                questions.append(parse_entry(entry))
            except ValueError as error:
                log.warning("interview bank entry %d skipped: %s", position, error)
        return cls(questions)

    def focus_areas(self, role: str | None = None) -> list[str]:
        return sorted({q.focus for q in self.questions if role is None or q.fits_role(role)})

    def pick(
        self, role: str, difficulty: str, focus: Sequence[str], count: int, seed: str
    ) -> list[BankQuestion]:
        """Up to `count` questions, closest fit first, in an order fixed by `seed`.

        Exact matches come first; then the focus is relaxed, then neighbouring difficulties,
        so a narrow choice still gets a full interview.
        """
        shuffler = random.Random(seed)
        wanted = set(focus)

        def rank(question: BankQuestion) -> tuple[int, int]:
            off_focus = 0 if not wanted or question.focus in wanted else 1
            distance = _difficulty_distance(question.difficulty, difficulty)
            return (distance, off_focus) if not wanted else (off_focus, distance)

        fitting = [q for q in self.questions if q.fits_role(role)]
        shuffler.shuffle(fitting)
        fitting.sort(key=rank)
        return fitting[:count]


def _difficulty_distance(have: str, want: str) -> int:
    if have not in DIFFICULTY_ORDER or want not in DIFFICULTY_ORDER:
        return 0 if have == want else 3
    return abs(DIFFICULTY_ORDER.index(have) - DIFFICULTY_ORDER.index(want))
