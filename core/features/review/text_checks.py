"""Checks that read code as lines of text: long lines, repeated lines, mixed indentation."""

from __future__ import annotations

from collections import Counter

from core.features.review.findings import Finding

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
                rank=2,
            )
        )
    return found


def mixed_indentation(lines: list[str]) -> list[Finding]:
    tabs = any(line.startswith("\t") for line in lines)
    spaces = any(line.startswith("  ") for line in lines)
    if tabs and spaces:
        first = next(number for number, line in enumerate(lines, 1) if line.startswith("\t"))
        return [Finding(first, "info", "Tabs and spaces are mixed for indentation")]
    return []
