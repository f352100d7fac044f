"""Findings and the score they add up to: shared by the offline analysers and the model path."""

from __future__ import annotations

from dataclasses import dataclass, field

APPROVAL_SCORE = 70
SEVERITIES = ("error", "warning", "info")
_PENALTY = {"error": 20, "warning": 6, "info": 2}
# Many small remarks should not sink otherwise sound code.
_CAP = {"error": 100, "warning": 48, "info": 12}
MAX_SHOWN = 12
# An error (a syntax error, an undefined name, a definite bug, a serious security hole) blocks
# approval: it keeps the score under 70, so the XP rule and the badges, which read the score,
# agree with the verdict.
BLOCKED_CEILING = 55
PARSE_FAILED_CEILING = 40


@dataclass(frozen=True)
class Finding:
    line: int
    severity: str  # error (blocks approval) | warning | info
    message: str
    # What to do about it, offered as the suggested improvement when this finding leads.
    hint: str = ""
    # Importance within a severity, higher first: a swallowed exception outranks an unused import.
    rank: int = 0


@dataclass(frozen=True)
class ReviewResult:
    score: int
    findings: tuple[Finding, ...]
    suggestion: str
    summary: str = ""
    model: str = "offline"
    # For offline reviews: what kind of analysis ran, said plainly to the learner.
    method: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def approved(self) -> bool:
        return self.score >= APPROVAL_SCORE

    @property
    def offline(self) -> bool:
        return self.model == "offline"


def ordered(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then the most important, then by line."""
    return sorted(
        findings, key=lambda f: (SEVERITIES.index(f.severity), -f.rank, f.line, f.message)
    )


def offline_score(findings: list[Finding], *, parse_failed: bool = False) -> int:
    """100 minus capped penalties per severity; an error keeps it under approval and code that
    does not parse scores 40 at most."""
    totals = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        totals[finding.severity] += _PENALTY[finding.severity]
    score = 100 - sum(min(totals[level], _CAP[level]) for level in SEVERITIES)
    if totals["error"]:
        score = min(score, BLOCKED_CEILING)
    if parse_failed:
        score = min(score, PARSE_FAILED_CEILING)
    return max(0, min(100, score))


DEFAULT_SUGGESTION = (
    "Add a few unit tests for the edge cases (empty input, bad input, large input): they "
    "document the intent and protect the next change."
)


def suggestion_for(findings: list[Finding]) -> str:
    for finding in ordered(findings):
        if finding.hint:
            return finding.hint
    return DEFAULT_SUGGESTION
