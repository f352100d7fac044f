"""The bank cannot be passed by test-taking tricks, topic by topic.

"Pick the longest option" and "pick the same letter every time" should both do about as well as
chance. The figures come from `core.features.quiz.bank_stats`; scripts/quiz_bank_stats.py prints
them for a maintainer.
"""

from __future__ import annotations

import pytest

from core.features.quiz.bank import load_bank
from core.features.quiz.bank_stats import TopicStats, topic_stats
from core.features.quiz.topics import TOPICS

MAX_KEY_LONGEST = 0.35  # chance is 25% with four options; ties for longest count as longest
MAX_TOP_POSITION = 0.40  # no stored position holds much more than its quarter of the keys


@pytest.fixture(scope="module")
def stats() -> dict[str, TopicStats]:
    return topic_stats(load_bank())


@pytest.mark.parametrize("topic", TOPICS)
def test_the_key_is_not_usually_the_longest_option(
    topic: str, stats: dict[str, TopicStats]
) -> None:
    figures = stats[topic]
    assert figures.key_longest <= MAX_KEY_LONGEST, figures


@pytest.mark.parametrize("topic", TOPICS)
def test_the_key_is_not_usually_in_one_stored_position(
    topic: str, stats: dict[str, TopicStats]
) -> None:
    figures = stats[topic]
    assert figures.top_position <= MAX_TOP_POSITION, figures


def test_every_topic_is_measured(stats: dict[str, TopicStats]) -> None:
    assert set(stats) == set(TOPICS)
