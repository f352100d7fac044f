"""Offline review of the languages with a tree-sitter grammar: a real parse, then checks on it.

What it finds: syntax errors with their lines (ERROR and missing nodes), how much code there is
(statements), TODOs in comments, function complexity and length (lizard, where it knows the
language), and a few security patterns an interviewer would stop at: SQL built from strings,
eval and shell commands built from input, unsafe C string functions, hard-coded secrets. It
cannot resolve names or types, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from core.features.review.findings import Finding
from core.features.review.grammars import lizard_suffix, parse
from core.features.review.tree_findings import call_name, findings_of
from core.features.review.tree_nodes import head, line_of, text_of, walk

MAX_SYNTAX_ERRORS = 3
MAX_COMPLEXITY = 10
MAX_FUNCTION_LINES = 60
# lizard reads code recursively; past this depth it would overflow, so complexity is skipped.
MAX_LIZARD_DEPTH = 300
_TODO = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b")
_NOT_COUNTED = (
    "import",
    "include",
    "package",
    "preproc",
    "use_declaration",
    "comment",
    "parameter",
)
# A shell parser recovers from a stray `fi` or `esac` by reading it as a command: bash does not.
_SHELL_RESERVED = {"fi", "esac", "done", "then", "do", "elif", "else", "in", "}"}
_BLOCKS = {"compound_statement", "statement_block", "block", "statement_list", "declaration_list"}
_SQL_UNITS = {
    "statement",
    "from",
    "where",
    "join",
    "group_by",
    "order_by",
    "having",
    "limit",
    "column_definition",
    "insert",
    "update",
    "delete",
    "set",
    "create_index",
    "create_view",
}
# Calls that run their argument as code or a command, per language family.


@dataclass(frozen=True)
class TreeReview:
    findings: list[Finding]
    parse_failed: bool
    statements: int
    checks: str  # which checks ran, said plainly


def _depth(root: Node) -> int:
    """How deep the parse tree goes (iteratively: hostile nesting must not recurse)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children)
    return deepest


def _syntax_errors(root: Node, language: str) -> list[Finding]:
    found: list[Finding] = []
    for node in walk(root):
        if len(found) >= MAX_SYNTAX_ERRORS:
            break
        if language == "shell" and node.type == "command" and call_name(node) in _SHELL_RESERVED:
            message = f"Syntax error: unexpected `{call_name(node)}`"
        elif node.is_missing:
            message = f"Syntax error: missing `{node.type}`"
        elif node.type == "ERROR":
            snippet = " ".join(text_of(node).split())[:30]
            message = f"Syntax error: unexpected `{snippet}`" if snippet else "Syntax error"
        else:
            continue
        line = line_of(node)
        found.append(
            Finding(
                line,
                "error",
                message,
                f"Fix the syntax error on line {line} first: nothing else can run until it parses.",
                rank=10,
            )
        )
    if not found and root.has_error:
        found.append(Finding(1, "error", "Syntax error", rank=10))
    return sorted(found, key=lambda finding: finding.line)


def statement_count(root: Node, language: str) -> int:
    """Distinct statements and declarations (imports, includes and blocks aside); SQL counts
    clauses. The same statement pasted twenty times counts once."""
    seen: set[tuple[str, str]] = set()
    for node in walk(root):
        kind = node.type
        if not node.is_named or kind in _BLOCKS or any(word in kind for word in _NOT_COUNTED):
            continue
        if language == "sql":
            counted = kind in _SQL_UNITS
        else:
            counted = kind.endswith(("_statement", "_declaration", "_definition", "_item")) or (
                kind in ("command", "declaration", "variable_assignment", "assignment", "statement")
            )
        if counted:
            seen.add((kind, " ".join(head(node).split())))
    return len(seen)


def _todos(root: Node) -> list[Finding]:
    return [
        Finding(line_of(node), "info", "Unfinished work marked in a comment (TODO/FIXME)")
        for node in walk(root)
        if "comment" in node.type and _TODO.search(text_of(node))
    ][:3]


def _complexity(code: str, language: str) -> list[Finding]:
    suffix = lizard_suffix(language)
    if suffix is None:
        return []
    import lizard  # a fifth of a second to import: only when first needed

    found: list[Finding] = []
    for function in lizard.analyze_file.analyze_source_code(
        f"submission{suffix}", code
    ).function_list:
        name = function.name.rpartition("::")[2]
        if function.cyclomatic_complexity > MAX_COMPLEXITY:
            found.append(
                Finding(
                    function.start_line,
                    "warning",
                    f"{name}() has cyclomatic complexity {function.cyclomatic_complexity} (aim "
                    f"for {MAX_COMPLEXITY} or less)",
                    f"Split {name}() into smaller functions, each with one decision to make.",
                    rank=3,
                )
            )
        if function.length > MAX_FUNCTION_LINES:
            found.append(
                Finding(
                    function.start_line,
                    "warning",
                    f"{name}() is {function.length} lines long",
                    f"Extract the steps of {name}() into well-named helpers.",
                    rank=2,
                )
            )
    return found


def review_tree(code: str, language: str) -> TreeReview:
    """Parse with the language's grammar, then check syntax, size, security and complexity."""
    root = parse(code, language).root_node
    errors = _syntax_errors(root, language)
    complexity = "" if lizard_suffix(language) is None else ", complexity (lizard)"
    checks = (
        f"{language} parsed with tree-sitter: syntax{complexity}, size, TODO comments and common "
        "security patterns (SQL built from strings, code or commands built from input, "
        "hard-coded secrets); names and types are not checked"
    )
    if errors:
        return TreeReview([*errors, *_todos(root)], True, statement_count(root, language), checks)
    deep = _depth(root) > MAX_LIZARD_DEPTH
    findings = [
        *findings_of(root, language, code),
        *([] if deep else _complexity(code, language)),
        *_todos(root),
    ]
    if deep:
        checks += " (complexity skipped: the code nests too deeply to measure)"
    return TreeReview(findings, False, statement_count(root, language), checks)
