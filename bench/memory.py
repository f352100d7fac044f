"""Memory: RSS of one Dojo process holding 10,000 active interviews (target < 200 MB).

Interview state lives in the database, so the process should hold nothing per interview;
this starts 10,000 offline interviews through the router and reads the kernel's RSS figures.
"""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bench.report import emit
from bot.app import build
from bot.settings import Settings
from core.db.models import InterviewSession
from core.messages import ChatKind, ChatRef, Incoming, Platform, UserRef
from core.parsing import parse_command
from core.ports import FixedClock

INTERVIEWS = int(os.environ.get("BENCH_INTERVIEWS", "10000"))
CONCURRENCY = 16


def rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def command(user: int, text: str) -> Incoming:
    parsed = parse_command(text)
    assert parsed is not None
    ref = UserRef(Platform.CONSOLE, f"learner{user}", f"learner{user}")
    return Incoming(
        Platform.CONSOLE,
        ref,
        ChatRef(Platform.CONSOLE, ref.id, ChatKind.PRIVATE),
        text=text,
        command=parsed.name,
        args=parsed.args,
        body=parsed.body,
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'memory.db'}"
        settings = Settings(_env_file=None, DATABASE_URL=url)  # type: ignore[call-arg]
        dojo = await build(settings, clock=FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC)))
        baseline = rss_mb()
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def start(user: int) -> None:
            async with semaphore:
                await dojo.router.handle(command(user, "/interview backend mid system-design"))

        try:
            await asyncio.gather(*(start(user) for user in range(INTERVIEWS)))
            gc.collect()
            async with dojo.services.uow_factory() as uow:
                active = await uow.session.scalar(
                    select(func.count())
                    .select_from(InterviewSession)
                    .where(InterviewSession.status == "active")
                )
        finally:
            await dojo.close()
    emit("memory", "active interviews held", float(active or 0), "interviews")
    emit("memory", "RSS before the interviews", baseline, "MB")
    rss = rss_mb()
    emit("memory", "RSS holding them", rss, "MB", target="< 200 MB", met=rss < 200)
    emit("memory", "peak RSS (VmHWM)", rss_mb("VmHWM"), "MB")


if __name__ == "__main__":
    asyncio.run(main())
