"""Schema upgrades through Alembic, callable from `dojo migrate` and on first start."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncConnection

import migrations
from core.db.engine import create_engine, ensure_sqlite_directory


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`, creating an SQLite file if needed."""
    ensure_sqlite_directory(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                await _foreign_keys(connection, on=False)
            async with connection.begin():
                await connection.run_sync(_upgrade_sync, url, revision)
            if sqlite:
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                await _foreign_keys(connection, on=True)
                if broken:
                    raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")
    finally:
        await engine.dispose()


async def _foreign_keys(connection: AsyncConnection, *, on: bool) -> None:
    """SQLite rebuilds a table to change its definition (drop, then rename a copy); with
    foreign keys on, dropping the old table would cascade into every child row. The pragma
    only takes effect outside a transaction, so it is set before the upgrade's begins."""
    await connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    await connection.commit()


def _upgrade_sync(connection: object, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def upgrade_blocking(url: str, revision: str = "head") -> None:
    asyncio.run(upgrade(url, revision))
