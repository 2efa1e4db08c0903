"""Cache memory bounds on a real Redis: bytes in process, size of one value, what is worth caching,
and the fill lock that belongs to its owner."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis
import redis.asyncio as aioredis
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery.games import Game
from serving import cache
from serving.cache import METRICS_PREFIX, CacheKind, CacheStatus, StatsCache

T = TypeVar("T")


def _run(redis_url: str, settings: Settings, body: Callable[[StatsCache], Awaitable[T]]) -> T:
    async def go() -> T:
        client = aioredis.Redis.from_url(redis_url)
        try:
            return await body(StatsCache(client, settings))
        finally:
            await client.aclose()

    return asyncio.run(go())


def _key(variant: str) -> str:
    return cache.cache_key(Game.EUROMILLIONS, CacheKind.QUICK, "v1", variant)


def _value(n: int) -> Callable[[], Awaitable[bytes]]:
    async def compute() -> bytes:
        return b"x" * n

    return compute


def test_the_in_process_layer_is_capped_in_bytes_oldest_out_first(redis_url: str) -> None:
    """Twenty 300-byte answers under a 1,000-byte cap: at most three stay, the newest ones."""
    settings = Settings(redis_url=redis_url, cache_local_max_bytes=1000)

    async def body(c: StatsCache) -> tuple[int, list[bool]]:
        for i in range(20):
            await c.get_or_compute(CacheKind.QUICK, _key(f"b{i}"), _value(300))
        return c.local_bytes, [c.peek_local(CacheKind.QUICK, _key(f"b{i}")) is not None for i in range(20)]

    held, present = _run(redis_url, settings, body)
    assert held == 900
    assert present == [False] * 17 + [True] * 3


def test_expired_entries_are_swept_without_being_read(redis_url: str) -> None:
    """The sweep (run every second by the API) drops expired entries and their bytes."""
    settings = Settings(redis_url=redis_url, cache_local_ttl_s=0.05)

    async def body(c: StatsCache) -> tuple[int, int, int]:
        for i in range(50):
            await c.get_or_compute(CacheKind.QUICK, _key(f"s{i}"), _value(1000))
        before = c.local_bytes
        await asyncio.sleep(0.1)
        return before, c.sweep_local(), c.local_bytes

    assert _run(redis_url, settings, body) == (50_000, 50, 0)


def test_a_value_over_the_size_cap_is_served_but_stored_nowhere(redis_url: str) -> None:
    """SKIP, computed again next time, absent from Redis and from the process; the lock is released."""
    settings = Settings(redis_url=redis_url, cache_max_value_bytes=10_000)
    calls = 0

    async def big() -> bytes:
        nonlocal calls
        calls += 1
        return b"y" * 10_001

    async def body(c: StatsCache) -> list[CacheStatus]:
        statuses = [(await c.get_or_compute(CacheKind.QUICK, _key("big"), big))[1] for _ in range(2)]
        return [*statuses, c.local_bytes]

    assert _run(redis_url, settings, body) == [CacheStatus.SKIP, CacheStatus.SKIP, 0]
    assert calls == 2
    client = redis.Redis.from_url(redis_url)
    assert client.exists(_key("big"), _key("big") + ":fill") == 0


def cache_entries(client: redis.Redis) -> set[bytes]:
    """The cached answers in Redis (not the hit/miss counters, flushed on their own schedule)."""
    return {key for key in client.scan_iter() if not key.startswith(METRICS_PREFIX.encode())}


def test_draw_pages_not_worth_caching_never_reach_redis(settings: Settings) -> None:
    """First pages are cached; large, far, unaligned or date-filtered pages are served as SKIP."""
    client = redis.Redis.from_url(settings.redis_url)
    with TestClient(create_app(settings)) as c:
        first = [c.get("/api/euromillions/draws", params={"limit": 50}).headers["x-cache"] for _ in range(2)]
        assert first == ["MISS", "HIT"]
        keys_after_first = cache_entries(client)
        assert keys_after_first
        for params in (
            {"limit": 1000},
            {"limit": 50, "offset": 150},
            {"limit": 50, "offset": 7},
            {"limit": 10, "from": "2020-01-01"},
        ):
            response = c.get("/api/euromillions/draws", params=params)
            assert (response.status_code, response.headers["x-cache"]) == (200, "SKIP"), params
        assert cache_entries(client) == keys_after_first


def test_a_stalled_fill_lock_costs_one_lock_lifetime_not_the_full_wait(redis_url: str) -> None:
    """A lock left by a filler that stalled expires after CACHE_FILL_LOCK_S; the waiter takes over."""
    settings = Settings(redis_url=redis_url, cache_fill_lock_s=0.3, cache_fill_wait_s=60.0)
    key = _key("stalled")
    redis.Redis.from_url(redis_url).set(f"{key}:fill", "someone-else", px=300)

    async def body(c: StatsCache) -> tuple[CacheStatus, float]:
        started = time.perf_counter()
        _, status = await c.get_or_compute(CacheKind.QUICK, key, _value(10))
        return status, time.perf_counter() - started

    status, waited = _run(redis_url, settings, body)
    assert status == CacheStatus.MISS
    assert 0.2 < waited < 60.0  # one lock lifetime (0.3 s), far from the full wait
    assert redis.Redis.from_url(redis_url).exists(f"{key}:fill") == 0


def test_a_slow_owner_does_not_release_a_lock_it_no_longer_holds(redis_url: str) -> None:
    """Compare-and-delete: after the owner's lock expired and another took it, the owner leaves it."""
    settings = Settings(redis_url=redis_url, cache_fill_lock_s=0.2)
    key = _key("slow")
    sync = redis.Redis.from_url(redis_url)

    async def slow() -> bytes:
        await asyncio.sleep(0.3)  # the lock (0.2 s) expired meanwhile
        sync.set(f"{key}:fill", "second-owner", px=5000)
        return b"late"

    async def body(c: StatsCache) -> CacheStatus:
        return (await c.get_or_compute(CacheKind.QUICK, key, slow))[1]

    assert _run(redis_url, settings, body) == CacheStatus.MISS
    assert sync.get(f"{key}:fill") == b"second-owner"


def test_uncached_answers_are_computed_a_few_at_a_time(redis_url: str) -> None:
    """Answers not worth caching run at most CACHE_UNCACHED_CONCURRENCY at once (memory bound)."""
    settings = Settings(redis_url=redis_url, cache_uncached_concurrency=2)
    running = peak = 0

    async def page() -> bytes:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1
        return b"page"

    async def body(c: StatsCache) -> list[tuple[bytes, CacheStatus]]:
        return await asyncio.gather(
            *(c.get_or_compute(CacheKind.DRAWS, _key(f"u{i}"), page, cacheable=False) for i in range(10))
        )

    results = _run(redis_url, settings, body)
    assert results == [(b"page", CacheStatus.SKIP)] * 10
    assert peak == 2
    assert redis.Redis.from_url(redis_url).dbsize() == 0
