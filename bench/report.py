"""How every benchmark reports a figure: a readable line and a JSON line, on standard output."""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import asdict, dataclass

JSON_MARK = "BENCH "


@dataclass(frozen=True)
class Figure:
    bench: str
    name: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None


def emit(
    bench: str,
    name: str,
    value: float,
    unit: str,
    *,
    target: str = "",
    met: bool | None = None,
) -> Figure:
    figure = Figure(bench, name, round(value, 4), unit, target, met)
    verdict = "" if met is None else ("  [target met]" if met else "  [target MISSED]")
    goal = f"  (target {target})" if target else ""
    print(f"{bench:>22} | {name:<42} {figure.value:>12,.4f} {unit}{goal}{verdict}")
    print(JSON_MARK + json.dumps(asdict(figure)))
    sys.stdout.flush()
    return figure


def percentile(samples: list[float], fraction: float) -> float:
    """The `fraction` percentile (0..1) by nearest rank; 0 for no samples."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[index]


def mean(samples: list[float]) -> float:
    return statistics.fmean(samples) if samples else 0.0
