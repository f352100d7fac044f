"""`dojo run` as an operator starts it: a real process, Telegram at TELEGRAM_BASE_URL (the fake
Bot API on loopback), long polling, a learner's message answered, and a clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.fakes.telegram_server import FakeTelegram


async def _wait_for(condition: Callable[[], object]) -> None:
    for _ in range(300):  # 30 s, polling the fake's record of calls
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out waiting for the bot")


async def test_dojo_run_serves_telegram_from_the_configured_base_url(tmp_path: Path) -> None:
    fake = FakeTelegram()
    base_url = await fake.start()
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DOJO_", "DISCORD", "ANTHROPIC"))
        },
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/dojo.db",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        env=environment, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    # Read the log as it is written: a pipe nobody drains can block the bot, and a read
    # cancelled by a timeout would lose what it had read.
    log_task = asyncio.create_task(process.stderr.read())
    stopped_in = None
    try:
        await _wait_for(lambda: fake.sent("getMe") and fake.sent("deleteWebhook"))
        fake.push(
            {
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 4242, "type": "private", "first_name": "Ada"},
                    "from": {"id": 4242, "is_bot": False, "first_name": "Ada"},
                    "text": "/start backend mid Europe/Berlin",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                }
            }
        )
        await _wait_for(lambda: fake.sent("sendMessage", chat_id=4242))
        answer = fake.sent("sendMessage", chat_id=4242)[0].params["text"]
        assert "You're set" in answer and "Europe/Berlin" in answer
        assert fake.sent("setMyCommands") and fake.refusals() == []
    finally:
        started = time.monotonic()
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), timeout=60)
            stopped_in = time.monotonic() - started
        except TimeoutError:
            process.kill()
            await process.wait()
        log = (await log_task).decode()
        await fake.stop()
    assert stopped_in is not None, f"Ctrl-C did not stop dojo run within 60 s: {log[-2000:]}"
    assert "Traceback" not in log, log[-2000:]
    assert log.count("Scheduler started") == 1, log[-2000:]  # Dojo's, no platform job queue
