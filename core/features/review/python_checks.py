"""Offline review of Python: syntax, pyflakes, bandit, radon, resource handling and habits.

The source is parsed to a tree and inspected; it is never compiled to bytecode or executed.
An indented snippet (a method copied out of its class) is dedented first; line numbers stay
those of the paste.
"""

from __future__ import annotations

import ast
import io
import itertools
import re
import textwrap
import tokenize
from dataclasses import dataclass

from pyflakes import checker, messages

from core.features.review.complexity import complexity_findings
from core.features.review.findings import Finding
from core.features.review.security import security_findings
from core.features.review.text_checks import duplicated_lines, long_lines

_UNDEFINED = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)
# pyflakes messages that mean the code is wrong, not merely untidy, and how much they matter.
# These are definite bugs (the line cannot do what it says), so they block approval too.
_BUGS: dict[type, int] = {
    messages.IsLiteral: 7,
    messages.AssertTuple: 7,
    messages.MultiValueRepeatedKeyLiteral: 6,
    messages.PercentFormatInvalidFormat: 6,
    messages.PercentFormatPositionalCountMismatch: 6,
    messages.StringDotFormatExtraPositionalArguments: 6,
    messages.DefaultExceptNotLast: 6,
}
_UNTIDY: dict[type, int] = {
    messages.RedefinedWhileUnused: 4,
    messages.UnusedVariable: 2,
    messages.UnusedImport: 1,
}
_TODO = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b")
# Calls that hand back something to close: outside `with` they leak on the first exception.
_RESOURCES = {
    "open",
    "io.open",
    "codecs.open",
    "gzip.open",
    "tarfile.open",
    "urlopen",
    "urllib.request.urlopen",
    "zipfile.ZipFile",
    "socket.socket",
}
MIN_NAME_CHECKS = 3  # docstring remarks shown at most


@dataclass(frozen=True)
class PythonReview:
    findings: list[Finding]
    parse_failed: bool
    statements: int  # how much code there is, docstrings and `pass` aside


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
            rank=10,
        )
    except (ValueError, RecursionError, MemoryError):
        return Finding(
            1,
            "error",
            "The code could not be parsed (too deeply nested or invalid).",
            rank=10,
        )


def statement_count(tree: ast.Module) -> int:
    """Distinct statements, docstrings and `pass` aside: the same line pasted twenty times is
    one statement, not a substantial program."""
    seen: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or isinstance(node, ast.Pass):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        seen.add(ast.dump(node))
    return len(seen)


def _pyflakes(tree: ast.Module) -> list[Finding]:
    found: list[Finding] = []
    for message in checker.Checker(tree, filename="submission.py").messages:
        text = message.message % message.message_args
        line = message.lineno
        if isinstance(message, _UNDEFINED):
            found.append(
                Finding(
                    line,
                    "error",
                    text,
                    "Define or import every name you use: this line "
                    "fails with NameError when it runs.",
                    rank=8,
                )
            )
        elif type(message) in _BUGS:
            found.append(
                Finding(line, "error", text, f"Fix line {line}: {text}.", rank=_BUGS[type(message)])
            )
        else:
            rank = _UNTIDY.get(type(message), 3)
            found.append(Finding(line, "warning", text, f"Tidy up line {line}: {text}.", rank=rank))
    return found


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _resources(tree: ast.Module) -> list[Finding]:
    """Files and connections opened outside a `with` block."""
    managed = {
        id(item.context_expr)
        for node in ast.walk(tree)
        if isinstance(node, ast.With | ast.AsyncWith)
        for item in node.items
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in managed:
            continue
        name = _dotted(node.func)
        if name in _RESOURCES or name.rpartition(".")[2] == "urlopen":
            found.append(
                Finding(
                    node.lineno,
                    "warning",
                    f"{name}() outside a with block: it is not closed if anything fails",
                    f"Open it in a with block (with {name}(...) as handle:), so it is always "
                    "closed.",
                    rank=5,
                )
            )
    return found


def _swallows(handler: ast.ExceptHandler) -> bool:
    return all(isinstance(statement, ast.Pass | ast.Continue) for statement in handler.body)


def _handlers(tree: ast.Module) -> list[Finding]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ExceptHandler):
            continue
        broad = node.type is None or _dotted(node.type) in ("Exception", "BaseException")
        if broad and _swallows(node):
            found.append(
                Finding(
                    node.lineno,
                    "error",
                    "Every error is silently swallowed here (except ...: pass): bugs vanish",
                    "Catch the specific exception you expect and handle or log it; never pass "
                    "silently on every error.",
                    rank=8,
                )
            )
        elif node.type is None:
            found.append(
                Finding(
                    node.lineno,
                    "warning",
                    "Bare except: catches everything, even KeyboardInterrupt",
                    "Catch the specific exceptions you expect (except ValueError:).",
                    rank=6,
                )
            )
    return found


