"""The page cache on its own: single flight under concurrency, a cancelled waiter does not
cancel the others, stale data is served while one refresh runs but never past `stale_for`,
a failure reaches the waiters and the next request computes again, and the size is bounded."""

from __future__ import annotations

import asyncio

import pytest

from adapters.web.cache import PageCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _cache(clock: Clock, gate: asyncio.Event, **options: float) -> PageCache[str]:
    calls: list[int] = []

    async def compute(key: int) -> str:
        calls.append(key)
        await gate.wait()
        return f"page {key} #{len(calls)}"

    return PageCache(compute, clock=clock, **options)  # type: ignore[arg-type]


async def test_concurrent_misses_share_one_computation_and_survive_a_cancelled_waiter() -> None:
    clock, gate = Clock(), asyncio.Event()
    cache = _cache(clock, gate)
    waiters = [asyncio.ensure_future(cache.get(1)) for _ in range(20)]
    await asyncio.sleep(0)
    waiters[0].cancel()
    gate.set()
    results = await asyncio.gather(*waiters[1:])
    assert {entry.value for entry in results} == {"page 1 #1"}
    assert cache.computations == 1


async def test_stale_data_is_served_during_one_refresh_but_never_past_stale_for() -> None:
    clock, gate = Clock(), asyncio.Event()
    gate.set()
    cache = _cache(clock, gate, fresh_for=30, stale_for=60)
    assert (await cache.get(1)).value == "page 1 #1"
    clock.now += 29
    assert (await cache.get(1)).value == "page 1 #1" and cache.computations == 1
    clock.now += 2  # stale: served at once, one refresh behind it
    gate.clear()
    stale = await asyncio.gather(*(cache.get(1) for _ in range(5)))
    assert {entry.value for entry in stale} == {"page 1 #1"} and cache.computations == 2
    gate.set()
    await asyncio.sleep(0.01)
    assert (await cache.get(1)).value == "page 1 #2"
    clock.now += 61  # too old to serve: the request waits for fresh data
    assert (await cache.get(1)).value == "page 1 #3"


async def test_a_failure_reaches_its_waiters_and_the_next_request_computes_again() -> None:
    attempts: list[int] = []

    async def compute(key: int) -> str:
        attempts.append(key)
        if len(attempts) == 1:
            raise RuntimeError("database away")
        return "page"

    cache: PageCache[str] = PageCache(compute)
    with pytest.raises(RuntimeError):
        await cache.get(1)
    assert (await cache.get(1)).value == "page"


async def test_the_cache_keeps_at_most_capacity_communities() -> None:
    clock, gate = Clock(), asyncio.Event()
    gate.set()
    cache = _cache(clock, gate, capacity=2)
    for key in (1, 2, 3):
        await cache.get(key)
    await cache.get(1)  # dropped first (least recently used): computed again
    assert cache.computations == 4
