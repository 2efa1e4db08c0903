"""The Redis cache layer: keys, TTLs, hit/miss counters, single-flight fills, warm-up and clean-up.

Keys carry the game's ``data_version``, so new data is never served from an old entry:
``lotostats:v2:{game}:{kind}:{data_version}:{variant}``. Every entry has a TTL; nothing relies on
an eviction policy. Hit/miss counters live in Redis per day (``lotostats:v2:metrics:cache:{day}``)
so any process can report the hit rate; each API process batches its increments (one write a
second) instead of adding a round trip to every request.

In front of Redis, each API process keeps a small in-process copy of recent entries (a few
seconds): the key includes the data version, so it is never stale, only briefly duplicated.
That layer is bounded in bytes (``cache_local_max_bytes``) and swept of expired entries every
second. An answer larger than ``cache_max_value_bytes`` is served but stored nowhere (``SKIP``), and
so is one the caller marks not worth caching. When Redis fails, the API serves without it
(``BYPASS``) and tries it again a second later.

A miss takes a fill lock (``SET NX PX``) so one process computes while the others wait briefly; the
lock holds its owner's token, lives ``cache_fill_lock_s`` and is released by compare-and-delete, so
a stalled or dead filler delays the others at most one lock lifetime.
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

from config.settings import Settings
from lottery.games import Game

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
    TRENDS = "trends"
    ODDS = "odds"


class CacheStatus(StrEnum):
    """How a response was served (the ``X-Cache`` header)."""

    HIT = "HIT"
    MISS = "MISS"
    BYPASS = "BYPASS"
    SKIP = "SKIP"  # served, deliberately not stored (too large, or not worth caching); not counted


def cache_key(game: Game, kind: CacheKind, data_version: str, variant: str) -> str:
    """The key of one cached answer; ``variant`` is a canonical form of the request's filters."""
    return f"{PREFIX}:{game.value}:{kind.value}:{data_version}:{variant}"