def _flow(tree: ast.Module) -> list[Finding]:
    """Code after return/raise in the same block, and return inside finally."""
    found = []
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            for before, after in itertools.pairwise(block):
                if isinstance(before, ast.Return | ast.Raise | ast.Continue | ast.Break):
                    found.append(
                        Finding(
                            after.lineno,
                            "warning",
                            "Unreachable code: it follows a "
                            f"{type(before).__name__.lower()} in the same block",
                            "Remove the unreachable lines or move them before the return.",
                            rank=5,
                        )
                    )
                    break
        if isinstance(node, ast.Try | ast.TryStar):
            for statement in node.finalbody:
                if isinstance(statement, ast.Return):
                    found.append(
                        Finding(
                            statement.lineno,
                            "error",
                            "return inside finally: it hides "
                            "every exception and replaces the function's result",
                            "Return after the try statement, not inside finally.",
                            rank=7,
                        )
                    )
    return found


def _not_awaited(tree: ast.Module) -> list[Finding]:
    """Calls to this module's own coroutines without await: they never run."""
    coroutines = {node.name for node in ast.walk(tree) if isinstance(node, ast.AsyncFunctionDef)}
    awaited = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Await)}
    return [
        Finding(
            node.lineno,
            "error",
            f"{node.func.id}() is a coroutine called without await: it never runs",
            f"await {node.func.id}(...) (or schedule it as a task).",
            rank=8,
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in coroutines
        and id(node) not in awaited
    ]


def _mutated_while_iterating(tree: ast.Module) -> list[Finding]:
    found = []
    for loop in ast.walk(tree):
        if not isinstance(loop, ast.For) or not isinstance(loop.iter, ast.Name):
            continue
        name = loop.iter.id
        for node in ast.walk(loop):
            call = node if isinstance(node, ast.Call) else None
            if (
                call is not None
                and isinstance(call.func, ast.Attribute)
                and _dotted(call.func.value) == name
                and call.func.attr in ("remove", "append", "insert", "pop", "extend")
            ):
                found.append(
                    Finding(
                        call.lineno,
                        "error",
                        f"{name} is changed while the loop walks "
                        "over it: items are skipped or the loop never ends",
                        f"Build a new list (a comprehension) instead of changing {name} "
                        "inside its own loop.",
                        rank=7,
                    )
                )
                break
    return found


def _mutable_defaults(tree: ast.Module) -> list[Finding]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            if isinstance(default, ast.List | ast.Dict | ast.Set):
                found.append(
                    Finding(
                        default.lineno,
                        "warning",
                        f"Mutable default argument in {node.name}(): it is shared between calls",
                        "Default to None and create the list or dict inside the function.",
                        rank=7,
                    )
                )
    return found


def _docstrings(tree: ast.Module) -> list[Finding]:
    missing = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not node.name.startswith("_")
        and ast.get_docstring(node) is None
    ]
    return [
        Finding(
            node.lineno,
            "info",
            f"{node.name} has no docstring",
            "Add docstrings that say why each public function exists.",
        )
        for node in sorted(missing, key=lambda node: node.lineno)[:MIN_NAME_CHECKS]
    ]


def todo_comments(code: str) -> list[Finding]:
    """TODO/FIXME in comments only (read with tokenize): a string "TODO list" is not one."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT and _TODO.search(token.string):
                found.append(
                    Finding(
                        token.start[0], "info", "Unfinished work marked in a comment (TODO/FIXME)"
                    )
                )
    except (tokenize.TokenError, SyntaxError):
        pass
    return found[:3]


def review_python(code: str) -> PythonReview:
    """Findings for Python code, whether it failed to parse, and how much code there is."""
    source = textwrap.dedent(code)
    lines = code.splitlines()
    style = duplicated_lines(lines) + long_lines(lines, 99) + todo_comments(source)
    tree = parse(source)
    if isinstance(tree, Finding):
        return PythonReview([tree, *style], True, 0)
    findings = [
        *_pyflakes(tree),
        *security_findings(source, tree),
        *complexity_findings(source),
        *_resources(tree),
        *_handlers(tree),
        *_mutable_defaults(tree),
        *_flow(tree),
        *_not_awaited(tree),
        *_mutated_while_iterating(tree),
        *_docstrings(tree),
        *style,
    ]
    return PythonReview(findings, False, statement_count(tree))
