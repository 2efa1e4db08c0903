"""The Redis cache layer on a real Redis: single flight, counters, clean-up, outages."""

from __future__ import annotations

import asyncio
import time

import redis
import redis.asyncio as aioredis
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery.games import Game
from serving import cache
from serving.cache import CacheKind, CacheStatus, StatsCache
from tests.redis_fixtures import PrivateRedis


def test_keys_carry_game_kind_version_and_variant() -> None:
    """Keys parse back; metrics and lock keys are not cache entries."""
    key = cache.cache_key(Game.LOTO, CacheKind.FULL, "2600-abc", "2025-03")
    assert key == "lotostats:v2:loto:full:2600-abc:2025-03"
    assert cache.parse_key(key) == ("loto", "full", "2600-abc", "2025-03")
    assert cache.parse_key(cache.counters_key(cache.today())) is None
    assert cache.parse_key(key + ":fill") is None


def test_single_flight_computes_once_under_a_burst_across_two_processes(redis_url: str) -> None:
    """50 concurrent requests in each of two 'processes' (two caches, two pools): one computation."""
    settings = Settings(redis_url=redis_url, cache_fill_wait_s=3.0)
    calls = 0

    async def compute() -> bytes:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.2)
        return b'{"answer":42}'

    async def burst() -> list[tuple[bytes, CacheStatus]]:
        clients = [aioredis.Redis.from_url(redis_url) for _ in range(2)]
        caches = [StatsCache(c, settings) for c in clients]
        key = cache.cache_key(Game.EUROMILLIONS, CacheKind.QUICK, "v1", "burst")
        try:
            return await asyncio.gather(
                *(caches[i % 2].get_or_compute(CacheKind.QUICK, key, compute) for i in range(100))
            )
        finally:
            for c in clients:
                await c.aclose()

    results = asyncio.run(burst())
    assert calls == 1
    assert all(body == b'{"answer":42}' for body, _ in results)
    statuses = [status for _, status in results]
    assert statuses.count(CacheStatus.MISS) == 1
    assert statuses.count(CacheStatus.HIT) == 99
    ttl = redis.Redis.from_url(redis_url).ttl(
        cache.cache_key(Game.EUROMILLIONS, CacheKind.QUICK, "v1", "burst")
    )
    assert 0 < ttl <= settings.cache_ttl_quick_s


def test_a_failed_computation_is_not_cached_and_reaches_every_waiter(redis_url: str) -> None:
    """An error propagates to the requests that waited for it; the next request computes again."""
    settings = Settings(redis_url=redis_url)

    async def boom() -> bytes:
        await asyncio.sleep(0.05)
        raise ValueError("no draws")

    async def run() -> list[object]:
        client = aioredis.Redis.from_url(redis_url)
        c = StatsCache(client, settings)
        key = cache.cache_key(Game.LOTO, CacheKind.FULL, "v1", "err")
        try:
            out = await asyncio.gather(
                *(c.get_or_compute(CacheKind.FULL, key, boom) for _ in range(5)), return_exceptions=True
            )
            out.append(await client.exists(key))
            return out
        finally:
            await client.aclose()

    *errors, exists = asyncio.run(run())
    assert all(isinstance(e, ValueError) for e in errors)
    assert exists == 0


def test_cleanup_removes_only_superseded_versions(redis_url: str) -> None:
    """The nightly clean-up keeps the current versions' entries, counters and other games' keys."""
    client = redis.Redis.from_url(redis_url)
    keep = cache.cache_key(Game.EUROMILLIONS, CacheKind.QUICK, "new", "all")
    old = [cache.cache_key(Game.EUROMILLIONS, k, "old", v) for k in CacheKind for v in ("all", "2025")]
    other = cache.cache_key(Game.LOTO, CacheKind.QUICK, "lotov", "all")
    for key in [keep, *old, other]:
        client.set(key, b"x", ex=600)
    client.hincrby(cache.counters_key(cache.today()), "HIT", 3)
    removed = cache.cleanup(client, {"euromillions": "new", "loto": "lotov"})
    assert removed == {"euromillions": len(old)}
    assert client.exists(keep, other) == 2
    assert client.exists(*old) == 0
    assert client.hget(cache.counters_key(cache.today()), "HIT") == b"3"


def test_redis_down_serves_from_the_snapshot_then_hits_resume_without_restart(
    settings: Settings, private_redis: PrivateRedis
) -> None:
    """Stop Redis: BYPASS and no 5xx. Start it again: MISS, then HIT, with the same app."""
    app_settings = settings.model_copy(
        update={"redis_url": private_redis.url, "cache_local_ttl_s": 0.0, "redis_retry_after_s": 0.2}
    )
    url = "/api/euromillions/quick-stats?year=2025"
    with TestClient(create_app(app_settings)) as c:
        assert c.get(url).headers["x-cache"] == "MISS"
        assert c.get(url).headers["x-cache"] == "HIT"
        reference = c.get(url).json()
        private_redis.stop()
        for _ in range(5):
            down = c.get(url)
            assert down.status_code == 200
            assert down.headers["x-cache"] == "BYPASS"
            assert down.json() == reference
        health = c.get("/health")
        assert (health.status_code, health.json()["status"]) == (200, "degraded")
        assert health.json()["checks"]["redis"]["ok"] is False
        private_redis.start()  # same port, empty: the pool reconnects by itself
        time.sleep(0.3)
        statuses = [c.get(url).headers["x-cache"] for _ in range(3)]
        assert statuses == ["MISS", "HIT", "HIT"]
        assert c.get("/health").json()["checks"]["redis"]["ok"] is True


def test_nightly_cleanup_job_removes_superseded_entries_and_reports_them(
    redis_url: str, settings: Settings
) -> None:
    """The Dagster job compares Redis with the published manifest and deletes the old versions only."""
    from pipelines.resources import RedisCache, ServingStore
    from pipelines.schedules import cache_cleanup_job
    from serving.snapshot import read_manifest

    manifest = read_manifest(settings.serving_dir)
    assert manifest is not None
    client = redis.Redis.from_url(redis_url)
    current = cache.cache_key(Game.EUROMILLIONS, CacheKind.QUICK, manifest.version(Game.EUROMILLIONS), "all")
    stale = [cache.cache_key(Game.EUROMILLIONS, CacheKind.QUICK, "1946-old", s) for s in ("all", "2025")]
    for key in [current, *stale]:
        client.set(key, b"{}", ex=600)
    result = cache_cleanup_job.execute_in_process(
        resources={
            "serving": ServingStore(directory=str(settings.serving_dir)),
            "redis_cache": RedisCache(url=redis_url),
        }
    )
    assert result.success
    assert result.output_for_node("cache_cleanup_op") == {"euromillions": 2}
    assert client.exists(current) == 1
    assert client.exists(*stale) == 0
