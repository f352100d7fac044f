"""The honesty benchmark's targets on a subset of its answer sets, so a regression fails here.

The same function the interview flow uses grades every answer; the figures of the full sets,
beside today's grader, come from `python -m bench.honesty_interview`.
"""

from __future__ import annotations

import pytest

from bench.honesty_interview import TARGETS, run

SUBSET = 12  # answers per class: enough to catch a regression, quick to grade


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, object]]:
    found = {str(row["class"]): row for row in run(limit=SUBSET, compare=False)}
    assert set(TARGETS) <= set(found)
    return found


@pytest.mark.parametrize("name", list(TARGETS))
def test_each_class_meets_its_target(rows: dict[str, dict[str, object]], name: str) -> None:
    row = rows[name]
    assert row["answers"] == SUBSET
    assert row["meets"] is not None
    assert row["meets"], f"{name}: mean {row['mean']}, max {row['max']}, target {row['target']}"
