"""The offline review: deterministic static analysis, honest about what it can and cannot see.

Python gets pyflakes, bandit and radon; a dozen other languages a real tree-sitter parse. What
is not code (prose in a fence) and languages Dojo cannot parse are not reviewed at all: one
line says why, with no score and no XP. Approval needs substance: a handful of statements and
no blocking finding; the top of the scale (95+, the Perfectionist badge) a substantial program.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass

from core.features.review.findings import (
    MAX_SHOWN,
    Finding,
    ReviewResult,
    offline_score,
    ordered,
    suggestion_for,
)
from core.features.review.grammars import GRAMMARS, SUPPORTED, parse
from core.features.review.prose import reads_as_prose
from core.features.review.python_checks import review_python
from core.features.review.text_checks import duplicated_lines, long_lines, mixed_indentation
from core.features.review.tree_checks import review_tree

MIN_STATEMENTS = 5
TRIVIAL_CEILING = 60
SUBSTANTIAL_STATEMENTS = 20
BELOW_TOP = 94
# Without name resolution or a security linter, an offline score never claims near-perfection.
TREE_CEILING = 90
MAX_LINE = 120
PYTHON_METHOD = (
    "static analysis, code not run: syntax, pyflakes (undefined and unused names), bandit "
    "(security), radon (complexity), resource handling, exception handling and style"
)
NOT_CODE = (
    "That reads as prose, not code, so there is nothing to review: no score and no XP. Send "
    "the code itself in a fenced block (```python ... ```)."
)


@dataclass(frozen=True)
class _Analysis:
    findings: list[Finding]
    parse_failed: bool
    statements: int
    method: str


def _parses(code: str, language: str) -> bool | None:
    """Whether the language's parser accepts the code; None when Dojo has no parser for it
    that can tell (shell accepts any words as commands)."""
    if language == "python":
        try:
            ast.parse(textwrap.dedent(code))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
        return True
    if language in GRAMMARS and language != "shell":
        return not parse(code, language).root_node.has_error
    return None


def not_code_reason(code: str, language: str) -> str | None:
    """The line to send instead of a review when the text is not code, else None."""
    if not reads_as_prose(code, language):
        return None
    return NOT_CODE if _parses(code, language) is not True else None


def unsupported_reason(language: str) -> str | None:
    """The line to send when Dojo cannot review this language offline, else None."""
    if language in SUPPORTED:
        return None
    supported = ", ".join(SUPPORTED)
    named = (
        "I could not tell which language this is"
        if language == "text"
        else f"The offline reviewer cannot parse {language}"
    )
    return (
        f"{named}, so this code was not reviewed: no score and no XP. Offline I review "
        f"{supported}: tag the fence with one (```go), or ask again when the AI reviewer is "
        "available."
    )


def _analyse(code: str, language: str) -> _Analysis:
    if language == "python":
        python = review_python(code)
        return _Analysis(python.findings, python.parse_failed, python.statements, PYTHON_METHOD)
    tree = review_tree(code, language)
    lines = code.splitlines()
    text = [*duplicated_lines(lines), *long_lines(lines, MAX_LINE), *mixed_indentation(lines)]
    method = f"{tree.checks}; the score tops out at {TREE_CEILING}"
    return _Analysis([*tree.findings, *text], tree.parse_failed, tree.statements, method)


def offline_review(code: str, language: str, notes: tuple[str, ...] = ()) -> ReviewResult:
    """Review code in a supported language (check unsupported_reason first)."""
    if language not in SUPPORTED:
        raise ValueError(f"no offline reviewer for {language}")
    analysis = _analyse(code, language)
    findings = ordered(analysis.findings)
    score = offline_score(findings, parse_failed=analysis.parse_failed)
    extra: list[str] = []
    if language != "python":
        score = min(score, TREE_CEILING)
    if not analysis.parse_failed and analysis.statements < MIN_STATEMENTS:
        score = min(score, TRIVIAL_CEILING)
        plural = "" if analysis.statements == 1 else "s"
        extra.append(
            f"Only {analysis.statements} statement{plural}: too little code to judge, so it "
            f"cannot be approved (approval needs at least {MIN_STATEMENTS})."
        )
    elif analysis.statements < SUBSTANTIAL_STATEMENTS and score > BELOW_TOP:
        score = BELOW_TOP
        extra.append(
            f"Scores of 95 and up need a substantial program ({SUBSTANTIAL_STATEMENTS}+ "
            f"statements; this has {analysis.statements})."
        )
    if analysis.parse_failed:
        summary = "The code does not parse, so it cannot run as written."
    elif any(finding.severity == "error" for finding in findings):
        summary = "Blocked: fix the errors marked ⛔ before this can be approved."
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
        method=analysis.method,
        notes=(*notes, *extra),
    )
