"""Whether the bank can be passed by test-taking tricks: per-topic length and position figures.

A learner who always picks the longest option, or always the same letter, should score about
chance. The stored position matters less now that options are shuffled when shown, but a bank
that puts every key first would still leak through any client that shows stored order.
The test (tests/test_quiz_fairness.py) counts a tie for longest as longest: a learner choosing
"one of the longest" gains from it too. scripts/quiz_bank_stats.py prints these figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from core.features.quiz.schema import QuestionData


@dataclass(frozen=True)
class TopicStats:
    topic: str
    count: int
    longest: int  # the key is strictly longer than every other option
    longest_or_tied: int  # the key is at least as long as every other option
    shortest: int  # the key is strictly shorter than every other option
    positions: Counter[int]  # stored index of the key -> questions
    length_ratio: float  # mean of len(key) / mean len(other options)

    @property
    def key_longest(self) -> float:
        """Share of questions whose key is (one of) the longest options."""
        return self.longest_or_tied / self.count

    @property
    def top_position(self) -> float:
        """Share of keys at the most common stored position."""
        return max(self.positions.values()) / self.count


def _stats(topic: str, questions: list[QuestionData]) -> TopicStats:
    longest = tied = shortest = 0
    ratios: list[float] = []
    for question in questions:
        key = len(question.options[question.correct])
        others = [len(o) for i, o in enumerate(question.options) if i != question.correct]
        longest += key > max(others)
        tied += key >= max(others)
        shortest += key < min(others)
        ratios.append(key / (sum(others) / len(others)))
    return TopicStats(
        topic=topic,
        count=len(questions),
        longest=longest,
        longest_or_tied=tied,
        shortest=shortest,
        positions=Counter(question.correct for question in questions),
        length_ratio=sum(ratios) / len(ratios),
    )


def topic_stats(questions: Iterable[QuestionData]) -> dict[str, TopicStats]:
    """The figures for every topic that has questions, by topic."""
    by_topic: dict[str, list[QuestionData]] = defaultdict(list)
    for question in questions:
        by_topic[question.topic].append(question)
    return {topic: _stats(topic, by_topic[topic]) for topic in sorted(by_topic)}
