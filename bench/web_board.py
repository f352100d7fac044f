"""The public web leaderboard of a 100,000-learner community: p50/p95 with 20 concurrent clients.

Seeds the data bench.leaderboard seeds (100,000 learners, 2,000,000 activities), puts every
learner in one community, gives it a page, and serves the real aiohttp app on a loopback
port. Twenty clients then fetch the page (HTML, and its JSON) over and over for a while; the
page data is cached per community (adapters.web.cache): the first request's cold computation
is its own figure, and the timed runs include the refreshes when the data goes stale (here
every 5 s rather than 30 s, so that several fall inside each run).

    python -m bench.web_board                       # SQLite
    scripts/with-postgres.sh .venv/bin/python -m bench.web_board   # and PostgreSQL
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from adapters.web.app import CACHE, build_web_app
from bench import leaderboard as seeded
from bench.databases import postgres_admin_url, throwaway_postgres
from bench.report import emit, percentile
from core.config import CoreConfig
from core.context import Services
from core.db.engine import create_engine
from core.db.migrate import upgrade
from core.db.uow import UnitOfWorkFactory
from core.features.web.address import new_token
from core.features.web.store import WebPageStore
from core.ports import FixedClock

BENCH = "web_board"
CLIENTS = 20
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", 12))
TARGET_MS = 50.0
COMMUNITY = 1
# Everyone joins community 1 (bench.leaderboard spread them over ten).
JOIN_ALL = (
    "INSERT INTO community_members (community_id, user_id, joined_at) "
    "SELECT 1, id, created_at FROM users WHERE id NOT IN "
    "(SELECT user_id FROM community_members WHERE community_id = 1)"
)
# bench.leaderboard leaves total XP at 0 (its boards are the week's and month's): the all-time
# board needs each learner's ledger sum, as awards keep it.
TOTAL_XP = (
    "UPDATE users SET xp = COALESCE((SELECT SUM(amount) FROM xp_ledger "
    "WHERE xp_ledger.user_id = users.id), 0)"
)


async def _publish(factory: UnitOfWorkFactory) -> str:
    token = new_token()
    async with factory() as uow:
        await uow.repository(WebPageStore).publish(COMMUNITY, token, seeded.NOW)
        await uow.commit()
    return token


async def _client(session: aiohttp.ClientSession, url: str, until: float, out: list[float]) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        async with session.get(url) as response:
            await response.read()
            assert response.status == 200, response.status
        out.append((time.perf_counter() - started) * 1000)


async def measure(label: str, url: str) -> None:
    engine = create_engine(url)
    factory = UnitOfWorkFactory(engine)
    services = Services(config=CoreConfig(), clock=FixedClock(seeded.NOW), uow_factory=factory)
    runner: web.AppRunner | None = None
    try:
        token = await _publish(factory)
        app = build_web_app(services, fresh_for=5.0, stale_for=60.0)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}/board/{token}"
        connector = aiohttp.TCPConnector(limit=CLIENTS)
        async with aiohttp.ClientSession(connector=connector) as session:
            started = time.perf_counter()
            async with session.get(base + ".json") as response:
                data = await response.json()
            cold = (time.perf_counter() - started) * 1000
            assert all(len(board["entries"]) == 50 for board in data["boards"].values())
            # The timed runs start warm (the cold computation is its own figure above); the
            # data goes stale every 5 s in them, so they include background refreshes.
            for suffix, what in (("", "HTML"), (".json", "JSON")):
                samples: list[float] = []
                until = time.perf_counter() + SECONDS
                await asyncio.gather(
                    *(_client(session, base + suffix, until, samples) for _ in range(CLIENTS))
                )
                p95 = percentile(samples, 0.95)
                emit(
                    BENCH,
                    f"{label} page {what}, {CLIENTS} clients, p50",
                    percentile(samples, 0.5),
                    "ms",
                )
                emit(BENCH, f"{label} page {what}, {CLIENTS} clients, p95", p95, "ms",
                     target=f"< {TARGET_MS:.0f} ms", met=p95 < TARGET_MS)  # fmt: skip
                emit(BENCH, f"{label} page {what}, {CLIENTS} clients, max", max(samples), "ms")
                emit(BENCH, f"{label} page {what} requests in {SECONDS:.0f} s", len(samples), "")
        emit(BENCH, f"{label} page data computed cold (one request)", cold, "ms")
        emit(BENCH, f"{label} page data computations in the runs", app[CACHE].computations, "")
    finally:
        if runner is not None:
            await runner.cleanup()
        await engine.dispose()


def load_sqlite(path: str) -> None:
    seeded.load_sqlite(path)
    db = sqlite3.connect(path)
    db.execute(JOIN_ALL)
    db.execute(TOTAL_XP)
    db.commit()
    db.execute("ANALYZE")
    db.close()


def _exists(path: str | None) -> bool:
    return path is not None and Path(path).exists()


async def main() -> None:
    # BENCH_WEB_DB keeps the seeded SQLite file there (and reuses it) between runs.
    kept = os.environ.get("BENCH_WEB_DB")
    reuse = _exists(kept)
    with tempfile.TemporaryDirectory() as folder:
        path = kept or str(Path(folder) / "bench.db")
        url = f"sqlite+aiosqlite:///{path}"
        if not reuse:
            await upgrade(url)
            started = time.perf_counter()
            load_sqlite(path)
            emit(BENCH, "sqlite bulk load", time.perf_counter() - started, "s")
        await measure("sqlite", url)
    admin_url = postgres_admin_url()
    if admin_url is None:
        return
    async with throwaway_postgres(admin_url) as url:
        await upgrade(url)
        await seeded.load_postgres(url)
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.exec_driver_sql(JOIN_ALL)
                await connection.exec_driver_sql(TOTAL_XP)
                await connection.exec_driver_sql("ANALYZE")
        finally:
            await engine.dispose()
        await measure("postgres", url)


if __name__ == "__main__":
    asyncio.run(main())
