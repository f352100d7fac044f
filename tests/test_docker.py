"""What can be checked of the container set-up without a Docker engine."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_dockerfile_is_multi_stage_non_root_with_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert text.count("\nFROM ") + text.startswith("FROM ") >= 2
    assert "USER dojo" in text and "HEALTHCHECK" in text
    assert 'ENTRYPOINT ["dojo-entrypoint"]' in text
    for copied in ("bot", "core", "adapters", "migrations"):
        assert f"COPY {copied} ./{copied}" in text


def test_compose_points_dojo_at_its_postgres() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert "postgresql+asyncpg://dojo:dojo@postgres:5432/dojo" in text
    assert "condition: service_healthy" in text and "POSTGRES_DB: dojo" in text


def test_entrypoint_migrates_then_execs_dojo(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    fake = tmp_path / "dojo"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    entrypoint = str(ROOT / "docker" / "entrypoint.sh")
    subprocess.run(["sh", entrypoint, "run"], check=True, env=env)
    subprocess.run(["sh", entrypoint, "console", "--user", "ada"], check=True, env=env)
    assert calls.read_text().splitlines() == ["migrate", "run", "console --user ada"]


def test_health_command_checks_the_database(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/h.db"}
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "health"], env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0 and ok.stdout.strip() == "ok"
    env["DATABASE_URL"] = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "health"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 1 and "unhealthy" in bad.stderr


def test_the_wheel_the_image_installs_carries_migrations_and_content(tmp_path: Path) -> None:
    """The image runs `pip install .` (not editable): data files must travel in the wheel."""
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("dojo_bot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = {name for name in names if name.startswith("migrations/versions/")}
    assert len(migrations) == len(list((ROOT / "migrations" / "versions").glob("*.py")))
    assert "migrations/script.py.mako" in names and "migrations/env.py" in names
    assert "core/content/interview_bank.json" in names
    assert len([name for name in names if name.startswith("core/content/quiz_bank/")]) >= 10
