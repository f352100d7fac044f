"""Real parsers for the languages Dojo reviews offline besides Python: tree-sitter grammars.

Each grammar is its own wheel from the tree-sitter project (tree-sitter-javascript, ...), with
the compiled parser inside: nothing is downloaded at run time. tree-sitter-language-pack was
the first choice, but its 1.x releases fetch grammars from the network on first use, which a
bot must not depend on (checked in a fresh venv without network: it fails with DownloadError).
"""

from __future__ import annotations

import importlib
from functools import cache

from tree_sitter import Language, Parser, Tree

# Dojo's language name -> (grammar module, its language function, lizard's file suffix).
GRAMMARS: dict[str, tuple[str, str, str | None]] = {
    "javascript": ("tree_sitter_javascript", "language", ".js"),
    "typescript": ("tree_sitter_typescript", "language_typescript", ".ts"),
    "tsx": ("tree_sitter_typescript", "language_tsx", ".tsx"),
    "java": ("tree_sitter_java", "language", ".java"),
    "go": ("tree_sitter_go", "language", ".go"),
    "c": ("tree_sitter_c", "language", ".c"),
    "cpp": ("tree_sitter_cpp", "language", ".cpp"),
    "csharp": ("tree_sitter_c_sharp", "language", ".cs"),
    "rust": ("tree_sitter_rust", "language", ".rs"),
    "ruby": ("tree_sitter_ruby", "language", ".rb"),
    "sql": ("tree_sitter_sql", "language", None),
    "shell": ("tree_sitter_bash", "language", None),
}
SUPPORTED = ("python", *GRAMMARS)


@cache
def _language(language: str) -> Language:
    module, function, _suffix = GRAMMARS[language]
    return Language(getattr(importlib.import_module(module), function)())


def parse(code: str, language: str) -> Tree:
    """The concrete syntax tree of code (errors are ERROR and missing nodes inside it).

    A parser per call: reviews run in worker threads, and a tree-sitter Parser is not safe to
    share between them (the compiled Language is, and is loaded once).
    """
    return Parser(_language(language)).parse(code.encode("utf-8", errors="replace"))


def lizard_suffix(language: str) -> str | None:
    return GRAMMARS[language][2]
