"""Offline review of languages Dojo cannot parse: structural heuristics, labelled as such."""

from __future__ import annotations

from core.features.review.findings import Finding
from core.features.review.text_checks import (
    deep_nesting,
    duplicated_lines,
    long_functions,
    long_lines,
    mixed_indentation,
    nesting_depths,
    todo_comments,
)

MAX_LINE = 120
MAX_DEPTH = 4
MAX_FUNCTION_LINES = 60
# Languages whose blocks are marked by indentation rather than braces.
_INDENTED = {"python", "yaml", "haskell", "fsharp", "nim", "coffeescript"}


def review_structure(code: str, language: str) -> list[Finding]:
    lines = code.splitlines()
    braces = language not in _INDENTED and "{" in code
    depths = nesting_depths(lines, braces)
    return [
        *deep_nesting(lines, depths, MAX_DEPTH),
        *long_functions(lines, depths, MAX_FUNCTION_LINES),
        *duplicated_lines(lines),
        *long_lines(lines, MAX_LINE),
        *todo_comments(lines),
        *mixed_indentation(lines),
    ]
