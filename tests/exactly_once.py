"""Switching de-duplication off, so an exactly-once test can show it would see doubles.

A redelivered platform event is dropped at two places: the database remembers every event id
it has claimed (`processed_events`, through whichever claim the back end runs: one row, a
batch's multi-row INSERT, PostgreSQL's claim-and-resolve statement), and a batch that holds
the same id twice counts it fresh once (core.db.repositories.claimed_flags). The Discord
adapter also remembers the interactions it took, in memory, before any of that.

`Forgetting.CLAIMS` works in the database itself, with a trigger that deletes each claim the
moment it is written: every claim then says "new", whatever Python code made it, so the switch
keeps working when the claim's code changes shape. The others replace the Python code that
decides, and `monkeypatch` fails loudly if that code is renamed away.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.discord.adapter import DiscordAdapter
from core.db import postgres_backend, repositories


class Forgetting(Enum):
    CLAIMS = "the database forgets every claimed event id"
    REPEATS_IN_A_BATCH = "a batch counts an id it holds twice as new twice"
    INTERACTIONS = "the Discord adapter forgets the interactions it took"


_SQLITE_FORGET = """
CREATE TRIGGER forget_claims AFTER INSERT ON processed_events
BEGIN DELETE FROM processed_events WHERE rowid = NEW.rowid; END
"""
_POSTGRES_FORGET = (
    """
    CREATE FUNCTION forget_claim() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM processed_events
        WHERE platform = NEW.platform AND event_id = NEW.event_id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER forget_claims AFTER INSERT ON processed_events
    FOR EACH ROW EXECUTE FUNCTION forget_claim()
    """,
)


async def forget_claims(engine: AsyncEngine) -> None:
    """From now on, every event id claimed in this database is deleted as it is written."""
    statements = _POSTGRES_FORGET if engine.dialect.name == "postgresql" else (_SQLITE_FORGET,)
    async with engine.begin() as connection:
        for statement in statements:
            await connection.execute(text(statement))


def _every_repeat_new(keys: Sequence[tuple[str, str]], fresh: set[tuple[str, str]]) -> list[bool]:
    return [key in fresh for key in keys]


async def switch_off(
    forgetting: Forgetting, monkeypatch: pytest.MonkeyPatch, engine: AsyncEngine
) -> None:
    if forgetting is Forgetting.CLAIMS:
        await forget_claims(engine)
    elif forgetting is Forgetting.REPEATS_IN_A_BATCH:
        monkeypatch.setattr(repositories, "claimed_flags", _every_repeat_new)
        monkeypatch.setattr(postgres_backend, "claimed_flags", _every_repeat_new)
    else:
        monkeypatch.setattr(DiscordAdapter, "first_time", lambda _self, _interaction: True)
