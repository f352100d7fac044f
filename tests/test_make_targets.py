"""The two set-up commands: `make run` installs what running needs, `make test` the dev tools too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def planned(target: str, venv: Path) -> str:
    """What `make` would run for `target` on a machine with no virtual environment yet."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_dojo_without_the_dev_tools(tmp_path: Path) -> None:
    plan = planned("run", tmp_path / "venv")
    assert "pip install --quiet -e ." in plan
    assert "[dev]" not in plan
    assert plan.rstrip().endswith("dojo run")


def test_make_test_adds_the_dev_tools(tmp_path: Path) -> None:
    plan = planned("test", tmp_path / "venv")
    assert "pip install --quiet -e '.[dev]'" in plan
    assert "scripts/with-postgres.sh" in plan and "pytest -q" in plan
