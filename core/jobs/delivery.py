"""Sending one claimed message through the Notifier port, and what a job run reports.

A refused target (blocked bot, deleted channel) is a DeliveryError: logged as a warning, its
claim marked failed, and the job moves on. Any other error is treated as transient: the claim
is released so a later tick retries, and the job still moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from core.db.uow import UnitOfWorkFactory
from core.jobs import runs
from core.messages import Reply, SendTarget
from core.ports import DeliveryError, Notifier

log = logging.getLogger(__name__)


class Sent(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # refused for good
    RETRY = "retry"  # transient; released for a later tick
    TAKEN = "taken"  # another run already owns it


@dataclass
class JobReport:
    job: str
    run_key: str
    ran: bool = True
    sent: int = 0
    failed: int = 0
    retry: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def count(self, outcome: Sent) -> None:
        if outcome is Sent.SENT:
            self.sent += 1
        elif outcome is Sent.FAILED:
            self.failed += 1
        elif outcome is Sent.RETRY:
            self.retry += 1
        else:
            self.skipped += 1

    def summary(self) -> str:
        if not self.ran:
            return f"{self.job} [{self.run_key}]: already run by another process"
        text = (
            f"{self.job} [{self.run_key}]: sent {self.sent}, failed {self.failed}, "
            f"retry later {self.retry}, skipped {self.skipped}"
        )
        return "; ".join([text, *self.notes])


def tick_key(now: datetime) -> str:
    """The run key of a job ticking once a minute: the minute, in UTC."""
    return now.astimezone(UTC).replace(second=0, microsecond=0).isoformat()


async def run_claimed(
    uow_factory: UnitOfWorkFactory,
    job: str,
    run_key: str,
    now: datetime,
    work: Callable[[JobReport], Awaitable[None]],
) -> JobReport:
    """Do one run of `job` once across processes: claim (job, run_key), work, mark it done.

    A run another process already claimed is reported as not run. A run whose work raises
    stays claimed as running, so a later tick takes it over once the lease runs out.
    """
    report = JobReport(job, run_key)
    async with uow_factory() as uow:
        if not await runs.claim(uow, job, run_key, now):
            report.ran = False
            return report
    await work(report)
    async with uow_factory() as uow:
        await runs.finish(uow, job, run_key, now)
    return report


def can_deliver(notifier: Notifier, platform: str) -> bool:
    """Whether some adapter can send on `platform` (a notifier without `supports` says yes)."""
    supports = getattr(notifier, "supports", None)
    return True if supports is None else bool(supports(platform))


def undeliverable(notifier: Notifier, platform: str, target: object | None, no_target: str) -> str:
    """Why a community's post cannot go out, for the run's report: an operator running
    `dojo admin run-job` without that platform's token must not be told to fix a channel."""
    if not can_deliver(notifier, platform):
        return f"no {platform} adapter here (is its token set?)"
    return no_target if target is None else ""


async def deliver_once(
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    *,
    job: str,
    key: str,
    target: SendTarget,
    replies: Sequence[Reply],
    now: datetime,
) -> Sent:
    """Claim (job, key), send, and record the result; at most one run ever sends it."""
    async with uow_factory() as uow:
        if not await runs.claim(uow, job, key, now):
            return Sent.TAKEN
    try:
        await notifier.send(target, replies)
    except DeliveryError as error:
        log.warning("%s: cannot deliver to %s:%s: %s", job, target.platform, target.chat_id, error)
        async with uow_factory() as uow:
            await runs.finish(uow, job, key, now, runs.FAILED)
        return Sent.FAILED
    except Exception as error:
        log.warning(
            "%s: send to %s:%s failed, will retry: %r", job, target.platform, target.chat_id, error
        )
        async with uow_factory() as uow:
            await runs.release(uow, job, key)
        return Sent.RETRY
    async with uow_factory() as uow:
        await runs.finish(uow, job, key, now)
    return Sent.SENT
