"""Telling English prose (or notes) in a fence from code, so prose is never scored.

A line reads as a sentence when it is mostly words, has almost none of code's punctuation and
does not end like a line of code. Text counts as prose when most of its lines are sentences
and, for a language Dojo can parse, the parser rejects it too: valid SQL or Python that happens
to read like English is still code. Shell accepts almost any words as commands, so there a
line that starts with a common command is never taken for a sentence.
"""

from __future__ import annotations

import re

_BULLET = re.compile(r"^\s*(?:[-*•>]|\d+[.)])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CODE_MARKS = re.compile(r"[{}\[\];=<>|&$`\\]")
_CODE_ENDING = ("{", "}", ";", "(", ")", "[", "]", "\\", "=", "&&", "||")
_SHELL_COMMANDS = set(
    [
        "echo",
        "printf",
        "cd",
        "ls",
        "rm",
        "cp",
        "mv",
        "mkdir",
        "grep",
        "sed",
        "awk",
        "cat",
        "export",
        "local",
        "read",
        "if",
        "for",
        "while",
        "case",
        "do",
        "done",
        "fi",
        "then",
        "else",
        "elif",
        "set",
        "source",
        "sudo",
        "apt",
        "apt-get",
        "pip",
        "npm",
        "git",
        "docker",
        "curl",
        "wget",
        "tar",
        "chmod",
        "chown",
        "kill",
        "sleep",
        "test",
        "exit",
        "return",
        "find",
        "xargs",
        "sort",
        "uniq",
        "head",
        "tail",
        "touch",
        "ln",
        "make",
    ]
)
MIN_WORDS = 6
PROSE_SHARE = 0.6


def _sentence(line: str, shell: bool) -> bool:
    text = _BULLET.sub("", line).strip()
    words = _WORD.findall(text)
    if len(words) < 4 or text.endswith(_CODE_ENDING):
        return False
    if len(_CODE_MARKS.findall(text)) > 1 or text.count("(") > 1:
        return False
    if shell and words[0] in _SHELL_COMMANDS:
        return False
    letters = sum(len(word) for word in words)
    return letters >= 0.7 * len(text.replace(" ", ""))


def reads_as_prose(code: str, language: str) -> bool:
    """Whether most lines read as English sentences rather than code."""
    lines = [line for line in code.splitlines() if line.strip()]
    if not lines or len(_WORD.findall(code)) < MIN_WORDS:
        return False
    shell = language == "shell"
    sentences = sum(_sentence(line, shell) for line in lines)
    return sentences >= PROSE_SHARE * len(lines)
