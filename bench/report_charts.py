"""/report's charts: how long the two pictures take to draw, alone and end to end.

Times the radar (latest against previous) and the weekly trend with a year of data, each drawn
on its own, then a whole `/report` through the router on SQLite for a learner with a year of
interviews and XP, and ten `/report`s at once, which queue on the one chart worker.

    python -m bench.report_charts
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import emit, percentile
from bot.app import build
from bot.settings import Settings
from core.db.migrate import upgrade
from core.db.models import SkillScore, XpLedger
from core.features.report.chart import report_png
from core.features.report.data import SKILLS
from core.features.report.radar import RadarSeries
from core.features.report.trend import ScoredMoment, weekly_trend
from core.features.report.trend_chart import trend_png
from core.ports import FixedClock
from tests.support import ChatDriver

BENCH = "report_charts"
ROUNDS = 30
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
COLUMNS = [column for column, _ in SKILLS]


def _year(rng: random.Random) -> tuple[list[ScoredMoment], list[tuple[datetime, int]]]:
    scores = [
        ScoredMoment(
            NOW - timedelta(days=d), rng.uniform(30, 95), {c: rng.uniform(30, 95) for c in COLUMNS}
        )
        for d in range(0, 365, 4)
    ]
    earned = [
        (NOW - timedelta(days=d, hours=h), rng.randint(5, 40)) for d in range(365) for h in (2, 9)
    ]
    return scores, earned


def _timed(draw: object, *args: object) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        draw(*args)  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def _end_to_end(folder: Path, rng: random.Random) -> None:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await upgrade(url)
    settings = Settings(_env_file=None, DATABASE_URL=url)  # type: ignore[call-arg]
    dojo = await build(settings, clock=FixedClock(NOW), migrate_sqlite=False)
    try:
        chats = [ChatDriver(dojo.router, f"learner{n}") for n in range(10)]
        scores, earned = _year(rng)
        for chat in chats:
            await chat.say("/start backend mid Europe/Berlin")
        async with dojo.services.uow_factory() as uow:
            for n in range(len(chats)):
                user = await uow.users.by_account("console", f"learner{n}")
                assert user is not None
                for index, moment in enumerate(scores):
                    uow.session.add(
                        SkillScore(
                            user_id=user.id,
                            source_type="interview",
                            source_id=str(index),
                            overall=round(moment.overall),
                            created_at=moment.at,
                            **{c: round(v) for c, v in moment.skills.items()},
                        )
                    )
                for index, (at, amount) in enumerate(earned):
                    uow.session.add(
                        XpLedger(
                            user_id=user.id,
                            source="bench",
                            reference=str(index),
                            amount=amount,
                            created_at=at,
                        )
                    )
            await uow.commit()
        alone = []
        for _ in range(5):
            started = time.perf_counter()
            await chats[0].say("/report")
            alone.append((time.perf_counter() - started) * 1000)
        emit(BENCH, "one /report, a year of data (p50)", percentile(alone, 0.5), "ms")

        async def timed(chat: ChatDriver) -> float:
            started = time.perf_counter()
            await chat.say("/report")
            return (time.perf_counter() - started) * 1000

        together = await asyncio.gather(*(timed(chat) for chat in chats))
        emit(BENCH, "10 /reports at once: slowest", max(together), "ms")
    finally:
        await dojo.close()


async def main() -> None:
    rng = random.Random(18)
    scores, earned = _year(rng)
    labels = dict(SKILLS)
    series = RadarSeries(list(labels.values()), [70.0] * 6, [60.0] * 6)
    radar = _timed(report_png, series, None, "Ada: progress")
    emit(BENCH, "radar render p50", percentile(radar, 0.5), "ms")
    emit(BENCH, "radar render p95", percentile(radar, 0.95), "ms")
    trend = weekly_trend(scores, earned, COLUMNS, NOW, "Europe/Berlin")
    drawn = _timed(trend_png, trend, labels, "Ada: week by week")
    emit(BENCH, "trend render p50 (52 weeks)", percentile(drawn, 0.5), "ms")
    emit(BENCH, "trend render p95 (52 weeks)", percentile(drawn, 0.95), "ms")
    with tempfile.TemporaryDirectory() as folder:
        await _end_to_end(Path(folder), rng)


if __name__ == "__main__":
    asyncio.run(main())
