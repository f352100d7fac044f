"""What an answer is before it is graded: English prose, only code, or a repeat.

Offline grading compares English words, so an answer in another language cannot be graded
fairly: it is turned back with one line instead of being scored 0. Code is graded on the
names in it (a stack is a stack in `stack.append`), and text pasted again into a later answer
earns nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.features.interview.matching import FUNCTION_WORDS, words_of

_ENGLISH = frozenset(FUNCTION_WORDS)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FENCE = re.compile(r"```[^\n]*\n.*?(```|$)", re.DOTALL)
_CODE_LINE = re.compile(
    r"^\s*(def |class |return\b|for .*:|while .*:|if .*[:{]|else\b|elif |}|{|function\b|"
    r"const |let |var |import |from \S+ import|#include|public |private |[\w.\[\]]+\s*[-+*/]?=[^=]|"
    r"[\w.]+\(.*\)\s*;?$|//|/\*|\*/|SELECT\b|INSERT\b|UPDATE\b|CREATE\b)",
    re.IGNORECASE,
)
REPEAT_SHARE = 0.5  # half of an answer's word triples already said in an earlier answer


def looks_foreign(text: str) -> bool:
    """Mostly not English: many letters outside Latin, or almost no English small words."""
    prose = _FENCE.sub(" ", text)
    letters = [char for char in prose if char.isalpha()]
    if len(letters) < 12:
        return False
    latin = sum(1 for char in letters if char.isascii())
    if latin / len(letters) < 0.6:
        return True
    words = [word.lower() for word in _WORD.findall(prose)]
    if len(words) < 8 or is_code_only(text):
        return False
    english = sum(1 for word in words if word in _ENGLISH)
    return english / len(words) < 0.12


def is_code_only(text: str) -> bool:
    """Only fenced code, or lines that all read as code."""
    if "```" in text:
        return not _FENCE.sub("", text).strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 2 and all(_CODE_LINE.match(line) for line in lines)


def is_empty_fence(text: str) -> bool:
    """Only fences with nothing but a language name between them."""
    if "```" not in text or _FENCE.sub("", text).strip():
        return False
    return not any(
        "\n".join(block.split("\n")[1:]).replace("```", "").strip()
        for block in re.findall(r"```[^\n]*\n?.*?(?:```|$)", text, re.DOTALL)
    )


def _triples(text: str) -> set[tuple[str, ...]]:
    words = words_of(text)
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def repeats(answer: str, earlier: Sequence[str]) -> bool:
    """Most of this answer was already given as an earlier answer in the interview."""
    mine = _triples(answer)
    if len(mine) < 4:
        return False
    return any(len(mine & _triples(before)) >= REPEAT_SHARE * len(mine) for before in earlier)
