"""The quiz topics and the short names learners type for them."""

from __future__ import annotations

from core.errors import UserError

TOPICS: tuple[str, ...] = (
    "python",
    "javascript",
    "sql",
    "data-structures",
    "algorithms",
    "system-design",
    "networking",
    "operating-systems",
    "git",
    "behavioural",
)
MIXED = "mixed"
DUE = "due"
DIFFICULTIES: tuple[str, ...] = ("junior", "mid", "senior")

_ALIASES: dict[str, str] = {
    "py": "python",
    "js": "javascript",
    "ecmascript": "javascript",
    "ds": "data-structures",
    "dsa": "data-structures",
    "datastructures": "data-structures",
    "algo": "algorithms",
    "algos": "algorithms",
    "algorithm": "algorithms",
    "sd": "system-design",
    "design": "system-design",
    "systemdesign": "system-design",
    "net": "networking",
    "network": "networking",
    "networks": "networking",
    "os": "operating-systems",
    "operatingsystems": "operating-systems",
    "vcs": "git",
    "behavioral": "behavioural",
    "behaviour": "behavioural",
    "behavior": "behavioural",
    "soft-skills": "behavioural",
    "random": MIXED,
    "mix": MIXED,
    "all": MIXED,
    "any": MIXED,
}


def topics_line() -> str:
    return ", ".join(TOPICS)


def resolve_topic(words: list[str]) -> str:
    """The canonical topic for what the learner typed (`ds`, `data structures`, `OS`...).

    Raises UserError with the list of topics when nothing matches.
    """
    if not words:
        return MIXED
    typed = "-".join(word.strip().lower() for word in words if word.strip())
    candidates = (typed, typed.replace("_", "-"), typed.replace("-", ""))
    for candidate in candidates:
        if candidate in TOPICS or candidate == MIXED:
            return candidate
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    shown = " ".join(words)[:30]
    raise UserError(
        f"I don't have a quiz topic called '{shown}'. Topics: {topics_line()} "
        "(or random for a mix, due for your reviews)."
    )
