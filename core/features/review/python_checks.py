"""Offline review of Python: syntax, pyflakes, bandit, radon, resource handling and habits.

The source is parsed to a tree and inspected; it is never compiled to bytecode or executed.
An indented snippet (a method copied out of its class) is dedented first; line numbers stay
those of the paste.
"""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

from pyflakes import checker, messages

from core.features.review.complexity import complexity_findings
from core.features.review.findings import Finding
from core.features.review.security import security_findings
from core.features.review.text_checks import long_lines

_UNDEFINED = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)
# pyflakes messages that mean the code is wrong, not merely untidy, and how much they matter.
_BUGS: dict[type, int] = {
    messages.IsLiteral: 7,
    messages.AssertTuple: 7,
    messages.MultiValueRepeatedKeyLiteral: 6,
    messages.PercentFormatInvalidFormat: 6,
    messages.PercentFormatPositionalCountMismatch: 6,
    messages.StringDotFormatExtraPositionalArguments: 6,
    messages.DefaultExceptNotLast: 6,
    messages.RedefinedWhileUnused: 4,
}
_UNTIDY: dict[type, int] = {messages.UnusedVariable: 2, messages.UnusedImport: 1}
_TODO = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b")
# Calls that hand back something to close: outside `with` they leak on the first exception.
_RESOURCES = {"open", "io.open", "codecs.open", "gzip.open", "tarfile.open", "urlopen",
              "urllib.request.urlopen", "zipfile.ZipFile", "socket.socket"}
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
            blocking=True,
            rank=10,
        )
    except (ValueError, RecursionError, MemoryError):
        return Finding(
            1, "error", "The code could not be parsed (too deeply nested or invalid).",
            blocking=True, rank=10,
        )


def statement_count(tree: ast.Module) -> int:
    count = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or isinstance(node, ast.Pass):
            continue
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        count += not docstring
    return count


def _pyflakes(tree: ast.Module) -> list[Finding]:
    found: list[Finding] = []
    for message in checker.Checker(tree, filename="submission.py").messages:
        text = message.message % message.message_args
        line = message.lineno
        if isinstance(message, _UNDEFINED):
            found.append(
                Finding(line, "error", text, "Define or import every name you use: this line "
                        "fails with NameError when it runs.", blocking=True, rank=8)
            )
        elif type(message) in _BUGS:
            found.append(
                Finding(line, "error", text, f"Fix line {line}: {text}.",
                        rank=_BUGS[type(message)])
            )
        else:
            rank = _UNTIDY.get(type(message), 3)
            found.append(Finding(line, "warning", text, f"Tidy up line {line}: {text}.",
                                 rank=rank))
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
                    "warning",
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
        Finding(node.lineno, "info", f"{node.name} has no docstring",
                "Add docstrings that say why each public function exists.")
        for node in sorted(missing, key=lambda node: node.lineno)[:MIN_NAME_CHECKS]
    ]


def todo_comments(code: str) -> list[Finding]:
    """TODO/FIXME in comments only (read with tokenize): a string "TODO list" is not one."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT and _TODO.search(token.string):
                found.append(
                    Finding(token.start[0], "info", "Unfinished work marked in a comment "
                            "(TODO/FIXME)")
                )
    except (tokenize.TokenError, SyntaxError):
        pass
    return found[:3]


def review_python(code: str) -> PythonReview:
    """Findings for Python code, whether it failed to parse, and how much code there is."""
    source = textwrap.dedent(code)
    style = long_lines(code.splitlines(), 99) + todo_comments(source)
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
        *_docstrings(tree),
        *style,
    ]
    return PythonReview(findings, False, statement_count(tree))
