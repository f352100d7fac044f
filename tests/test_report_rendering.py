"""The chart worker: off the event loop, bounded, and a late or failed chart is None."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from core.features.report.rendering import ChartRenderer


def _slow(seconds: float) -> bytes:
    time.sleep(seconds)
    return threading.current_thread().name.encode()


def _broken() -> bytes:
    raise ValueError("no chart")


async def test_charts_draw_in_the_worker_and_the_loop_keeps_answering() -> None:
    renderer = ChartRenderer()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    drawn = await renderer.render(_slow, 0.3)
    ticker.cancel()
    assert drawn is not None and drawn.startswith(b"dojo-chart")
    assert ticks >= 10  # the event loop ran while the chart was drawn


async def test_the_queue_is_bounded_and_a_late_chart_keeps_its_place_until_done(
    caplog: pytest.LogCaptureFixture,
) -> None:
    renderer = ChartRenderer(max_waiting=1, timeout=0.05)
    assert await renderer.render(_slow, 0.4) is None  # late: text only
    assert renderer.waiting == 1  # still drawing, so it still counts
    assert await renderer.render(_slow, 0.0) is None  # the queue is full
    assert "queue full" in caplog.text
    await asyncio.sleep(0.5)
    assert renderer.waiting == 0
    assert await renderer.render(_broken) is None and renderer.waiting == 0
