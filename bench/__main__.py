"""`python -m bench` (or `make bench`): run every benchmark, then print one table of figures.

Each benchmark is a module `bench/<name>.py` runnable as `python -m bench.<name>` that reports
figures through bench.report.emit; this runner runs them one after another in subprocesses
(so one's memory or event loop never skews another) and gathers their JSON lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench.report import JSON_MARK

SKIP = {"__init__", "__main__", "report"}


def benchmarks(selected: list[str]) -> list[str]:
    names = sorted(
        path.stem for path in Path(__file__).parent.glob("*.py") if path.stem not in SKIP
    )
    return [name for name in names if not selected or name in selected]


def main() -> int:
    figures: list[dict[str, object]] = []
    failed: list[str] = []
    for name in benchmarks(sys.argv[1:]):
        print(f"\n=== bench.{name}", flush=True)
        started = time.monotonic()
        process = subprocess.run(
            [sys.executable, "-m", f"bench.{name}"], capture_output=True, text=True
        )
        for line in process.stdout.splitlines():
            if line.startswith(JSON_MARK):
                figures.append(json.loads(line[len(JSON_MARK) :]))
            else:
                print(line)
        if process.returncode != 0:
            failed.append(name)
            print(process.stderr[-3000:], file=sys.stderr)
        print(f"=== bench.{name}: {time.monotonic() - started:.1f} s, exit {process.returncode}")
    print("\n| bench | figure | value | unit | target | met |")
    print("|---|---|---|---|---|---|")
    for figure in figures:
        met = {True: "yes", False: "NO", None: ""}[figure["met"]]  # type: ignore[index]
        print(
            f"| {figure['bench']} | {figure['name']} | {figure['value']} | {figure['unit']} "
            f"| {figure['target']} | {met} |"
        )
    for figure in figures:
        print(json.dumps(figure))
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
