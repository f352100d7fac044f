"""Online turns: one guarded model call per learner message.

Before calling, the session is marked pending and committed (no transaction stays open during
the call, and a second answer sent meanwhile is refused); the pending mark is cleared whatever
happens. The prompt is rebuilt from the stored transcript, so it is identical to the previous
turn's up to the new message and the cached transcript is re-read, not re-bought.
"""

from __future__ import annotations

from core.context import Context
from core.db.models import InterviewSession
from core.features.interview.prompts import (
    REPORT_SCHEMA,
    REPORT_TOOL,
    SYSTEM_PROMPT,
    TURN_SCHEMA,
    TURN_TOOL,
    setup_message,
    transcript_messages,
)
from core.ports import LLMMessage, LLMRequest, LLMResult, LLMUnavailable

TURN_LIMIT = 12  # learner turns (answers and skips) before the report is written


def build_request(session: InterviewSession, new_message: str, report: bool) -> LLMRequest:
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
    name, schema, other = (
        (REPORT_TOOL, REPORT_SCHEMA, (TURN_TOOL, TURN_SCHEMA))
        if report
        else (TURN_TOOL, TURN_SCHEMA, (REPORT_TOOL, REPORT_SCHEMA))
    )
    return LLMRequest(
        feature="interview",
        system=SYSTEM_PROMPT,
        messages=tuple(history),
        tool_name=name,
        tool_schema=schema,
        extra_tools=(other,),
        max_tokens=1500 if report else 600,
        cache_conversation=True,
    )


async def call_model(context: Context, session: InterviewSession, request: LLMRequest) -> LLMResult:
    """The model's answer; raises LLMUnavailable (with the pending mark cleared)."""
    gateway = context.services.ai
    if gateway is None:
        raise LLMUnavailable("no model configured")
    session.pending = True
    session.updated_at = context.now
    await context.checkpoint()
    try:
        return await gateway.complete(context.user.id, request)
    finally:
        session.pending = False


async def online_reason(context: Context) -> str | None:
    """Why this learner cannot use the model now ("no-key", "over-budget"), or None."""
    gateway = context.services.ai
    if gateway is None:
        return "no-key"
    allowance = await gateway.allowance(context.uow, context.user.id)
    return allowance.reason
