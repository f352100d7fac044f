"""Python function complexity and size from radon, the maintained metrics library.

Radon computes McCabe's cyclomatic complexity from the syntax tree (the code is not run). A flat
if/elif chain is reported as many decisions, which it is, never as deep nesting.
"""

from __future__ import annotations

from radon.complexity import cc_visit
from radon.visitors import Function

from core.features.review.findings import Finding

MAX_COMPLEXITY = 10
MAX_FUNCTION_LINES = 50


def functions(source: str) -> list[Function]:
    """Every function and method with its complexity (nested functions included)."""
    found: list[Function] = []
    pending = [block for block in cc_visit(source) if isinstance(block, Function)]
    while pending:
        function = pending.pop()
        found.append(function)
        pending.extend(function.closures)
    return sorted(found, key=lambda function: function.lineno)


def complexity_findings(source: str) -> list[Finding]:
    found: list[Finding] = []
    for function in functions(source):
        name = function.name
        if function.complexity > MAX_COMPLEXITY:
            found.append(
                Finding(
                    function.lineno,
                    "warning",
                    f"{name}() has cyclomatic complexity {function.complexity} (aim for "
                    f"{MAX_COMPLEXITY} or less)",
                    f"Split {name}() into smaller functions, each with one decision to make, "
                    "or replace a long if/elif chain with a lookup table.",
                    rank=3,
                )
            )
        length = function.endline - function.lineno + 1
        if length > MAX_FUNCTION_LINES:
            found.append(
                Finding(
                    function.lineno,
                    "warning",
                    f"{name}() is {length} lines long",
                    f"Extract the steps of {name}() into well-named helpers.",
                    rank=2,
                )
            )
    return found
