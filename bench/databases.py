"""Throwaway PostgreSQL databases for benchmarks.

A benchmark must never touch a database someone cares about, and a failed run must not leave
its data behind: each run gets a fresh, uniquely named database on the server that
DOJO_TEST_POSTGRES_URL names, and drops it on the way out whatever happened.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

ADMIN_URL_VARIABLE = "DOJO_TEST_POSTGRES_URL"


def postgres_admin_url() -> str | None:
    """The server to benchmark on, or None (with a note saying why it was skipped)."""
    url = os.environ.get(ADMIN_URL_VARIABLE)
    if not url:
        print(f"PostgreSQL skipped: set {ADMIN_URL_VARIABLE} (scripts/with-postgres.sh does)")
        return None
    return url


async def _admin_sql(plain_url: str, sql: str) -> None:
    import asyncpg  # only PostgreSQL runs need the driver

    connection = await asyncpg.connect(plain_url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@asynccontextmanager
async def throwaway_postgres(admin_url: str) -> AsyncIterator[str]:
    """A new empty database beside `admin_url`'s; yields its URL and drops it afterwards."""
    name = f"dojo_bench_{uuid.uuid4().hex[:8]}"
    plain = admin_url.replace("postgresql+asyncpg", "postgresql")
    await _admin_sql(plain, f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url.rpartition('/')[0]}/{name}"
    finally:
        await _admin_sql(plain, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
