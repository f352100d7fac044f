"""Offline scoring: deterministic rubric checks of answers against the bank's key points.

No model is involved, so the scores are honest about what they measure: which expected points
an answer mentions (by keywords), how it is structured, and how much substance it has. The
same transcript always gets the same report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.features.interview.bank import BankQuestion

SKILLS = (
    "communication",
    "code_quality",
    "requirements_gathering",
    "technical_depth",
    "problem_solving",
    "professionalism",
)
_CONNECTORS = (
    "because", "therefore", "so that", "first", "then", "finally", "however", "trade-off",
    "tradeoff", "for example", "e.g.", "instead", "which means", "alternatively", "if ",
)  # fmt: skip
_CLARIFYING = (
    "assum", "requirement", "clarif", "constraint", "depends", "it depends", "scale", "users",
    "?", "expected", "sla", "budget",
)  # fmt: skip
_CRAFT = (
    "test", "readab", "naming", "complexity", "o(", "refactor", "edge case", "error handling",
    "maintainab", "review", "`", "lint", "type",
)  # fmt: skip


@dataclass(frozen=True)
class AnswerScore:
    coverage: float  # share of key points mentioned (0-1); None-question answers use depth
    structure: float
    depth: float
    reasoning: float
    clarifying: float
    craft: float
    missed: tuple[str, ...]

    @property
    def score(self) -> int:
        return round(100 * (0.6 * self.coverage + 0.2 * self.structure + 0.2 * self.depth))


def _mentions(text: str, keyword: str) -> bool:
    if keyword[:1].isalnum():
        return re.search(r"(?<![a-z0-9])" + re.escape(keyword), text) is not None
    return keyword in text


def _share(text: str, signals: Sequence[str], enough: int) -> float:
    return min(1.0, sum(1 for signal in signals if signal in text) / enough)


def score_answer(question: BankQuestion | None, answer: str) -> AnswerScore:
    text = " ".join(answer.lower().split())
    words = len(text.split())
    sentences = len([part for part in re.split(r"[.!?\n]+", answer) if part.strip()])
    has_layout = bool(re.search(r"(^|\n)\s*([-*•]|\d+[.)])\s", answer)) or "\n\n" in answer
    structure = min(
        1.0,
        0.3 * min(sentences, 3) / 3
        + (0.3 if has_layout or sentences >= 4 else 0.0)
        + 0.4 * _share(text, _CONNECTORS, 3),
    )
    numbers = 0.2 if re.search(r"\d", text) else 0.0
    depth = min(1.0, min(words, 150) / 150 * 0.8 + numbers)
    missed: list[str] = []
    if question is None:
        coverage = depth * 0.7
    else:
        hit = 0
        for point in question.key_points:
            if any(_mentions(text, keyword) for keyword in point.keywords):
                hit += 1
            else:
                missed.append(point.point)
        coverage = hit / len(question.key_points)
    return AnswerScore(
        coverage=coverage,
        structure=structure,
        depth=depth,
        reasoning=_share(text, _CONNECTORS, 3),
        clarifying=_share(text, _CLARIFYING, 2),
        craft=_share(text, _CRAFT, 2),
        missed=tuple(missed),
    )


@dataclass(frozen=True)
class RubricResult:
    overall: int
    skills: dict[str, int]
    missed: tuple[str, ...]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score_interview(answers: Sequence[AnswerScore], skipped: int, hints: int) -> RubricResult:
    """Six skills and an overall score; a skipped question counts as a zero answer."""
    asked = len(answers) + skipped
    overall = round(sum(answer.score for answer in answers) / asked) if asked else 0

    def skill(pick: Sequence[float]) -> int:
        return round(100 * _mean(pick) * (len(answers) / asked if asked else 0))

    skills = {
        "communication": skill([a.structure for a in answers]),
        "code_quality": skill([0.5 * a.coverage + 0.5 * a.craft for a in answers]),
        "requirements_gathering": skill([0.4 * a.coverage + 0.6 * a.clarifying for a in answers]),
        "technical_depth": skill([0.7 * a.coverage + 0.3 * a.depth for a in answers]),
        "problem_solving": skill([0.5 * a.coverage + 0.5 * a.reasoning for a in answers]),
        "professionalism": _professionalism(answers, skipped, hints),
    }
    missed = tuple(point for answer in answers for point in answer.missed)
    return RubricResult(max(0, min(100, overall)), skills, missed)


def _professionalism(answers: Sequence[AnswerScore], skipped: int, hints: int) -> int:
    """Engagement: complete, organised answers; each skip or hint costs a little."""
    if not answers:
        return 0
    base = 40 + 60 * _mean([answer.structure for answer in answers])
    return max(0, min(100, round(base) - 15 * skipped - 5 * hints))
