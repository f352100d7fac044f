"""Finding the code in a message: a fenced block, a text file, or text that plainly is code;
or, after `/review`, the command's body (core.parsing reads its fence).

Also decides the language (argument, fence tag, file name, then a guess) and refuses what is
not reviewable: nothing, too much, or binary data.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

from core.errors import UserError
from core.messages import Attachment
from core.parsing import Code, code_body, find_fence

MAX_CODE_CHARS = 20_000
MAX_NOTE_CHARS = 500
_LANGUAGE = re.compile(r"^[a-z0-9+#.\-]{1,20}$")
ALIASES = {
    "py": "python",
    "python3": "python",
    "py3": "python",
    "js": "javascript",
    "node": "javascript",
    "jsx": "javascript",
    "mjs": "javascript",
    "ts": "typescript",
    "postgres": "sql",
    "postgresql": "sql",
    "mysql": "sql",
    "sqlite": "sql",
    "plsql": "sql",
    "golang": "go",
    "rs": "rust",
    "c++": "cpp",
    "cc": "cpp",
    "cxx": "cpp",
    "hpp": "cpp",
    "h": "c",
    "cs": "csharp",
    "c#": "csharp",
    "rb": "ruby",
    "kt": "kotlin",
    "kts": "kotlin",
    "sh": "shell",
    "bash": "shell",
    "zsh": "shell",
    "yml": "yaml",
}
_GUESSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("shell", re.compile(r"\A#!\S*\b(?:ba|z|da)?sh\b|^\s*(?:set -e|echo |export \w+=)", re.M)),
    ("python", re.compile(r"^\s*(def |class \w+.*:|import \w|from \w[\w.]* import )", re.M)),
    ("go", re.compile(r"^\s*(package \w+|func \w*\(|func \(\w)", re.M)),
    ("rust", re.compile(r"^\s*(fn \w+|let mut |impl\b|use std::)", re.M)),
    ("java", re.compile(r"\b(public|private) (static )?(final )?(class|void|int|String)\b")),
    ("typescript", re.compile(r"^\s*(interface \w+|type \w+ =)|:\s*(string|number)\b", re.M)),
    ("javascript", re.compile(r"\b(function\s*\w*\(|const \w+ =|let \w+ =|=>|console\.log)")),
    ("cpp", re.compile(r"std::|#include\s*<(iostream|string|vector|map)>|\btemplate\s*<")),
    ("c", re.compile(r"#include\s*[<\"]")),
    ("sql", re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE TABLE|WITH)\b", re.M | re.I)),
)
_CODE_HINT = re.compile(r"[;{}()=\[\]]|^\s{2,}\S|\b(def|return|function|class|import)\b", re.M)


@dataclass(frozen=True)
class Submission:
    code: str
    language: str
    note: str = ""  # the learner's own words around the code (data, never instructions)


def normalise_language(value: str) -> str | None:
    word = value.strip().lower().lstrip(".")
    word = ALIASES.get(word, word)
    return word if _LANGUAGE.match(word) else None


def guess_language(code: str) -> str:
    """The language the code's telltale lines suggest; Python when it parses as Python."""
    for language, pattern in _GUESSES:
        if pattern.search(code):
            return language
    try:
        ast.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "text"
    return "python"


def looks_like_code(text: str) -> bool:
    """A fence, or several lines with code punctuation: enough to treat a message as code."""
    if "```" in text:
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 2 and len(_CODE_HINT.findall(text)) >= 2


def _check(code: str) -> str:
    if not code.strip():
        raise UserError(
            "There is no code to review. Paste it in a fenced block: ```python then your code "
            "then ```."
        )
    if len(code) > MAX_CODE_CHARS:
        raise UserError(
            f"That code is {len(code):,} characters; I review up to {MAX_CODE_CHARS:,}. "
            "Send the part you most want reviewed."
        )
    control = sum(
        1 for char in code if (ord(char) < 32 and char not in "\t\n\r") or char == "\ufffd"
    )
    if "\x00" in code or control > max(2, len(code) // 100):
        raise UserError("That looks like binary data, not source code: send the code as text.")
    # Leading blank lines stay: line numbers must be those of what was pasted.
    return code.rstrip()


def _from_attachment(attachments: tuple[Attachment, ...]) -> tuple[str, str] | None:
    for attachment in attachments:
        if attachment.skipped_size is not None or len(attachment.data) > MAX_CODE_CHARS * 4:
            raise UserError(f"That file is too big; I review up to {MAX_CODE_CHARS:,} characters.")
        text = attachment.data.decode("utf-8", errors="replace")
        suffix = attachment.filename.rpartition(".")[2] if "." in attachment.filename else ""
        return text, suffix
    return None


def extract(
    text: str, language_arg: str | None, attachments: tuple[Attachment, ...] = ()
) -> Submission | None:
    """The submission in a plain message, or None when it holds no code at all."""
    fenced = find_fence(text)
    if fenced is not None:
        return _submission(fenced, language_arg)
    if attachments:
        return from_attachments(attachments, text, language_arg)
    if looks_like_code(text):
        return _submission(Code(text), language_arg)
    return None


def from_command(
    body: str, language_arg: str | None, attachments: tuple[Attachment, ...] = ()
) -> Submission | None:
    """The submission given with `/review`: its body is code (fenced or not), else a file."""
    if body.strip():
        return _submission(code_body(body), language_arg)
    if attachments:
        return from_attachments(attachments, "", language_arg)
    return None


def from_attachments(
    attachments: tuple[Attachment, ...], note: str, language_arg: str | None
) -> Submission | None:
    found = _from_attachment(attachments)
    if found is None:
        return None
    text, suffix = found
    return _submission(Code(text, suffix, note.strip()), language_arg)


def _submission(found: Code, language_arg: str | None) -> Submission:
    code, tag, note = _check(found.text), found.tag, found.note
    language = (
        normalise_language(language_arg or "")
        or normalise_language(tag.split()[0] if tag else "")
        or guess_language(code)
    )
    return Submission(code, language, note[:MAX_NOTE_CHARS])
