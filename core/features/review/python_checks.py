"""Offline review of Python: syntax, pyflakes findings, complexity, size and habits.

The source is parsed to a tree and inspected; it is never compiled to bytecode or executed.
"""

from __future__ import annotations

import ast

from pyflakes import checker, messages

from core.features.review.complexity import cyclomatic, deepest_nesting, functions
from core.features.review.findings import Finding
from core.features.review.text_checks import long_lines, todo_comments

MAX_COMPLEXITY = 10
MAX_FUNCTION_LINES = 50
MAX_NESTING = 4
_ERRORS = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)


def parse(code: str) -> ast.Module | Finding:
    """The syntax tree, or a finding that says why the code does not parse."""
    try:
        return ast.parse(code, filename="submission.py", mode="exec", type_comments=False)
    except SyntaxError as error:
        line = error.lineno or 1
        return Finding(
            line,
            "error",
            f"Syntax error: {error.msg}",
            f"Fix the syntax error on line {line} first: nothing else can run until it parses.",
        )
    except (ValueError, RecursionError, MemoryError):
        return Finding(1, "error", "The code could not be parsed (too deeply nested or invalid).")


def _pyflakes(tree: ast.Module) -> list[Finding]:
    found: list[Finding] = []
    for message in checker.Checker(tree, filename="submission.py").messages:
        text = message.message % message.message_args
        if isinstance(message, _ERRORS):
            found.append(
                Finding(message.lineno, "error", text, "Define or import every name you use.")
            )
        else:
            hint = f"Tidy up line {message.lineno}: {text}."
            found.append(Finding(message.lineno, "warning", text, hint))
    return found


def _function_findings(tree: ast.Module) -> list[Finding]:
    found: list[Finding] = []
    for function in functions(tree):
        name = function.name
        complexity = cyclomatic(function)
        if complexity > MAX_COMPLEXITY:
            found.append(
                Finding(
                    function.lineno,
                    "warning",
                    f"{name}() has cyclomatic complexity {complexity} (aim for {MAX_COMPLEXITY} "
                    "or less)",
                    f"Split {name}() into smaller functions, each with one decision to make.",
                )
            )
        length = (function.end_lineno or function.lineno) - function.lineno + 1
        if length > MAX_FUNCTION_LINES:
            found.append(
                Finding(
                    function.lineno,
                    "warning",
                    f"{name}() is {length} lines long",
                    f"Extract the steps of {name}() into well-named helpers.",
                )
            )
        depth, line = deepest_nesting(function)
        if depth > MAX_NESTING:
            found.append(
                Finding(
                    line,
                    "warning",
                    f"Blocks nested {depth} deep in {name}()",
                    "Return early (guard clauses) to flatten the nesting.",
                )
            )
        for default in function.args.defaults + function.args.kw_defaults:
            if isinstance(default, ast.List | ast.Dict | ast.Set):
                found.append(
                    Finding(
                        default.lineno,
                        "warning",
                        f"Mutable default argument in {name}(): it is shared between calls",
                        "Default to None and create the list or dict inside the function.",
                    )
                )
    return found


def _undocumented(node: ast.AST) -> bool:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return False
    return not node.name.startswith("_") and ast.get_docstring(node) is None


def _habits(tree: ast.Module) -> list[Finding]:
    found: list[Finding] = []
    missing_docs = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is None:
            found.append(
                Finding(
                    node.lineno,
                    "warning",
                    "Bare except: catches everything, even KeyboardInterrupt",
                    "Catch the specific exceptions you expect (except ValueError:).",
                )
            )
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("eval", "exec"):
            found.append(
                Finding(
                    node.lineno,
                    "warning",
                    f"{node.func.id}() runs arbitrary code",  # type: ignore[attr-defined]
                    "Parse the input explicitly (ast.literal_eval, json) instead of eval().",
                )
            )
        elif _undocumented(node):
            missing_docs += 1
            if missing_docs <= 3:
                assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                found.append(
                    Finding(
                        node.lineno,
                        "info",
                        f"{node.name} has no docstring",
                        "Add docstrings that say why each public function exists.",
                    )
                )
    return found


def review_python(code: str) -> tuple[list[Finding], bool]:
    """Findings for Python code, and whether it failed to parse."""
    lines = code.splitlines()
    style = long_lines(lines, 99) + todo_comments(lines)
    tree = parse(code)
    if isinstance(tree, Finding):
        return [tree, *style], True
    return [*_pyflakes(tree), *_function_findings(tree), *_habits(tree), *style], False
