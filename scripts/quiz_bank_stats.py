"""Print, per quiz-bank topic, how guessable the stored options are.

A learner who always picks the longest option, or always the same letter, should do no better
than chance. This prints per topic: the number of questions, the share where the correct option
is strictly the longest (and the share where it is longest or tied for longest, which is what
tests/test_quiz_fairness.py bounds), the share where it is strictly the shortest, the mean length
of the key over the mean length of the other options, and how the stored position of the correct
option is spread. The figures come from `core.features.quiz.bank_stats`.

Usage: python scripts/quiz_bank_stats.py [TOPIC ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.features.quiz.bank import load_bank
from core.features.quiz.bank_stats import topic_stats


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def main(argv: list[str]) -> int:
    wanted = set(argv)
    rows = [row for row in topic_stats(load_bank()).values() if not wanted or row.topic in wanted]
    print(
        f"{'topic':<18} {'count':>5} {'longest':>8} {'or tied':>8} {'shortest':>8} {'ratio':>6}"
        "  correct position A/B/C/D"
    )
    for row in rows:
        spread = "/".join(str(row.positions.get(index, 0)) for index in range(4))
        extra = sum(n for index, n in row.positions.items() if index >= 4)
        if extra:
            spread += f" (+{extra} later)"
        print(
            f"{row.topic:<18} {row.count:>5} {_percent(row.longest, row.count):>8} "
            f"{_percent(row.longest_or_tied, row.count):>8} "
            f"{_percent(row.shortest, row.count):>8} {row.length_ratio:>6.2f}  {spread}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
