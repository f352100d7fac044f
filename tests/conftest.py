"""Fixtures: a migrated database on SQLite and, where available, PostgreSQL; a built Dojo."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import Dojo, build
from bot.settings import Settings
from core.db.migrate import upgrade_blocking
from core.ports import FixedClock
from tests.query_counter import Queries, count_queries
from tests.support import ChatDriver

POSTGRES_URL = os.environ.get("DOJO_TEST_POSTGRES_URL")  # an admin URL to a throwaway server
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_blocking(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database; each test gets a copy (CREATE DATABASE ... TEMPLATE)."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need DOJO_TEST_POSTGRES_URL (make test starts a server)")
    name = f"dojo_template_{uuid.uuid4().hex[:8]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    upgrade_blocking(_database_url(name))
    yield name
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _database_url(name: str) -> str:
    assert POSTGRES_URL
    base, _, _ = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}"


def _admin_sql(statement: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        assert POSTGRES_URL
        connection = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run()) if not _loop_running() else _run_in_thread(run)


def _loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_in_thread(factory: object) -> None:
    import asyncio
    import threading

    error: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(factory())  # type: ignore[operator]
        except BaseException as caught:  # re-raised in the caller's thread
            error.append(caught)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if error:
        raise error[0]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test, on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "dojo.db"
        shutil.copy(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    yield from fresh_postgres(request.getfixturevalue("postgres_template"))


def fresh_postgres(template_name: str) -> Iterator[str]:
    name = f"dojo_test_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    yield _database_url(name)
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database, for tests that need a server database."""
    yield from fresh_postgres(postgres_template)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite database, for tests that need only one backend."""
    path = tmp_path / "dojo.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


def make_settings(database_url: str, **overrides: str) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "DOJO_DATA_DIR": "/tmp/dojo-test-data",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def dojo(database_url: str, clock: FixedClock) -> AsyncIterator[Dojo]:
    app = await build(
        make_settings(database_url, DOJO_ADMINS="console:root,discord:root"), clock=clock
    )
    yield app
    await app.close()


@pytest.fixture
def queries(dojo: Dojo) -> Queries:
    """`with queries() as counted:` counts the statements the Dojo's engine sends in the block
    (tests.query_counter): by kind and table, with their texts for the failure message."""
    return lambda: count_queries(dojo.engine)


@pytest.fixture
async def sqlite_dojo(sqlite_url: str, clock: FixedClock) -> AsyncIterator[Dojo]:
    app = await build(
        make_settings(sqlite_url, DOJO_ADMINS="console:root,discord:root"), clock=clock
    )
    yield app
    await app.close()


@pytest.fixture
def ada(sqlite_dojo: Dojo) -> ChatDriver:
    return ChatDriver(sqlite_dojo.router, "ada")
