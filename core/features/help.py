"""/help: every command, generated from the registry so it never goes stale."""

from __future__ import annotations

from core.context import Context
from core.messages import Reply
from core.registry import command
from core.text import Doc, bold, code


@command("help", "What Dojo can do")
async def help_command(context: Context) -> list[Reply]:
    registry = context.services.registry
    assert registry is not None
    lines: list[object] = [
        (bold("Dojo"), ": practise for technical interviews, earn XP and keep your streak."),
    ]
    for spec in registry.listed_commands(include_admin=context.is_admin):
        lines.append((code(spec.usage or f"/{spec.name}"), f" · {spec.summary}"))
    if context.user.onboarding_step is not None:
        lines.append(("New here? Start with ", code("/start"), "."))
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]