def parse_key(key: str) -> tuple[str, str, str, str] | None:
    """(game, kind, data_version, variant) of a cache key, or None for other keys (metrics, locks)."""
    if (
        not key.startswith(PREFIX + ":")
        or key.startswith((METRICS_PREFIX, f"{PREFIX}:jobs", f"{PREFIX}:ratelimit"))
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
        CacheKind.TRENDS: settings.cache_ttl_full_s,  # statistics over time: as long as full statistics
        CacheKind.ODDS: settings.cache_ttl_odds_s,
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
        self._pending: Counter[tuple[date, CacheKind, CacheStatus]] = Counter()

    def add(self, kind: CacheKind, status: CacheStatus) -> None:
        """Count one response (SKIP is not a cache outcome: not counted)."""
        if status is not CacheStatus.SKIP:
            self._pending[(today(), kind, status)] += 1

    async def flush(self, client: aioredis.Redis) -> None:
        """Write the pending counts (kept for the next flush if Redis fails)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, Counter()
        try:
            async with client.pipeline(transaction=False) as pipe:
                for (day, kind, status), n in pending.items():
                    key = counters_key(day)
                    pipe.hincrby(key, f"{kind.value}:{status.value}", n)
                    pipe.hincrby(key, status.value, n)
                    pipe.expire(key, COUNTER_TTL_S)
                await pipe.execute()
        except (redis.RedisError, OSError):
            self._pending.update(pending)


# Release a fill lock only if it still holds our token (it may have expired and been taken since).
RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class StatsCache:
    """Serve bytes from the in-process layer, then Redis, else compute once and fill both."""

    def __init__(self, client: aioredis.Redis, settings: Settings, local_size: int = 2048) -> None:
        self.client = client
        self.settings = settings
        self.counters = CacheCounters()
        self._local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._local_size = local_size
        self._local_bytes = 0
        self._uncached_slots = asyncio.Semaphore(settings.cache_uncached_concurrency)
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

    @property
    def local_bytes(self) -> int:
        """Bytes of values the in-process layer holds now."""
        return self._local_bytes

    def _local_get(self, key: str) -> bytes | None:
        item = self._local.get(key)
        if item is None:
            return None
        if item[0] < time.monotonic():
            self._local_drop(key)
            return None
        return item[1]

    def _local_drop(self, key: str) -> None:
        _, value = self._local.pop(key)
        self._local_bytes -= len(value)

    def _local_put(self, key: str, value: bytes, ttl: int) -> None:
        settings = self.settings
        if (
            settings.cache_local_ttl_s <= 0
            or len(value) > settings.cache_max_value_bytes
            or len(value) > settings.cache_local_max_bytes
        ):
            return
        if key in self._local:
            self._local_drop(key)
        self._local[key] = (time.monotonic() + min(settings.cache_local_ttl_s, ttl), value)
        self._local_bytes += len(value)
        # Oldest first: entries are only added at the end, so the front is also the first to expire.
        while len(self._local) > self._local_size or self._local_bytes > settings.cache_local_max_bytes:
            self._local_drop(next(iter(self._local)))

    def sweep_local(self) -> int:
        """Drop every expired in-process entry now; returns how many."""
        now = time.monotonic()
        expired = [key for key, (expires, _) in self._local.items() if expires < now]
        for key in expired:
            self._local_drop(key)
        return len(expired)

    def storable(self, value: bytes) -> bool:
        """Whether one answer is small enough to be kept (in Redis or in process)."""
        return len(value) <= self.settings.cache_max_value_bytes

    # -- the read path ------------------------------------------------------------------------

    async def get_or_compute(
        self, kind: CacheKind, key: str, compute: Callable[[], Awaitable[bytes]], *, cacheable: bool = True
    ) -> tuple[bytes, CacheStatus]:
        """The cached bytes for ``key``, or ``compute()``'s, stored with ``kind``'s TTL.

        ``cacheable=False``: computed every time, Redis not touched (``SKIP``).
        """
        if not cacheable:
            async with self._uncached_slots:  # each is unique work: bound how many run at once
                return await compute(), CacheStatus.SKIP
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
        lock_ms = max(1, int(self.settings.cache_fill_lock_s * 1000))
        try:
            owner = bool(await self.client.set(lock_key, token, nx=True, px=lock_ms))
            if not owner:
                cached, owner = await self._wait_for_filler(key, lock_key, token, lock_ms)
                if cached is not None:
                    self._local_put(key, cached, ttl)
                    return cached, CacheStatus.HIT
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)
            return await compute(), CacheStatus.BYPASS
        try:
            value = await compute()
        except BaseException:
            if owner:
                await self._release(lock_key, token)
            raise
        storable = self.storable(value)
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                if storable:
                    pipe.set(key, value, ex=ttl)
                if owner:
                    pipe.eval(RELEASE_LOCK, 1, lock_key, token)
                await pipe.execute()
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)
            return value, CacheStatus.BYPASS
        if not storable:
            return value, CacheStatus.SKIP
        self._local_put(key, value, ttl)
        return value, CacheStatus.MISS

    async def _wait_for_filler(
        self, key: str, lock_key: str, token: str, lock_ms: int
    ) -> tuple[bytes | None, bool]:
        """Poll for the value while another owner holds the lock, at most ``cache_fill_wait_s``.

        Returns (the value, False) once it appears; (None, True) if the lock was freed (owner done
        or expired) and this caller took it over; (None, False) at the deadline.
        """
        deadline = time.monotonic() + self.settings.cache_fill_wait_s
        while time.monotonic() < deadline:
            await asyncio.sleep(0.02)
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.set(lock_key, token, nx=True, px=lock_ms)
                cached, taken = await pipe.execute()
            if cached is not None:
                if taken:
                    await self._release(lock_key, token)
                return cached, False
            if taken:
                return None, True
        return None, False

    async def _release(self, lock_key: str, token: str) -> None:
        """Compare-and-delete the fill lock (best effort: it expires anyway)."""
        try:
            await self.client.eval(RELEASE_LOCK, 1, lock_key, token)
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)

    async def ping(self) -> tuple[bool, str]:
        """Whether Redis answers now, and how (for /health)."""
        try:
            await self.client.ping()
        except (redis.RedisError, OSError) as exc:
            self._mark_down(exc)
            return False, exc.__class__.__name__  # the class only: the message names host and port
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
        hits, misses, bypass = (
            raw.get(s.value, 0) for s in (CacheStatus.HIT, CacheStatus.MISS, CacheStatus.BYPASS)
        )
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
