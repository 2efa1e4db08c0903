"""Redis restarted under a request loop: no 5xx, the hits come back by themselves, then no BYPASS."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import pytest

from api.main import create_app
from config.settings import Settings
from tests.redis_fixtures import PrivateRedis

pytestmark = [pytest.mark.slow, pytest.mark.serial]  # a private redis-server, stopped under load
T = TypeVar("T")
URL = "/api/euromillions/quick-stats?year=2025"


def _serve(settings: Settings, body: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    """Run ``body`` against the app (lifespan included) on one event loop."""
    app = create_app(settings)

    async def go() -> T:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await body(client)

    return asyncio.run(go())


async def _round(client: httpx.AsyncClient, n: int) -> Counter[str]:
    responses = await asyncio.gather(*(client.get(URL) for _ in range(n)))
    return Counter(f"{r.status_code} {r.headers.get('x-cache')}" for r in responses)


def _app_settings(settings: Settings, server: PrivateRedis) -> Settings:
    # Every request goes to Redis (no in-process layer), through a pool of many connections. The stopped
    # server refuses connections at once; the longer socket timeout only keeps a busy machine's slow
    # answers from counting as an outage.
    return settings.model_copy(
        update={"redis_url": server.url, "cache_local_ttl_s": 0.0, "redis_timeout_s": 2.0}
    )


def test_pooled_connections_broken_by_a_restart_are_replaced_without_bypass(
    settings: Settings, private_redis: PrivateRedis
) -> None:
    """Fill the pool, restart Redis while idle: the next burst reconnects (retry), 0 BYPASS, 0 5xx."""

    async def body(client: httpx.AsyncClient) -> tuple[Counter[str], Counter[str]]:
        before = await _round(client, 32)
        private_redis.stop()
        private_redis.start()
        after = await _round(client, 32)
        return before, after

    before, after = _serve(_app_settings(settings, private_redis), body)
    assert set(before) <= {"200 MISS", "200 HIT"}
    assert set(after) <= {"200 MISS", "200 HIT"}, after
    assert after["200 HIT"] >= 31  # one process computes, the others wait for it (single flight)


def test_redis_restart_under_load(settings: Settings, private_redis: PrivateRedis) -> None:
    """Eight clients loop; Redis is down 1.5 s in the middle; then hits again, and no BYPASS."""

    async def body(client: httpx.AsyncClient) -> tuple[list[tuple[float, int, str]], float, float]:
        log: list[tuple[float, int, str]] = []
        stop = asyncio.Event()

        async def worker() -> None:
            while not stop.is_set() and len(log) < 200_000:
                r = await client.get(URL)
                log.append((time.monotonic(), r.status_code, r.headers.get("x-cache", "")))
                await asyncio.sleep(0.002)

        workers = [asyncio.create_task(worker()) for _ in range(8)]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(private_redis.stop)
        await asyncio.sleep(1.5)
        await asyncio.to_thread(private_redis.start)
        restarted = time.monotonic()
        # Wait for the hits to come back (generously: a busy machine is slow, not wrong), let every
        # pooled connection meet the new server, then watch a quiet stretch of at least 100 requests.
        while time.monotonic() < restarted + 120 and not any(
            t > restarted and cache == "HIT" for t, _, cache in log
        ):
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.0)
        quiet_from = time.monotonic()
        while time.monotonic() < quiet_from + 120 and sum(t > quiet_from for t, _, _ in log) < 100:
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.gather(*workers)
        return log, restarted, quiet_from

    log, restarted, quiet_from = _serve(_app_settings(settings, private_redis), body)
    assert len(log) > 200
    assert all(status == 200 for _, status, _ in log), Counter(s for _, s, _ in log)
    assert any(cache == "BYPASS" for _, _, cache in log)  # the outage was real
    assert any(t > restarted and cache == "HIT" for t, _, cache in log)  # hits came back
    tail = Counter(cache for t, _, cache in log if t > quiet_from)
    assert tail["BYPASS"] == 0
    assert tail["HIT"] >= 100
