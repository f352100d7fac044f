"""/help: every command, generated from the registry so it never goes stale."""

from __future__ import annotations

from core.context import Context
from core.features.admin.awards import COMMUNITY_GRANT_PER_CALL, COMMUNITY_GRANT_PER_WEEK
from core.messages import Reply
from core.registry import command
from core.text import Doc, bold, code


def trust_summary() -> str:
    """What a moderator may do, shown to them with the command list (DESIGN §9)."""
    return (
        "Moderators act on this community only: /admin xp moves its board, never global XP "
        f"(at most {COMMUNITY_GRANT_PER_CALL:,} a call, {COMMUNITY_GRANT_PER_WEEK:,} a learner "
        "a week), and /admin ban holds here alone. Global XP, global bans, badges and AI "
        "budgets are the operators' (DOJO_ADMINS). Details: /admin help."
    )


@command("help", "What Dojo can do")
async def help_command(context: Context) -> list[Reply]:
    registry = context.services.registry
    assert registry is not None
    lines: list[object] = [
        (bold("Dojo"), ": practise for technical interviews, earn XP and keep your streak."),
    ]
    for spec in registry.listed_commands(include_admin=context.is_admin):
        lines.append((code(spec.usage or f"/{spec.name}"), f" · {spec.summary}"))
    if context.is_admin:
        lines.append(trust_summary())
    if context.user.onboarding_step is not None:
        lines.append(("New here? Start with ", code("/start"), "."))
    return [Reply(Doc.lines(*lines))]  # type: ignore[arg-type]
