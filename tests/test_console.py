"""The console chat end to end: the real `dojo` entry point with piped standard input."""

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from adapters.console.chat import read_messages


def _run(tmp_path: Path, stdin: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DOJO_", "TELEGRAM", "DISCORD", "ANTHROPIC"))
        },
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/dojo.db",
        "DOJO_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def test_piped_session_creates_the_database_and_exits_zero(tmp_path: Path) -> None:
    result = _run(tmp_path, "/start\n/profile\n", "console", "--user", "ada")
    assert result.returncode == 0, result.stderr
    assert "Which track are you preparing for?" in result.stdout
    assert "1. Backend" in result.stdout
    assert "Level 1 · Intern Arrival" in result.stdout
    assert "offline mode" in result.stdout
    assert (tmp_path / "data" / "dojo.db").exists()
    assert "Traceback" not in result.stderr


def test_numbered_choices_answer_buttons_and_state_persists(tmp_path: Path) -> None:
    first = _run(tmp_path, "/start\n3\n4\nAsia/Kolkata\n", "console", "--user", "raj")
    assert first.returncode == 0, first.stderr
    assert "fullstack track, senior, time zone Asia/Kolkata" in first.stdout
    second = _run(tmp_path, "/settings\n", "console", "--user", "raj")
    assert "Track: fullstack · Level: senior" in second.stdout


def test_run_without_tokens_opens_the_console(tmp_path: Path) -> None:
    result = _run(tmp_path, "/help\n", "run")
    assert result.returncode == 0, result.stderr
    assert "Dojo console" in result.stdout and "/leaderboard" in result.stdout


def test_console_admin_from_dojo_admins(tmp_path: Path) -> None:
    result = _run(tmp_path, "/help\n", "console", "--user", "root", DOJO_ADMINS="console:root")
    assert result.returncode == 0, result.stderr


def test_malformed_setting_fails_with_one_clear_line(tmp_path: Path) -> None:
    result = _run(tmp_path, "", "console", DOJO_MONTHLY_AI_BUDGET_USD="lots")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DOJO_MONTHLY_AI_BUDGET_USD" in lines[0]
    bad_url = _run(tmp_path, "", "console", DATABASE_URL="mysql://x")
    assert bad_url.returncode == 2 and "DATABASE_URL" in bad_url.stderr


def test_unreachable_database_is_one_line_and_non_zero(tmp_path: Path) -> None:
    result = _run(
        tmp_path, "", "console", DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none"
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Cannot reach the database" in result.stderr


def test_migrate_command(tmp_path: Path) -> None:
    result = _run(tmp_path, "", "migrate")
    assert result.returncode == 0, result.stderr
    assert "latest schema" in result.stdout


def test_fenced_block_is_one_message_and_follows_its_command(tmp_path: Path) -> None:
    lines = "/review python\n```python\nprint('hi')\n\nx = 1\n```\n/profile\n"
    messages = list(read_messages(io.StringIO(lines)))
    assert messages == ["/review python", "```python\nprint('hi')\n\nx = 1\n```", "/profile"]


def test_review_line_is_answered_before_the_next_line_arrives() -> None:
    """Typed at a terminal, `/review python` must not wait for a line nobody has typed yet."""
    read: list[str] = []

    def typed() -> Iterator[str]:
        for line in ("/review python\n", "```python\n", "x = 1\n", "```\n"):
            read.append(line)
            yield line

    messages = read_messages(typed())  # type: ignore[arg-type]
    assert next(messages) == "/review python"
    assert read == ["/review python\n"]
    assert next(messages) == "```python\nx = 1\n```"


def test_piped_review_then_fence_is_reviewed(tmp_path: Path) -> None:
    code = "/review python\n```python\ndef double(x):\n    return x * 2\n```\n"
    result = _run(tmp_path, code, "console", "--user", "ada")
    assert result.returncode == 0, result.stderr
    assert "Code review (python)" in result.stdout




def test_open_quiz_is_answered_by_number_after_a_restart(tmp_path: Path) -> None:
    first = _run(tmp_path, "/quiz sql 1\n", "console", "--user", "ada")
    assert "Question 1 of 1" in first.stdout, first.stderr
    restarted = _run(tmp_path, "9\n2\n", "console", "--user", "ada")
    assert restarted.returncode == 0, restarted.stderr
    assert "Pick 1-" in restarted.stdout and "for question 1." in restarted.stdout
    assert "Quiz complete" in restarted.stdout and "not sure what you mean" not in restarted.stdout


def test_forget_also_removes_the_files_the_console_saved(tmp_path: Path) -> None:
    session = "/start backend mid UTC\n/export\n/report\n"
    saved = _run(tmp_path, session, "console", "--user", "ada")
    assert saved.returncode == 0, saved.stderr
    folder = tmp_path / "data" / "files" / "ada"
    assert len(list(folder.iterdir())) >= 1
    other = _run(tmp_path, "/start backend mid UTC\n/export\n", "console", "--user", "bob")
    assert other.returncode == 0, other.stderr
    forgot = _run(tmp_path, "/forget\n1\n", "console", "--user", "ada")
    assert "Everything Dojo knew about you is deleted" in forgot.stdout
    assert not folder.exists()
    assert list((tmp_path / "data" / "files" / "bob").iterdir())  # only ada's went
