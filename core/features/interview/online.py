"""Online turns: one guarded model call per learner message.

Before calling, the session is marked pending and committed (no transaction stays open during
the call, and a second answer sent meanwhile is refused); the pending mark is cleared whatever
happens. The prompt is rebuilt from the stored transcript, so it is identical to the previous
turn's up to the new message and the cached transcript is re-read, not re-bought. Every step
sends the same schema and differs only in the new message, its local check and `max_tokens`,
which is set per step to a little above what the instructions ask for: long enough that a
well-behaved answer is never cut short (a cut answer is malformed and paid for twice), short
enough that a rambling one cannot run up the bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.context import Context
from core.db.models import InterviewSession
from core.features.interview.prompts import (
    HINT_CHECK,
    INTERVIEW_SCHEMA,
    REPORT_CHECK,
    SYSTEM_PROMPT,
    TURN_CHECK,
    setup_message,
    transcript_messages,
)
from core.ports import LLMMessage, LLMRequest, LLMResult, LLMUnavailable

TURN_LIMIT = 12  # learner turns (answers and skips) before the report is written


@dataclass(frozen=True)
class Step:
    check: dict[str, Any]
    max_tokens: int


# A question is at most about 60 words (~100 tokens with the JSON around it); a hint is one
# sentence; a report is up to 12 short points, six scores and a summary (~600 tokens).
TURN = Step(TURN_CHECK, 350)
HINT = Step(HINT_CHECK, 150)
REPORT = Step(REPORT_CHECK, 1200)


def build_request(session: InterviewSession, new_message: str, step: Step) -> LLMRequest:
    setup = setup_message(
        session.role,
        session.difficulty,
        ", ".join(session.focus_areas or ()) or "mixed",
        session.persona,
    )
    history = transcript_messages(setup, list(session.transcript or []))
    if history[-1].role == "user":  # the first call: the setup message is the new part
        history[-1] = LLMMessage("user", f"{history[-1].content}\n{new_message}".strip())
    else:
        history.append(LLMMessage("user", new_message))
    return LLMRequest(
        feature="interview",
        system=SYSTEM_PROMPT,
        messages=tuple(history),
        schema=INTERVIEW_SCHEMA,
        check=step.check,
        max_tokens=step.max_tokens,
        cache_conversation=True,
    )


async def call_model(context: Context, session: InterviewSession, request: LLMRequest) -> LLMResult:
    """The model's answer; raises LLMUnavailable (with the pending mark cleared)."""
    gateway = context.services.ai
    if gateway is None:
        raise LLMUnavailable("no model configured")
    session.pending = True
    session.updated_at = context.now
    try:  # the gateway commits the pending mark before it calls
        return await gateway.complete(context, request)
    finally:
        session.pending = False


async def online_reason(context: Context) -> str | None:
    """Why this learner cannot use the model now ("no-key", "over-budget"), or None."""
    gateway = context.services.ai
    if gateway is None:
        return "no-key"
    allowance = await gateway.allowance(context.uow, context.user.id)
    return allowance.reason
