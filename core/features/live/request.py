"""`/quiz live [topic] [n] [seconds]`: its words, its bounds and its usage line.

The bounds follow the platforms: Telegram closes a quiz poll by itself after `open_period`
(5-600 s), and a group takes 20 messages a minute; a question costs two messages (standings
with the next question's header, then the poll), so ten seconds a question stays within it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import UserError
from core.features.quiz.topics import resolve_topic

LIVE = "live"
MIN_COUNT, MAX_COUNT, DEFAULT_COUNT = 1, 20, 5
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 10, 120, 20
USAGE = (
    f"Usage: /quiz live [topic] [n] [seconds], for example /quiz live sql 5 20 "
    f"({MIN_COUNT}-{MAX_COUNT} questions, {MIN_SECONDS}-{MAX_SECONDS} seconds each)."
)
_NUMBER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class LiveRequest:
    topic: str  # a topic or quiz.topics.MIXED
    count: int
    seconds: int


def is_live(args: tuple[str, ...]) -> bool:
    """Whether a /quiz is a live round (its first word is `live`)."""
    return bool(args) and args[0].strip().lower() == LIVE


def parse_live(args: tuple[str, ...]) -> LiveRequest:
    """The words after `live`: a topic (any words), then up to two numbers: n, seconds."""
    words = [word for word in args[1:] if not _NUMBER.match(word)]
    numbers = [word for word in args[1:] if _NUMBER.match(word)]
    if len(numbers) > 2:
        raise UserError(f"Give at most two numbers (questions, seconds). {USAGE}")
    count = int(numbers[0]) if numbers else DEFAULT_COUNT
    seconds = int(numbers[1]) if len(numbers) > 1 else DEFAULT_SECONDS
    if not MIN_COUNT <= count <= MAX_COUNT:
        raise UserError(
            f"A live round has {MIN_COUNT} to {MAX_COUNT} questions, not {numbers[0][:10]}. {USAGE}"
        )
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise UserError(
            f"Each question is open {MIN_SECONDS} to {MAX_SECONDS} seconds, not "
            f"{numbers[1][:10]}. {USAGE}"
        )
    return LiveRequest(resolve_topic(words), count, seconds)
