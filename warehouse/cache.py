"""The Redis cache layer: keys, TTLs, hit/miss counters, single-flight fills, warm-up and clean-up.

Keys carry the game's ``data_version``, so new data is never served from an old entry:
``lotostats:v2:{game}:{kind}:{data_version}:{variant}``. Every entry has a TTL; nothing relies on
an eviction policy. Hit/miss counters live in Redis per day (``lotostats:v2:metrics:cache:{day}``)
so any process can report the hit rate; each API process batches its increments (one write a
second) instead of adding a round trip to every request.

In front of Redis, each API process keeps a small in-process copy of recent entries (a few
seconds): the key includes the data version, so it is never stale, only briefly duplicated.
When Redis fails, the API serves without it (``BYPASS``) and tries it again a second later.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

import redis
import redis.asyncio as aioredis

from lottery.games import Game
from warehouse.settings import Settings

log = logging.getLogger(__name__)

PREFIX = "lotostats:v2"  # v2: hot/cold, gaps and chi-square payloads of issue 10
METRICS_PREFIX = f"{PREFIX}:metrics"
COUNTER_TTL_S = 100 * 24 * 3600


class CacheKind(StrEnum):
    """What an entry holds (each kind has its own TTL)."""

    QUICK = "quick"
    FULL = "full"
    DRAWS = "draws"
    GENERATION = "generation"


class CacheStatus(StrEnum):
    """How a response was served (the ``X-Cache`` header)."""

    HIT = "HIT"
    MISS = "MISS"
    BYPASS = "BYPASS"


def cache_key(game: Game, kind: CacheKind, data_version: str, variant: str) -> str:
    """The key of one cached answer; ``variant`` is a canonical form of the request's filters."""
    return f"{PREFIX}:{game.value}:{kind.value}:{data_version}:{variant}"


def parse_key(key: str) -> tuple[str, str, str, str] | None:
    """(game, kind, data_version, variant) of a cache key, or None for other keys (metrics, locks)."""
    if (
        not key.startswith(PREFIX + ":")
        or key.startswith((METRICS_PREFIX, f"{PREFIX}:jobs"))
        or key.endswith(":fill")
    ):
        return None
    parts = key[len(PREFIX) + 1 :].split(":", 3)
    return (parts[0], parts[1], parts[2], parts[3]) if len(parts) == 4 else None


def ttl_for(settings: Settings, kind: CacheKind) -> int:
    """Seconds an entry of ``kind`` lives."""
    return {
        CacheKind.QUICK: settings.cache_ttl_quick_s,
        CacheKind.FULL: settings.cache_ttl_full_s,
        CacheKind.DRAWS: settings.cache_ttl_draws_s,
        CacheKind.GENERATION: settings.cache_ttl_generation_s,
    }[kind]


def counters_key(day: date) -> str:
    """The Redis hash that counts one day's hits, misses and bypasses."""
    return f"{METRICS_PREFIX}:cache:{day.isoformat()}"


def today() -> date:
    """The counters' day (UTC, so every process agrees)."""
    return datetime.now(UTC).date()


# ---------------------------------------------------------------------------------------------
# Async side: the API


