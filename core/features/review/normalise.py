"""A fingerprint of code that ignores layout and comments: the same code earns XP once.

Python is read with tokenize (comments and blank lines dropped, indentation kept as block
markers so that moving a line into or out of a block is a change); languages with a grammar
keep the leaves of their parse tree minus comments; anything else keeps its words.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
import tokenize

from core.features.review.grammars import GRAMMARS, parse

_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


def _python_tokens(code: str) -> list[str] | None:
    marks = {tokenize.INDENT: "<indent>", tokenize.DEDENT: "<dedent>", tokenize.NEWLINE: "<nl>"}
    tokens: list[str] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(textwrap.dedent(code)).readline):
            if token.type not in _SKIPPED:
                tokens.append(marks.get(token.type, token.string))
    except (tokenize.TokenError, SyntaxError):
        return None
    return tokens


def _tree_tokens(code: str, language: str) -> list[str]:
    tokens: list[str] = []
    stack = [parse(code, language).root_node]
    while stack:
        node = stack.pop()
        if "comment" in node.type:
            continue
        if node.child_count == 0:
            text = (node.text or b"").decode("utf-8", errors="replace").strip()
            if text:
                tokens.append(text)
        stack.extend(reversed(node.children))
    return tokens


def normalised(code: str, language: str) -> str:
    tokens: list[str] | None = None
    if language == "python":
        tokens = _python_tokens(code)
    elif language in GRAMMARS:
        tokens = _tree_tokens(code, language)
    if tokens is None:
        tokens = code.split()
    return "\x1f".join(tokens)


def code_hash(code: str, language: str) -> str:
    """SHA-256 of the language and the normalised code, as 64 hex digits."""
    text = f"{language}\x00{normalised(code, language)}"
    return hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()
