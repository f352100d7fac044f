"""What a learner chooses for an interview, and how typed arguments are understood.

Arguments may come in any order (`/interview senior backend tough system-design`): each word
is recognised by its vocabulary, and anything that is no role, level or persona is taken as a
focus area and must exist in the bank.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import UserError
from core.features.choices import TRACKS
from core.features.interview.bank import slug

ROLES = TRACKS
DIFFICULTIES = ("junior", "mid", "senior")
PERSONAS = ("friendly", "neutral", "tough")
ANY_FOCUS = "any"
USAGE = "For example: /interview backend senior system-design tough"
# Other spellings of focus areas; the same ones /quiz accepts for its topics, where they overlap.
FOCUS_ALIASES = {
    "behavioral": "behavioural",
    "behaviour": "behavioural",
    "behavior": "behavioural",
    "soft-skills": "behavioural",
    "sd": "system-design",
    "design": "system-design",
    "systemdesign": "system-design",
    "db": "databases",
    "database": "databases",
    "perf": "performance",
    "sec": "security",
    "tests": "testing",
    "test": "testing",
}
# A learner's experience level as the default interview difficulty.
DIFFICULTY_FOR_EXPERIENCE = {
    "student": "junior",
    "junior": "junior",
    "mid": "mid",
    "senior": "senior",
}


@dataclass(frozen=True)
class Setup:
    role: str
    difficulty: str
    focus: tuple[str, ...]
    persona: str

    @property
    def focus_label(self) -> str:
        return ", ".join(self.focus) if self.focus else "mixed"


def parse_setup(
    args: tuple[str, ...],
    known_focus: list[str],
    default_role: str | None,
    default_experience: str | None,
) -> Setup:
    role = difficulty = persona = None
    focus: list[str] = []
    words = [word for arg in args for word in arg.replace(",", " ").split()]
    for word in words:
        value = word.strip().lower()
        if value in ROLES and role is None:
            role = value
        elif value in DIFFICULTIES and difficulty is None:
            difficulty = value
        elif value in PERSONAS and persona is None:
            persona = value
        elif value in (ANY_FOCUS, "mixed"):
            continue
        elif (area := FOCUS_ALIASES.get(slug(value), slug(value))) in known_focus:
            if area not in focus:
                focus.append(area)
        else:
            shown = word[:30]
            areas = ", ".join(known_focus[:12]) or "none yet"
            raise UserError(
                f"'{shown}' is not a role, level, persona or focus area I know. Roles: "
                f"{', '.join(ROLES)}. Levels: {', '.join(DIFFICULTIES)}. Personas: "
                f"{', '.join(PERSONAS)}. Focus areas: {areas}. {USAGE}"
            )
    role = role or default_role
    if role is None:
        raise UserError(f"Which role? Choose one of: {', '.join(ROLES)}. {USAGE}")
    difficulty = difficulty or DIFFICULTY_FOR_EXPERIENCE.get(default_experience or "", "mid")
    return Setup(role, difficulty, tuple(focus[:4]), persona or "neutral")


def check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """A value from a button, which is untrusted data like any other input."""
    if value not in allowed:
        raise UserError(f"That {what} button has expired. Send /interview to start again.")
    return value
