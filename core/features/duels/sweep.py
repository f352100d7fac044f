"""The `duel_sweep` job: every minute, challenges past their expiry are closed and duels past
their clock end with what each side did (one side never finishing is the usual case).

A duel is also settled when someone touches it (play.settle_if_due), so the sweep is what
keeps a forgotten one from staying open forever. It claims its minute (run_claimed), and each
duel's finish is a guarded status change, so two processes never post a result twice.
"""

from __future__ import annotations

from datetime import datetime

from core.after_commit import send_outbox
from core.db.uow import UnitOfWorkFactory
from core.features.duels.play import settle_if_due
from core.features.duels.store import DuelStore
from core.jobs.delivery import JobReport, run_claimed, tick_key
from core.messages import Effect
from core.ports import Notifier

JOB = "duel_sweep"


async def sweep_duels(
    uow_factory: UnitOfWorkFactory, notifier: Notifier | None, now: datetime
) -> JobReport:
    async def work(report: JobReport) -> None:
        effects: list[Effect] = []
        async with uow_factory() as uow:
            due = await uow.repository(DuelStore).due(now)
            for duel in due:
                effects += await settle_if_due(uow, duel, now)
            await uow.commit()
        failures = await send_outbox(notifier, effects, uow_factory)
        report.sent, report.failed = len(effects) - len(failures), len(failures)
        if due:
            report.notes.append(f"duels settled: {len(due)}")

    return await run_claimed(uow_factory, JOB, tick_key(now), now, work)
