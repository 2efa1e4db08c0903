"""Redis restarted under a request loop: no 5xx, hits back within 5 s, then no BYPASS."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from api.main import create_app
from config.settings import Settings
from tests.redis_fixtures import PrivateRedis

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
    # Every request goes to Redis (no in-process layer), through a pool of many connections.
    return settings.model_copy(update={"redis_url": server.url, "cache_local_ttl_s": 0.0})


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
    """Eight clients loop for about 6 s; Redis is down 1.5 s in the middle."""

    async def body(client: httpx.AsyncClient) -> tuple[list[tuple[float, int, str]], float, float]:
        log: list[tuple[float, int, str]] = []
        stop = asyncio.Event()

        async def worker() -> None:
            while not stop.is_set() and len(log) < 20_000:
                r = await client.get(URL)
                log.append((time.monotonic(), r.status_code, r.headers.get("x-cache", "")))
                await asyncio.sleep(0.002)

        workers = [asyncio.create_task(worker()) for _ in range(8)]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(private_redis.stop)
        await asyncio.sleep(1.5)
        await asyncio.to_thread(private_redis.start)
        restarted = time.monotonic()
        await asyncio.sleep(4.0)
        quiet_from = time.monotonic()
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*workers)
        return log, restarted, quiet_from

    log, restarted, quiet_from = _serve(_app_settings(settings, private_redis), body)
    assert len(log) > 200
    assert all(status == 200 for _, status, _ in log), Counter(s for _, s, _ in log)
    assert any(cache == "BYPASS" for _, _, cache in log)  # the outage was real
    first_hit = min(t for t, _, cache in log if t > restarted and cache == "HIT")
    assert first_hit - restarted < 5.0
    tail = Counter(cache for t, _, cache in log if t > quiet_from)
    assert tail["BYPASS"] == 0
    assert tail["HIT"] > 50
