"""/usage: what a learner has spent on AI this month, what is left, and which mode they are in."""

from __future__ import annotations

from decimal import ROUND_FLOOR

from core.context import QuickContext
from core.kinds import Kind
from core.messages import Reply
from core.registry import command
from core.text import Doc, bold, italic
from core.wording import dollars

_OFFLINE_WHY = {
    "no-key": "no AI model is configured on this Dojo",
    "over-budget": "this month's budget is used up",
}


@command(
    "usage",
    "Your AI usage this month and what is left",
    personal=True,
    private=True,
    kind=Kind.QUICK,
)
async def usage(context: QuickContext) -> list[Reply]:
    gateway = context.services.ai
    if gateway is None:
        return [
            Reply(
                Doc.of("Mode: ", bold("offline"), " (no AI model is configured)."), ephemeral=True
            )
        ]
    allowance = await gateway.allowance(context.uow, context.user.id)
    resets = f"{allowance.resets_on.day} {allowance.resets_on:%B %Y}"
    if allowance.online:
        mode: list[object] = [bold("online"), " (Claude)"]
    else:
        why = _OFFLINE_WHY.get(allowance.reason or "", "the AI is unavailable")
        mode = [
            bold("offline"),
            f" ({why}): the question bank, key-point coverage and static analysis",
        ]
    held = allowance.reserved
    lines = Doc.lines(
        bold("🤖 AI usage this month"),
        f"Spent: {dollars(allowance.spent)} of {dollars(allowance.limit)}",
        *([f"Reserved for calls in progress: {dollars(held)}"] if held else []),
        f"Left: {dollars(allowance.left, ROUND_FLOOR)}",
        f"Resets on: {resets}",
        ("Mode: ", *mode),  # type: ignore[arg-type]
        italic(
            "Interviews, reviews and generated quizzes use the budget; offline mode is free. "
            "Each AI call first reserves the most it could cost; one that would not fit in "
            "what is left runs offline instead."
        ),
    )
    return [Reply(lines, ephemeral=True)]
