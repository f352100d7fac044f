"""How a review reads: verdict, findings by line, one suggestion, and the offline label."""

from __future__ import annotations

from core.features.review.findings import APPROVAL_SCORE, ReviewResult
from core.messages import Reply
from core.text import Doc, Span, bold, code, italic

_ICONS = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}


REPEAT = (
    "No XP: you had this same code reviewed before (layout and comments aside), and the same "
    "code earns once."
)


def review_reply(
    result: ReviewResult, language: str, earned: str, *, repeat: bool = False
) -> Reply:
    """`earned`: the review's XP and why (core.xp_note)."""
    verdict = "✅ Approved" if result.approved else "🛠️ Changes needed"
    lines: list[object] = [
        ("🔍 ", bold(f"Code review ({language})"), f": {result.score}/100 · ", bold(verdict)),
    ]
    if result.offline:
        lines.append(italic(f"Offline review: {result.method}."))
    lines.extend(italic(note) for note in result.notes)
    if result.summary:
        lines.append(result.summary)
    if result.findings:
        lines.append(bold("Findings"))
        for finding in result.findings:
            icon = _ICONS.get(finding.severity, "•")
            pieces: list[Span | str] = [
                f"{icon} ",
                code(f"line {finding.line}"),
                f" {finding.severity}: {finding.message}",
            ]
            lines.append(tuple(pieces))
    lines.append(("💡 ", bold("Suggested improvement: "), result.suggestion))
    if repeat:
        lines.append(REPEAT)
    else:
        approval = "" if result.approved else f" (approval at {APPROVAL_SCORE}+ earns 30 more)"
        lines.append(f"{earned}{approval}" if earned else approval.strip(" ()").capitalize())
    return Reply(Doc.lines(*lines))  # type: ignore[arg-type]
