"""How the offline interviewer speaks in each persona: the same questions, other words.

The persona never changes the grade (the online system prompt says the same of the model);
it changes the lead-in to questions and follow-ups, the probe a tough interviewer adds, and
the tone of the feedback after each answer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    next_question: str  # before a new main question, after the first
    follow_up: str  # before the bank's follow-up
    probe: str  # added after the follow-up question ("" for none)
    strong: str  # feedback opener when most points were covered
    partial: str  # ... when some were
    weak: str  # ... when few or none were
    skipped: str


VOICES = {
    "friendly": Voice(
        next_question="Thanks! Here's the next one.",
        follow_up="Nice, let's build on that.",
        probe="Take your time; /hint gives a nudge if you want one.",
        strong="Lovely answer: you hit nearly everything I was listening for.",
        partial="Good start! A few points are still worth adding next time.",
        weak="No worries, this one's tricky. Here's what a strong answer covers.",
        skipped="No problem, skipped. Let's keep going.",
    ),
    "neutral": Voice(
        next_question="Next question.",
        follow_up="Follow-up.",
        probe="",
        strong="Solid: most key points covered.",
        partial="Partly covered.",
        weak="Few of the key points came through.",
        skipped="Skipped.",
    ),
    "tough": Voice(
        next_question="Moving on. Be precise this time.",
        follow_up="Let's push on that.",
        probe="Be concrete: what breaks first, and how would you know?",
        strong="Acceptable: the key points are there. A panel would still probe the details.",
        partial="Not enough. A panel would press you on what you left out.",
        weak="That wouldn't pass. Here is what I was looking for.",
        skipped="Skipped. That counts as zero for this question.",
    ),
}


def voice_for(persona: str | None) -> Voice:
    return VOICES.get(persona or "neutral", VOICES["neutral"])