class CacheCounters:
    """Counts per (day, kind, status) in memory; ``flush`` adds them to Redis."""

    def __init__(self) -> None:
        self._pending: Counter[tuple[date, str, str]] = Counter()

    def add(self, kind: CacheKind, status: CacheStatus) -> None:
        """Count one response."""
        self._pending[(today(), kind.value, status.value)] += 1

    async def flush(self, client: aioredis.Redis) -> None:
        """Write the pending counts (kept for the next flush if Redis fails)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, Counter()
        try:
            async with client.pipeline(transaction=False) as pipe:
                for (day, kind, status), n in pending.items():
                    key = counters_key(day)
                    pipe.hincrby(key, f"{kind}:{status}", n)
                    pipe.hincrby(key, status, n)
                    pipe.expire(key, COUNTER_TTL_S)
                await pipe.execute()
        except (redis.RedisError, OSError):
            self._pending.update(pending)


class StatsCache:
    """Serve bytes from the in-process layer, then Redis, else compute once and fill both."""

    def __init__(self, client: aioredis.Redis, settings: Settings, local_size: int = 2048) -> None:
        self.client = client
        self.settings = settings
        self.counters = CacheCounters()
        self._local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._local_size = local_size
        self._inflight: dict[str, asyncio.Future[bytes]] = {}
        self._down_until = 0.0

    # -- Redis health -------------------------------------------------------------------------

    @property
    def redis_usable(self) -> bool:
        """False for ``redis_retry_after_s`` after a Redis failure."""
        return time.monotonic() >= self._down_until

    def _mark_down(self, exc: BaseException) -> None:
        if self.redis_usable:
            log.warning(
                "Redis unavailable (%s); serving without cache for %.1fs",
                exc,
                self.settings.redis_retry_after_s,
            )
        self._down_until = time.monotonic() + self.settings.redis_retry_after_s

    # -- in-process layer ---------------------------------------------------------------------

    def peek_local(self, kind: CacheKind, key: str) -> bytes | None:
        """The in-process copy of ``key`` if it is fresh; counted as a HIT when found."""
        value = self._local_get(key)
        if value is not None:
            self.counters.add(kind, CacheStatus.HIT)
        return value

    def _local_get(self, key: str) -> bytes | None:
        item = self._local.get(key)
        if item is None:
            return None
        if item[0] < time.monotonic():
            del self._local[key]
            return None
        return item[1]

    def _local_put(self, key: str, value: bytes, ttl: int) -> None:
        if self.settings.cache_local_ttl_s <= 0:
            return
        self._local[key] = (time.monotonic() + min(self.settings.cache_local_ttl_s, ttl), value)
        self._local.move_to_end(key)
        while len(self._local) > self._local_size:
            self._local.popitem(last=False)

    # -- the read path ------------------------------------------------------------------------

    async def get_or_compute(
        self, kind: CacheKind, key: str, compute: Callable[[], Awaitable[bytes]]
    ) -> tuple[bytes, CacheStatus]:
        """The cached bytes for ``key``, or ``compute()``'s, stored with ``kind``'s TTL."""
        value, status = await self._get_or_compute(kind, key, compute)
        self.counters.add(kind, status)
        return value, status

    async def _get_or_compute(
        self, kind: CacheKind, key: str, compute: Callable[[], Awaitable[bytes]]
    ) -> tuple[bytes, CacheStatus]:
        ttl = ttl_for(self.settings, kind)
        local = self._local_get(key)
        if local is not None:
            return local, CacheStatus.HIT
        if not self.redis_usable:
            return await compute(), CacheStatus.BYPASS
        try:
            cached = await self.client.get(key)
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)
            return await compute(), CacheStatus.BYPASS
        if cached is not None:
            self._local_put(key, cached, ttl)
            return cached, CacheStatus.HIT
        # Single flight inside this process: later requests for the key wait for the first.
        inflight = self._inflight.get(key)
        if inflight is not None:
            return await asyncio.shield(inflight), CacheStatus.HIT
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value, status = await self._fill(key, ttl, compute)
            future.set_result(value)
            return value, status
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters get it, nobody logs "never retrieved"
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._inflight[key]

    async def _fill(
        self, key: str, ttl: int, compute: Callable[[], Awaitable[bytes]]
    ) -> tuple[bytes, CacheStatus]:
        """Compute and store, or wait briefly for another process that is already computing it."""
        lock_key, token = f"{key}:fill", uuid.uuid4().hex
        try:
            owner = await self.client.set(lock_key, token, nx=True, px=10_000)
            if not owner:
                deadline = time.monotonic() + self.settings.cache_fill_wait_s
                while time.monotonic() < deadline:
                    await asyncio.sleep(0.02)
                    cached = await self.client.get(key)
                    if cached is not None:
                        self._local_put(key, cached, ttl)
                        return cached, CacheStatus.HIT
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)
            return await compute(), CacheStatus.BYPASS
        value = await compute()
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.set(key, value, ex=ttl)
                if owner:
                    pipe.delete(lock_key)
                await pipe.execute()
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)
            return value, CacheStatus.BYPASS
        self._local_put(key, value, ttl)
        return value, CacheStatus.MISS

    async def ping(self) -> tuple[bool, str]:
        """Whether Redis answers now, and how (for /health)."""
        try:
            await self.client.ping()
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)
            return False, f"{exc.__class__.__name__}: {exc}"
        self._down_until = 0.0
        return True, "ok"


# ---------------------------------------------------------------------------------------------
# Sync side: Dagster (warm-up, clean-up) and reports


def warm(client: redis.Redis, entries: Iterable[tuple[str, bytes, int]]) -> int:
    """Write ``(key, value, ttl)`` entries; returns how many."""
    n = 0
    with client.pipeline(transaction=False) as pipe:
        for key, value, ttl in entries:
            pipe.set(key, value, ex=ttl)
            n += 1
            if n % 500 == 0:
                pipe.execute()
        pipe.execute()
    return n


def cleanup(client: redis.Redis, current: dict[str, str]) -> dict[str, int]:
    """Delete entries whose data version is not ``current[game]``; returns deleted counts per game."""
    removed: Counter[str] = Counter()
    batch: list[str] = []
    for raw in client.scan_iter(match=f"{PREFIX}:*", count=1000):
        key = raw.decode() if isinstance(raw, bytes) else raw
        parsed = parse_key(key)
        if parsed is None:
            continue
        game, _kind, version, _variant = parsed
        if game in current and version != current[game]:
            batch.append(key)
            removed[game] += 1
        if len(batch) >= 500:
            client.unlink(*batch)
            batch.clear()
    if batch:
        client.unlink(*batch)
    return dict(removed)


def read_counters(client: redis.Redis, days: int, until: date | None = None) -> list[dict[str, object]]:
    """Hits, misses, bypasses and hit rate per day, oldest first."""
    end = until or today()
    out = []
    for i in range(days - 1, -1, -1):
        day = end - timedelta(days=i)
        raw = {
            (k.decode() if isinstance(k, bytes) else k): int(v)
            for k, v in client.hgetall(counters_key(day)).items()
        }
        hits, misses, bypass = (raw.get(s.value, 0) for s in CacheStatus)
        out.append(
            {
                "day": day.isoformat(),
                "hits": hits,
                "misses": misses,
                "bypass": bypass,
                "hit_rate": hit_rate(hits, misses),
            }
        )
    return out


def hit_rate(hits: int, misses: int) -> float | None:
    """hits / (hits + misses), None when nothing was served from or into the cache."""
    served = hits + misses
    return hits / served if served else None


def counter_totals(per_day: list[dict[str, object]]) -> dict[str, object]:
    """Hits, misses, bypasses and hit rate over the days :func:`read_counters` returned."""
    hits = sum(int(d["hits"]) for d in per_day)  # type: ignore[call-overload]
    misses = sum(int(d["misses"]) for d in per_day)  # type: ignore[call-overload]
    bypass = sum(int(d["bypass"]) for d in per_day)  # type: ignore[call-overload]
    return {"hits": hits, "misses": misses, "bypass": bypass, "hit_rate": hit_rate(hits, misses)}
