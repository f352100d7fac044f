"""scripts/with-postgres.sh finds PostgreSQL's binaries wherever they are installed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "with-postgres.sh"


def _tool(folder: Path, name: str, body: str = "exit 0") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def _bindir(path: str) -> str:
    """The folder the script settles on (it runs the command at once, as a URL is given)."""
    result = subprocess.run(
        ["bash", "-x", str(SCRIPT), "true"],
        capture_output=True,
        text=True,
        env={"PATH": path, "DOJO_TEST_POSTGRES_URL": "postgresql+asyncpg://given/db"},
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    found = re.findall(r"^\++ bindir=(.*)$", result.stderr, re.M)
    return found[-1].strip("'") if found else ""


def test_initdb_on_path_is_found_through_its_symlink(tmp_path: Path) -> None:
    real = tmp_path / "pg" / "bin"
    initdb = _tool(real, "initdb")
    _tool(real, "pg_ctl")
    shown = tmp_path / "bin"
    shown.mkdir()
    (shown / "initdb").symlink_to(initdb)
    assert _bindir(f"{shown}:/usr/bin:/bin") == str(real)


def test_pg_config_bindir_is_used_when_initdb_is_not_on_path(tmp_path: Path) -> None:
    real = tmp_path / "pgsql" / "bin"
    _tool(real, "initdb")
    _tool(real, "pg_ctl")
    _tool(tmp_path / "tools", "pg_config", f'[ "$1" = --bindir ] && echo {real}')
    path = f"{tmp_path / 'tools'}:/usr/bin:/bin"
    if any(Path(folder, "initdb").exists() for folder in ("/usr/bin", "/bin")):
        pytest.skip("initdb is in a system folder here, so PATH finds it first")
    assert _bindir(path) == str(real)


def test_no_postgres_runs_the_command_alone(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {"PATH": f"{empty}:/usr/bin:/bin"}
    if Path("/usr/lib/postgresql").exists() or any(
        Path(folder, "initdb").exists() for folder in ("/usr/bin", "/bin")
    ):
        pytest.skip("PostgreSQL is installed here, so the script (rightly) finds it")
    result = subprocess.run(
        ["bash", str(SCRIPT), "sh", "-c", "echo ran ${DOJO_TEST_POSTGRES_URL:-alone}"],
        capture_output=True,
        text=True,
        env={**env, "HOME": os.environ.get("HOME", "/")},
        timeout=30,
    )
    assert result.stdout.strip() == "ran alone"
    assert "no PostgreSQL binaries found" in result.stderr
