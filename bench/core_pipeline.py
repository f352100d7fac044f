"""Core pipeline: a mixed workload from 1,000 learners through the router.

Prints events/s and p50/p99 latency on SQLite and (with DOJO_TEST_POSTGRES_URL) PostgreSQL, next
to the raw single-row commit rate of the same database measured in the same run, through the
same engine and driver (one INSERT and one COMMIT per transaction, one after another). On SQLite
the same loop on a plain sqlite3 connection is printed too, for reference: it shows what the
disk allows without asyncio or SQLAlchemy in the way.
Throughput is measured saturated (a fixed number of events in flight); latency both saturated
(mostly queueing) and in an open loop at half the saturated rate, as a platform delivers events.
Targets: events/s >= 1.0x the raw commit rate; p99 < 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.databases import postgres_admin_url, throwaway_postgres
from bench.report import emit, percentile
from bot.app import build, settle_heap
from bot.settings import Settings
from core.db.engine import create_engine
from core.db.migrate import upgrade
from core.db.statistics import refresh_planner_statistics
from core.messages import ChatKind, ChatRef, CommunityRef, Incoming, Platform, UserRef
from core.parsing import parse_command
from core.ports import FixedClock
from core.router import Router

LEARNERS = int(os.environ.get("BENCH_LEARNERS", "1000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "6000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
RAW_COMMITS = 2000
GROUPS = 20


async def raw_commit_rate(url: str) -> float:
    """Sequential one-row INSERT + COMMIT transactions through the same driver."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(
                text("CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY)")
            )
            await connection.commit()
            started = time.perf_counter()
            for _ in range(RAW_COMMITS):
                await connection.execute(
                    text("INSERT INTO bench_raw (id) VALUES (:id)"), {"id": uuid.uuid4().hex}
                )
                await connection.commit()
            return RAW_COMMITS / (time.perf_counter() - started)
    finally:
        await engine.dispose()


def driverless_commit_rate(path: Path) -> float:
    """The same loop on a plain sqlite3 connection with Dojo's pragmas, no asyncio or
    SQLAlchemy: what the disk allows, shown for reference next to the stack's own rate."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE IF NOT EXISTS bench_plain (id TEXT PRIMARY KEY)")
        connection.commit()
        started = time.perf_counter()
        for _ in range(RAW_COMMITS):
            connection.execute("INSERT INTO bench_plain (id) VALUES (?)", (uuid.uuid4().hex,))
            connection.commit()
        return RAW_COMMITS / (time.perf_counter() - started)
    finally:
        connection.close()


def message(user: int, text_: str, clock: FixedClock) -> Incoming:
    parsed = parse_command(text_)
    group = user % GROUPS
    return Incoming(
        platform=Platform.TELEGRAM,
        user=UserRef(Platform.TELEGRAM, str(user), f"learner{user}"),
        chat=ChatRef(Platform.TELEGRAM, f"-{group}", ChatKind.GROUP),
        text=text_,
        command=parsed.name if parsed else None,
        args=parsed.args if parsed else (),
        body=parsed.body if parsed else "",
        community=CommunityRef(Platform.TELEGRAM, f"-{group}", f"group {group}"),
        event_id=uuid.uuid4().hex,
        addressed=parsed is not None,
        received_at=clock.now(),
    )


def workload(rng: random.Random) -> list[tuple[int, str]]:
    events = []
    for number in range(EVENTS):
        user = rng.randrange(LEARNERS)
        roll = rng.random()
        if roll < 0.6:
            events.append((user, f"chat message {number} about hash maps and indexes"))
        elif roll < 0.8:
            events.append((user, "/profile"))
        else:
            events.append((user, "/leaderboard"))
    return events


async def run_backend(label: str, url: str, sqlite_file: Path | None = None) -> None:
    await upgrade(url)
    raw = await raw_commit_rate(url)
    emit("core_pipeline", f"{label}: raw single-row commits/s", raw, "commits/s")
    if sqlite_file is not None:
        plain = driverless_commit_rate(sqlite_file)
        emit("core_pipeline", f"{label}: same, plain sqlite3 (reference)", plain, "commits/s")
    clock = FixedClock(datetime(2026, 11, 23, 12, tzinfo=UTC))
    settings = Settings(_env_file=None, DATABASE_URL=url)  # type: ignore[call-arg]
    dojo = await build(settings, clock=clock, migrate_sqlite=False)
    settle_heap()  # as `dojo run` does once built
    try:
        router = dojo.router
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def onboard(user: int) -> None:
            async with semaphore:
                await router.handle(message(user, "/start backend mid UTC", clock))

        await asyncio.gather(*(onboard(user) for user in range(LEARNERS)))
        # As `dojo run` does at start and housekeeping hourly: plans fit the data.
        await refresh_planner_statistics(dojo.services.uow_factory)
        latencies: list[float] = []

        async def one(user: int, text_: str) -> None:
            async with semaphore:
                started = time.perf_counter()
                await router.handle(message(user, text_, clock))
                latencies.append((time.perf_counter() - started) * 1000)

        events = workload(random.Random(7))
        clock.advance(minutes=5)
        started = time.perf_counter()
        await asyncio.gather(*(one(user, text_) for user, text_ in events))
        elapsed = time.perf_counter() - started
        rate = len(events) / elapsed
        clock.advance(minutes=5)
        paced = await paced_latencies(router, workload(random.Random(8)), rate / 2, clock)
    finally:
        await dojo.close()
    emit(
        "core_pipeline",
        f"{label}: events/s (saturated, {CONCURRENCY} at once)",
        rate,
        "events/s",
        target=f">= {raw:,.0f} (1.0x raw)",
        met=rate >= raw,
    )
    emit("core_pipeline", f"{label}: p50 latency, saturated", percentile(latencies, 0.5), "ms")
    emit("core_pipeline", f"{label}: p99 latency, saturated", percentile(latencies, 0.99), "ms")
    emit("core_pipeline", f"{label}: p50 latency at half load", percentile(paced, 0.5), "ms")
    p99 = percentile(paced, 0.99)
    emit(
        "core_pipeline",
        f"{label}: p99 latency at half load ({rate / 2:,.0f}/s)",
        p99,
        "ms",
        target="< 50 ms",
        met=p99 < 50,
    )


async def paced_latencies(
    router: Router, events: list[tuple[int, str]], per_second: float, clock: FixedClock
) -> list[float]:
    """Open loop: events arrive on a fixed schedule, as from a platform, whatever the backlog;
    latency runs from each event's arrival time to its answer."""
    latencies: list[float] = []
    count = min(len(events), max(200, int(per_second * 10)))
    # The schedule starts once every arrival is waiting: creating thousands of tasks takes
    # the loop a while, and events due meanwhile would count that set-up as their latency.
    start = time.perf_counter() + 0.5 + count / 20_000

    async def arrive(index: int, user: int, text_: str) -> None:
        due = start + index / per_second
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        await router.handle(message(user, text_, clock))
        latencies.append((time.perf_counter() - due) * 1000)

    await asyncio.gather(*(arrive(i, *event) for i, event in enumerate(events[:count])))
    return latencies


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        await run_backend("sqlite", f"sqlite+aiosqlite:///{database}", database)
    admin_url = postgres_admin_url()
    if admin_url is None:
        return
    async with throwaway_postgres(admin_url) as url:
        await run_backend("postgres", url)


if __name__ == "__main__":
    asyncio.run(main())
