"""The offline review: deterministic static analysis, honest about what it can and cannot see."""

from __future__ import annotations

from core.features.review.findings import (
    MAX_SHOWN,
    ReviewResult,
    offline_score,
    ordered,
    suggestion_for,
)
from core.features.review.heuristics import review_structure
from core.features.review.python_checks import review_python

HEURISTIC_CEILING = 90
PYTHON_METHOD = "static analysis: syntax check, pyflakes, complexity and style; code not run"


def offline_review(code: str, language: str, notes: tuple[str, ...] = ()) -> ReviewResult:
    if language == "python":
        findings, parse_failed = review_python(code)
        method = PYTHON_METHOD
    else:
        findings, parse_failed = review_structure(code, language), False
        method = (
            f"structural heuristics only for {language} (line length, nesting, long functions, "
            "duplication, TODOs): no parser, so real bugs can go unnoticed, and the score "
            f"tops out at {HEURISTIC_CEILING}"
        )
    findings = ordered(findings)
    score = offline_score(findings, parse_failed=parse_failed)
    if language != "python":
        # Heuristics cannot see correctness, so they never claim a near-perfect score.
        score = min(score, HEURISTIC_CEILING)
    if parse_failed:
        summary = "The code does not parse, so it cannot run as written."
    elif not findings:
        summary = "No problems found by the offline checks."
    else:
        summary = f"{len(findings)} thing{'s' if len(findings) > 1 else ''} to look at."
    return ReviewResult(
        score=score,
        findings=tuple(findings[:MAX_SHOWN]),
        suggestion=suggestion_for(findings),
        summary=summary,
        model="offline",
        method=method,
        notes=notes,
    )
