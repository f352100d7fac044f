"""Checks that read code as lines of text: they work for any language, honestly approximate."""

from __future__ import annotations

import re
from collections import Counter

from core.features.review.findings import Finding

_TODO = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b")
_FUNCTION_START = re.compile(
    r"\bfunction\b|=>\s*\{|\bfunc\b|\bfn\s+\w|\bdef\s+\w|"
    r"^\s*(?:public|private|protected|static|async|[\w<>\[\],]+\s)+[\w$]+\s*\([^;]*\)\s*\{?\s*$"
)
_NOT_FUNCTION = re.compile(r"^\s*(if|for|while|switch|catch|else|return|do)\b")
MAX_SHOWN_PER_CHECK = 3


def long_lines(lines: list[str], limit: int) -> list[Finding]:
    over = [number for number, line in enumerate(lines, 1) if len(line) > limit]
    found = [
        Finding(number, "info", f"Line is {len(lines[number - 1])} characters (over {limit})")
        for number in over[:MAX_SHOWN_PER_CHECK]
    ]
    if len(over) > MAX_SHOWN_PER_CHECK:
        found.append(
            Finding(
                over[MAX_SHOWN_PER_CHECK],
                "info",
                f"{len(over) - MAX_SHOWN_PER_CHECK} more lines over {limit} characters",
                "Break long lines at natural points so the code reads without scrolling.",
            )
        )
    return found


def todo_comments(lines: list[str]) -> list[Finding]:
    return [
        Finding(number, "info", "Unfinished work marked in a comment (TODO/FIXME)")
        for number, line in enumerate(lines, 1)
        if _TODO.search(line)
    ][:MAX_SHOWN_PER_CHECK]


def duplicated_lines(lines: list[str], min_chars: int = 25, min_copies: int = 3) -> list[Finding]:
    stripped = [line.strip() for line in lines]
    counts = Counter(line for line in stripped if len(line) >= min_chars)
    found: list[Finding] = []
    for text, copies in counts.most_common():
        if copies < min_copies or len(found) >= MAX_SHOWN_PER_CHECK:
            break
        first = stripped.index(text) + 1
        found.append(
            Finding(
                first,
                "warning",
                f"The same line appears {copies} times",
                "Move the repeated code into one function and call it.",
            )
        )
    return found


def _indent_depth(line: str, unit: int) -> int:
    expanded = line.expandtabs(4)
    return (len(expanded) - len(expanded.lstrip())) // unit


def nesting_depths(lines: list[str], braces: bool) -> list[int]:
    """Nesting depth at the start of each line: by braces, or by indentation when there are none.

    Braces inside strings and comments are counted too: this is a heuristic, not a parser.
    """
    if not braces:
        return [_indent_depth(line, 4) if line.strip() else 0 for line in lines]
    depths, depth = [], 0
    for line in lines:
        depths.append(depth)
        depth = max(0, depth + line.count("{") - line.count("}"))
    return depths


def deep_nesting(lines: list[str], depths: list[int], limit: int) -> list[Finding]:
    for number, depth in enumerate(depths, 1):
        if depth > limit and lines[number - 1].strip():
            return [
                Finding(
                    number,
                    "warning",
                    f"Code nested {depth} levels deep",
                    "Return early or extract the inner blocks into functions to flatten it.",
                )
            ]
    return []


def long_functions(lines: list[str], depths: list[int], limit: int) -> list[Finding]:
    """Functions (found by their opening line) whose body runs over `limit` lines."""
    found: list[Finding] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _FUNCTION_START.search(line) and not _NOT_FUNCTION.match(line):
            start_depth = depths[index]
            end = index + 1
            while end < len(lines) and (depths[end] > start_depth or not lines[end].strip()):
                end += 1
            length = end - index
            if length > limit:
                found.append(
                    Finding(
                        index + 1,
                        "warning",
                        f"A function of about {length} lines",
                        "Split long functions into smaller ones with clear names.",
                    )
                )
            index = end if length > 1 else index + 1
            continue
        index += 1
    return found[:MAX_SHOWN_PER_CHECK]


def mixed_indentation(lines: list[str]) -> list[Finding]:
    tabs = any(line.startswith("\t") for line in lines)
    spaces = any(line.startswith("  ") for line in lines)
    if tabs and spaces:
        first = next(number for number, line in enumerate(lines, 1) if line.startswith("\t"))
        return [Finding(first, "info", "Tabs and spaces are mixed for indentation")]
    return []
