"""`dojo run` with DOJO_WEB_PORT set: a real process serves /healthz and the pages' 404 beside
Telegram (the fake Bot API on loopback), and stops cleanly; a port it cannot bind fails at
start with one line naming DOJO_WEB_PORT."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from tests.fakes.telegram_server import FakeTelegram


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(tmp_path: Path, fake: FakeTelegram, base_url: str, port: int) -> dict[str, str]:
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DOJO_", "DISCORD", "ANTHROPIC"))
        },
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/dojo.db",
        "DOJO_WEB_PORT": str(port),
    }


async def _get(url: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text(), dict(response.headers)


async def test_dojo_run_serves_the_web_pages_on_dojo_web_port(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        env=_environment(tmp_path, fake, base_url, port), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    log_task = asyncio.create_task(process.stderr.read())
    try:
        health = None
        for _ in range(300):  # 30 s for the process to start
            try:
                health = await _get(f"http://127.0.0.1:{port}/healthz")
                break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
        assert health is not None, "dojo run never served DOJO_WEB_PORT"
        assert health[:2] == (200, "ok\n")
        status, _, headers = await _get(f"http://127.0.0.1:{port}/board/{'A' * 32}")
        assert status == 404 and headers["Referrer-Policy"] == "no-referrer"
        for _ in range(300):  # stop once the bot polls, as an operator's Ctrl-C would find it
            if fake.sent("getUpdates"):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=60)
        except TimeoutError:
            process.kill()
            await process.wait()
        log = (await log_task).decode()
        await fake.stop()
    assert process.returncode == 0, log[-2000:]
    assert "Traceback" not in log, log[-2000:]


async def test_a_web_port_in_use_fails_at_start_with_one_line(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            env=_environment(tmp_path, fake, base_url, port), cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            await fake.stop()
    assert process.returncode == 1
    lines = [line for line in stderr.decode().splitlines() if line.startswith("dojo:")]
    assert len(lines) == 1 and f"DOJO_WEB_PORT={port}" in lines[0], stderr.decode()[-2000:]
    assert "Traceback" not in stderr.decode()
