"""Print, per quiz-bank topic, how guessable the stored options are.

A learner who always picks the longest option, or always the same letter, should do no better
than chance. This prints per topic: the number of questions, the share where the correct option
is strictly the longest (and the share where it is longest or tied for longest), and how the
stored position of the correct option is spread.

Usage: python scripts/quiz_bank_stats.py [TOPIC ...]
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.features.quiz.bank import load_bank
from core.features.quiz.schema import QuestionData


@dataclass(frozen=True)
class TopicStats:
    topic: str
    count: int
    longest: int  # correct option strictly longer than every other option
    longest_or_tied: int  # correct option at least as long as every other option
    shortest: int  # correct option strictly shorter than every other option
    positions: Counter[int]


def _lengths(question: QuestionData) -> tuple[int, list[int]]:
    """The correct option's length and the other options' lengths, in characters."""
    key = len(question.options[question.correct])
    others = [
        len(option) for index, option in enumerate(question.options) if index != question.correct
    ]
    return key, others


def key_is_longest(question: QuestionData, *, ties: bool) -> bool:
    """Whether the correct option is the longest one (by characters)."""
    key, others = _lengths(question)
    return key >= max(others) if ties else key > max(others)


def key_is_shortest(question: QuestionData) -> bool:
    """Whether the correct option is strictly the shortest one (by characters)."""
    key, others = _lengths(question)
    return key < min(others)


def topic_stats(questions: list[QuestionData]) -> list[TopicStats]:
    by_topic: dict[str, list[QuestionData]] = {}
    for question in questions:
        by_topic.setdefault(question.topic, []).append(question)
    return [
        TopicStats(
            topic=topic,
            count=len(group),
            longest=sum(key_is_longest(q, ties=False) for q in group),
            longest_or_tied=sum(key_is_longest(q, ties=True) for q in group),
            shortest=sum(key_is_shortest(q) for q in group),
            positions=Counter(q.correct for q in group),
        )
        for topic, group in sorted(by_topic.items())
    ]


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def main(argv: list[str]) -> int:
    wanted = set(argv)
    rows = [row for row in topic_stats(load_bank()) if not wanted or row.topic in wanted]
    print(
        f"{'topic':<18} {'count':>5} {'longest':>8} {'or tied':>8} {'shortest':>8}  correct position A/B/C/D"
    )
    for row in rows:
        spread = "/".join(str(row.positions.get(index, 0)) for index in range(4))
        extra = sum(n for index, n in row.positions.items() if index >= 4)
        if extra:
            spread += f" (+{extra} later)"
        print(
            f"{row.topic:<18} {row.count:>5} {_percent(row.longest, row.count):>8} "
            f"{_percent(row.longest_or_tied, row.count):>8} {_percent(row.shortest, row.count):>8}  {spread}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
