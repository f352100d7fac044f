"""What `/duel` was asked: the opponent as the learner named them, the topic and the count,
and the member that name stands for (never a stranger, never a guess)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.db.models import Community, User
from core.db.scope import Repositories
from core.errors import UserError
from core.features.quiz.topics import resolve_topic
from core.messages import Platform

DEFAULT_COUNT, MAX_COUNT = 5, 10
USAGE = "Usage: /duel [learner] [topic] [n], for example /duel @ada sql 5, or /duel for anyone."
_NUMBER = re.compile(r"^[+-]?\d+$")
_DISCORD_MENTION = re.compile(r"^<@!?(\d{1,20})>$")
_PLATFORMS = {str(platform) for platform in Platform}


@dataclass(frozen=True)
class DuelRequest:
    opponent: str | None  # as the learner named them: platform:id, #id or a display name
    topic: str
    count: int


def _learner_word(word: str, platform: Platform) -> str | None:
    """The word as a learner reference, if it is written as one (a mention, an id)."""
    mention = _DISCORD_MENTION.match(word)
    if mention:
        return f"{Platform.DISCORD}:{mention.group(1)}"
    if word.startswith("@") and len(word) > 1:
        return word[1:]
    if word.startswith("#") and word[1:].isdigit():
        return word
    prefix, _, rest = word.partition(":")
    if rest and prefix.lower() in _PLATFORMS:
        return word
    return None


def parse_request(args: tuple[str, ...], platform: Platform) -> DuelRequest:
    words = list(args)
    opponent = _learner_word(words[0], platform) if words else None
    if opponent is not None:
        words = words[1:]
    numbers = [word for word in words if _NUMBER.match(word)]
    rest = [word for word in words if not _NUMBER.match(word)]
    if len(numbers) > 1:
        raise UserError(f"Give one number of questions, not {len(numbers)}. {USAGE}")
    count = int(numbers[0][:6]) if numbers else DEFAULT_COUNT
    if not 1 <= count <= MAX_COUNT:
        raise UserError(f"A duel has 1 to {MAX_COUNT} questions, not {numbers[0][:10]}. {USAGE}")
    try:
        topic = resolve_topic(rest)
    except UserError:
        if opponent is not None or not rest:
            raise
        # `/duel Ada sql`: a plain first word that is no topic names the opponent.
        opponent, topic = rest[0], resolve_topic(rest[1:])
    return DuelRequest(opponent, topic, count)


async def opponent_named(uow: Repositories, community: Community, needle: str) -> User:
    """A member of this community Dojo knows, never a stranger, never a guess."""
    shown = needle[:40]
    found = await uow.users.find_all(needle, community_id=community.id, limit=3)
    if not found:
        raise UserError(
            f"I don't know a member called '{shown}' here: the opponent must be a member of "
            "this community who has talked to Dojo here. Name them by @mention, or /duel "
            "with no name for anyone."
        )
    if len(found) > 1:
        raise UserError(f"More than one member is called '{shown}': name them by @mention.")
    if found[0].banned:
        raise UserError(f"{found[0].display_name} can't duel here.")
    return found[0]
