"""Faults: a Dojo process killed with SIGKILL mid-interview; the next one resumes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ANSWER = "I would shard by user id, cache hot links with a TTL and replicate reads."


def _environment(tmp_path: Path) -> dict[str, str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DOJO_", "TELEGRAM", "DISCORD", "ANTHROPIC"))
    }
    return {**clean, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/dojo.db"}


def _read_until(process: subprocess.Popen[str], marker: str, timeout: float = 30) -> str:
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} never appeared in:\n{''.join(seen)}")


def _transcript(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "dojo.db") as connection:
        return connection.execute(
            "SELECT status, transcript FROM interview_sessions ORDER BY id"
        ).fetchall()


def test_sigkill_mid_interview_then_resume(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--user", "ada"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_environment(tmp_path),
        cwd=tmp_path,
    )
    assert process.stdin is not None
    process.stdin.write("/start backend mid UTC\n/interview backend mid system-design\n")
    process.stdin.flush()
    _read_until(process, "Reply with your answer")
    process.stdin.write(ANSWER + "\n")
    process.stdin.flush()
    _read_until(process, "Follow-up")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.stdin.close()  # the pipes outlive the process otherwise (a ResourceWarning)
    assert process.stdout is not None
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    [(status, transcript_before)] = _transcript(tmp_path)
    assert status == "active" and ANSWER in transcript_before

    resumed = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "ada"],
        input="/hint\nAnd I would count clicks asynchronously through a queue.\n/end\n",
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Hint" in resumed.stdout
    [(status, transcript_after)] = _transcript(tmp_path)
    assert status == "completed"
    assert ANSWER in transcript_after and "through a queue" in transcript_after
    assert transcript_after.startswith(transcript_before[:-1])  # nothing lost, nothing rewritten
