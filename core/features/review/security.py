"""Python security findings from bandit, used as a library on the submitted source.

Bandit is the maintained security linter for Python: it knows SQL built from strings, eval and
exec, shell=True, pickle and yaml loading, disabled certificate checks, weak hashes and
hard-coded passwords. It only parses the code (ast), never runs it. `# nosec` comments are
ignored: a learner cannot switch the checks off from inside the submission.
"""

from __future__ import annotations

import ast
import importlib
import io
import logging
import re
import warnings
from functools import cache
from types import ModuleType
from typing import Any

from core.features.review.findings import Finding

# Checks Dojo makes itself (assert, try/except/pass) or that only say a module was imported.
_EXCLUDED = ("B101", "B110", "B112", "B403", "B404", "B603", "B607")
# Injection, code execution and secrets: an interviewer stops here whatever bandit's rating.
_ALWAYS_BLOCKING = {"B102", "B105", "B106", "B107", "B307", "B608"}
_SECRET_WORDS = re.compile(r"token|password|passwd|secret|salt|nonce|otp|api_?key", re.I)
_HINTS = {
    "B608": "Pass values as query parameters (cursor.execute(sql, (value,))), never by "
    "formatting them into the SQL string.",
    "B602": "Pass the command as a list without shell=True, so input cannot add commands.",
    "B605": "Use subprocess.run([...]) with a list of arguments instead of a shell string.",
    "B307": "Parse the input explicitly (ast.literal_eval, json, a small parser), never eval().",
    "B102": "Do not exec() text you received: define the operations you allow and dispatch.",
    "B105": "Read secrets from the environment or a secret store, never from the source.",
    "B106": "Read secrets from the environment or a secret store, never from the source.",
    "B107": "Read secrets from the environment or a secret store, never from the source.",
    "B301": "Do not unpickle data you received; use json or a schema-checked format.",
    "B506": "Use yaml.safe_load, which builds plain data and never objects.",
    "B501": "Keep certificate checks on; pass the partner's CA bundle with verify=PATH.",
    "B324": "Hash passwords with a slow salted scheme (hashlib.scrypt, bcrypt, argon2).",
    "B311": "Use the secrets module (secrets.token_urlsafe) for tokens and passwords.",
}


@cache
def _bandit() -> dict[str, ModuleType]:
    """Bandit's modules, imported on the first review rather than at start.

    Importing bandit discovers its plugins, and stevedore logs an ERROR for each optional
    formatter whose extra is not installed (sarif): not ours to fix, so it is kept quiet, as is
    bandit's own warning that "submission.py" is no module path.
    """
    stevedore = logging.getLogger("stevedore.extension")
    level = stevedore.level
    stevedore.setLevel(logging.CRITICAL)
    logging.getLogger("bandit").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            # Bandit passes an argument stevedore has deprecated; nothing to act on.
            warnings.simplefilter("ignore", DeprecationWarning)
            names = ("config", "meta_ast", "metrics", "node_visitor", "test_set")
            modules = {name: importlib.import_module(f"bandit.core.{name}") for name in names}
    finally:
        stevedore.setLevel(level)
    return modules


@cache
def _tests() -> Any:
    """Bandit's configured checks, loaded once (plugin discovery takes a moment)."""
    bandit = _bandit()
    configuration = bandit["config"].BanditConfig()
    return bandit["test_set"].BanditTestSet(configuration, {"exclude": list(_EXCLUDED)})


def _function_spans(tree: ast.Module) -> list[tuple[int, int, str]]:
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            spans.append((node.lineno, node.end_lineno or node.lineno, node.name))
    return spans


def _security_context(lines: list[str], tree: ast.Module, line: int) -> bool:
    """Whether the code around a line (its function, or the line itself) is about secrets."""
    for start, end, _name in _function_spans(tree):
        if start <= line <= end:
            return bool(_SECRET_WORDS.search("\n".join(lines[start - 1 : end])))
    return bool(_SECRET_WORDS.search(lines[line - 1] if 0 < line <= len(lines) else ""))


def _blocking(issue: Any, lines: list[str], tree: ast.Module) -> bool:
    if issue.test_id in _ALWAYS_BLOCKING:
        return True
    if issue.test_id == "B311":  # random is fine for dice, not for tokens
        return _security_context(lines, tree, issue.lineno)
    severity, confidence = issue.severity, issue.confidence
    return (severity == "HIGH" and confidence != "LOW") or (
        severity == "MEDIUM" and confidence == "HIGH"
    )


def security_findings(source: str, tree: ast.Module) -> list[Finding]:
    """Bandit's issues as findings; serious ones block approval."""
    data = source.encode("utf-8", errors="replace")
    tests, bandit = _tests(), _bandit()
    visitor = bandit["node_visitor"].BanditNodeVisitor(
        "submission.py",
        io.BytesIO(data),
        bandit["meta_ast"].BanditMetaAst(),
        tests,
        False,
        {},  # no `# nosec` lines: the learner's comments do not switch checks off
        bandit["metrics"].Metrics(),
    )
    try:
        visitor.process(data)
    except (SyntaxError, ValueError, RecursionError):
        return []
    lines = source.splitlines()
    found = []
    for issue in visitor.tester.results:
        blocking = _blocking(issue, lines, tree)
        severity = "error" if blocking else "warning" if issue.severity != "LOW" else "info"
        text = issue.text.rstrip(".")
        found.append(
            Finding(
                issue.lineno,
                severity,
                f"Security ({issue.test_id}): {text}",
                _HINTS.get(issue.test_id, f"Fix the security issue on line {issue.lineno}."),
                rank=9,
            )
        )
    return found
