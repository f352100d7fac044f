"""The composition root: builds Dojo's parts from settings. Nothing else wires things together."""

from __future__ import annotations

import gc
import inspect
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.notifiers import MultiNotifier
from bot.settings import Settings
from core.ai.gateway import AiGateway
from core.commands import build_registry
from core.context import Services
from core.db.backends import backend_for
from core.db.engine import create_engine, is_sqlite
from core.db.migrate import upgrade
from core.db.uow import UnitOfWorkFactory
from core.db.write_gate import WriteGate
from core.ports import LLM, Clock, Notifier, SystemClock
from core.router import Router

# How events share transactions (core.batching). SQLite has one writer: one batch at a time,
# of up to 32 events. On PostgreSQL a batch spends much of its time waiting on the server, so
# four run at once, of up to 8 events each (the same 32 in all): with one batch at a time the
# process sat idle 37% of the core benchmark, and with 4 x 8 it ran 0.83-0.89x the raw commit
# rate against 0.66-0.78x for 1 x 32 or 2 x 16.
POSTGRES_BATCHES = (8, 4)  # (events per batch, batches at once)


class StartupError(Exception):
    """Dojo cannot start (database unreachable, schema missing); the message says why."""


@dataclass
class Dojo:
    settings: Settings
    engine: AsyncEngine
    services: Services
    router: Router
    closers: list[object] = field(default_factory=list)
    # Each running adapter registers its Notifier here by platform name; jobs and
    # announcements reach every platform through `notifier`, which routes by target.
    notifiers: dict[str, Notifier] = field(default_factory=dict)

    @property
    def notifier(self) -> MultiNotifier:
        return MultiNotifier(self.notifiers)

    async def close(self) -> None:
        """Release the database pool, the drawing threads and the model client's connections."""
        await self.engine.dispose()
        self.services.drawing.close()
        closer = getattr(self.services.llm, "close", None)
        if closer is not None and inspect.iscoroutinefunction(closer):
            await closer()


def settle_heap() -> None:
    """Call once Dojo is built: everything built so far lives as long as the process, so keep
    it out of the collector's full passes, which otherwise pause every event being handled
    (a full pass over a freshly built Dojo takes tens of milliseconds)."""
    gc.freeze()


def build_llm(settings: Settings) -> LLM | None:
    """Claude when ANTHROPIC_API_KEY is set; None means offline mode everywhere."""
    if not settings.anthropic_api_key:
        return None
    from adapters.anthropic import AnthropicLLM

    return AnthropicLLM(
        api_key=settings.anthropic_api_key,
        model=settings.model,
        base_url=settings.anthropic_base_url,
    )


async def _check_database(engine: AsyncEngine, url: str) -> None:
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            has_schema = await connection.run_sync(
                lambda sync: sync.dialect.has_table(sync, "alembic_version")
            )
    except Exception as error:  # the driver's own error types vary by backend
        raise StartupError(f"Cannot reach the database at DATABASE_URL: {error}") from None
    if not has_schema:
        raise StartupError("The database has no Dojo schema yet: run `dojo migrate` first.")


async def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    llm: LLM | None = None,
    migrate_sqlite: bool = True,
) -> Dojo:
    url = settings.database_url
    if migrate_sqlite and is_sqlite(url):
        await upgrade(url)
    engine = create_engine(url)
    await _check_database(engine, url)
    config = settings.core_config()
    clock = clock or SystemClock()
    uow_factory = UnitOfWorkFactory(engine, backend_for(engine))  # SQLite or PostgreSQL
    llm = llm if llm is not None else build_llm(settings)
    write_gate = WriteGate() if is_sqlite(url) else None
    notifiers: dict[str, Notifier] = {}
    services = Services(
        config=config,
        clock=clock,
        uow_factory=uow_factory,
        llm=llm,
        ai=AiGateway(llm, config, uow_factory, clock, write_gate),
        write_gate=write_gate,
        notifier=MultiNotifier(notifiers),
    )
    size, concurrent = (32, 1) if is_sqlite(url) else POSTGRES_BATCHES
    router = Router(
        services,
        build_registry(),
        batch_size=size,
        concurrent_batches=concurrent,
    )
    return Dojo(settings, engine, services, router, notifiers=notifiers)
