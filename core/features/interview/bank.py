"""The bundled interview question bank used offline (core/content/interview_bank.json).

Each entry: id, roles, difficulty, focus, question, hint, follow_up, key points and optional
misconceptions. A key point is a claim a strong answer makes, with the concepts (whole words
or phrases, synonyms listed) that show it was made: `concepts` earn the point when the answer
affirms them, `rejects` earn it when the answer rejects them ("never store tokens in
localStorage") and cost when it recommends them. A misconception costs when it is affirmed.
Entries that break the format are logged and skipped, so one bad entry never takes offline
interviews down.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.features.interview.matching import FUNCTION_WORDS, words_of

log = logging.getLogger(__name__)

BANK_PATH = Path(__file__).resolve().parents[2] / "content" / "interview_bank.json"
ANY_ROLE = frozenset({"any", "all"})
DIFFICULTY_ORDER = ("junior", "mid", "senior")


def slug(text: str) -> str:
    """A focus area as a short, button-safe word (`System Design` -> `system-design`)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24]


Phrase = tuple[str, ...]  # the stems of one concept phrase
_SMALL = frozenset(words_of(" ".join(FUNCTION_WORDS)))


def phrases(concepts: Sequence[str]) -> tuple[Phrase, ...]:
    """Each concept as stems; a phrase of several words also matches written as one word
    ("local storage" finds "localStorage", "http-only" finds "HttpOnly")."""
    found: list[Phrase] = []
    for concept in concepts:
        stems = tuple(words_of(concept))
        variants = [stems]
        if len(stems) > 1:
            variants.append(tuple(words_of(re.sub(r"[^a-z0-9]", "", concept.lower()))))
        for variant in variants:
            if variant and variant not in found:
                found.append(variant)
    return tuple(found)


# A point that is itself an avoidance ("Avoid I/O on the main thread", "Keep the main thread
# free") is made by an answer that names its concepts in a denial too ("nothing heavy on the
# main thread").
_AVOIDANCE = re.compile(r"\b(avoid|no|not|never|without|free|instead|don't|nothing|fewer)\b", re.I)


@dataclass(frozen=True)
class KeyPoint:
    point: str
    concepts: tuple[Phrase, ...] = ()  # affirmed: the point is made
    rejects: tuple[Phrase, ...] = ()  # rejected: the point is made; recommended: a mistake
    mistake: str = ""  # what recommending a rejected concept means, for the feedback

    @property
    def own_words(self) -> tuple[Phrase, ...]:
        """The point's own content words, as extra single-word concepts: a plain-words answer
        often says the point the way the point is written."""
        known = {phrase for phrase in self.concepts}
        words = [(word,) for word in words_of(self.point) if len(word) > 3 and word not in _SMALL]
        return tuple(dict.fromkeys(phrase for phrase in words if phrase not in known))

    @property
    def avoidance(self) -> bool:
        return bool(_AVOIDANCE.search(self.point))


@dataclass(frozen=True)
class Misconception:
    claim: str
    concepts: tuple[Phrase, ...]


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
    misconceptions: tuple[Misconception, ...] = ()
    specific: frozenset[str] = frozenset()  # its concept words that are rare in the bank

    @property
    def outline(self) -> str:
        """A short model outline of a strong answer: its claims in order."""
        return "; ".join(point.point for point in self.key_points) + "."

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
    points = [_key_point(raw) for raw in entry.get("key_points") or []]
    if not points:
        raise ValueError("at least one key point is needed")
    misconceptions = []
    for raw in entry.get("misconceptions") or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("claim"), str):
            raise ValueError("each misconception needs a claim and concepts")
        misconceptions.append(Misconception(raw["claim"], phrases(_texts(raw, "concepts"))))
        if not misconceptions[-1].concepts:
            raise ValueError("each misconception needs a claim and concepts")
    return BankQuestion(
        id=entry["id"],
        roles=frozenset(role.lower() for role in roles),
        difficulty=entry["difficulty"].lower(),
        focus=slug(entry["focus"]),
        question=entry["question"].strip(),
        hint=str(entry.get("hint") or "").strip(),
        follow_up=str(entry.get("follow_up") or "").strip(),
        key_points=tuple(points),
        misconceptions=tuple(misconceptions),
    )


def _texts(raw: dict[str, Any], name: str) -> list[str]:
    values = raw.get(name) or []
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ValueError(f"{name} must be a list of text")
    return values


def _key_point(raw: Any) -> KeyPoint:
    if not isinstance(raw, dict) or not isinstance(raw.get("point"), str):
        raise ValueError("each key point needs a point and concepts")
    concepts = phrases(_texts(raw, "concepts"))
    rejects = phrases(_texts(raw, "rejects"))
    if not concepts and not rejects:
        raise ValueError("each key point needs a point and concepts")
    return KeyPoint(raw["point"], concepts, rejects, str(raw.get("mistake") or raw["point"]))


RARE_IN = 3  # a word in at most this many questions is specific evidence on its own


def _vocabulary(question: BankQuestion) -> set[str]:
    texts = [question.question, question.hint, question.follow_up]
    texts += [point.point for point in question.key_points]
    words = {word for text in texts for word in words_of(text)}
    for point in question.key_points:
        words.update(word for phrase in point.concepts for word in phrase)
    return words


def with_specific_words(questions: Sequence[BankQuestion]) -> list[BankQuestion]:
    """Mark each question's rare concept words: a word that few questions of the bank use
    ("selectivity", "tombstone") shows a point by itself, a common one ("server") does not."""
    counts: dict[str, int] = {}
    vocabularies = [_vocabulary(question) for question in questions]
    for words in vocabularies:
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    marked = []
    for question in questions:
        own = {phrase[0] for p in question.key_points for phrase in p.concepts if len(phrase) == 1}
        rare = frozenset(word for word in own if counts.get(word, 0) <= RARE_IN)
        marked.append(replace(question, specific=rare))
    return marked


class InterviewBank:
    def __init__(self, questions: Sequence[BankQuestion]) -> None:
        self.questions = tuple(with_specific_words(questions))
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
