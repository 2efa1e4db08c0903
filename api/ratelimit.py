"""Per-client rate limit of the expensive endpoints, kept in Redis so every API process shares it.

A fixed window: ``INCR`` + ``EXPIRE`` in one MULTI per request on
``lotostats:v1:ratelimit:{bucket}:{client}:{window}``. Beyond the limit the caller gets 429 with
``Retry-After`` (seconds to the next window). When Redis is unreachable the limiter fails open but
bounded: each process counts in memory with the same limit and window (so N processes allow at most
N times the limit until Redis is back).
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict

import redis
import redis.asyncio as aioredis

from serving.cache import PREFIX

log = logging.getLogger(__name__)
RATE_PREFIX = f"{PREFIX}:ratelimit"
LOCAL_CLIENTS = 10_000  # clients the in-process fallback remembers (oldest forgotten first)


class RateLimitedError(Exception):
    """Too many requests from one client in the current window (429)."""

    def __init__(self, limit: int, window_s: int, retry_after_s: int) -> None:
        super().__init__(f"more than {limit} requests in {window_s} s; retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class RateLimiter:
    """``limit`` requests per client and ``window_s`` window (0 disables it)."""

    def __init__(self, client: aioredis.Redis, bucket: str, limit: int, window_s: int) -> None:
        self.client = client
        self.bucket = bucket
        self.limit = limit
        self.window_s = window_s
        self._local: OrderedDict[tuple[str, int], int] = OrderedDict()

    async def check(self, who: str) -> None:
        """Count one request of ``who``; :class:`RateLimitedError` when it is over the limit."""
        if self.limit <= 0:
            return
        now = time.time()
        window = int(now // self.window_s)
        retry_after = max(1, math.ceil((window + 1) * self.window_s - now))
        try:
            count = await self._count_redis(who, window)
        except (redis.RedisError, OSError) as exc:
            log.warning("rate limit store unreachable (%s): counting in this process", type(exc).__name__)
            count = self._count_local(who, window)
        if count > self.limit:
            raise RateLimitedError(self.limit, self.window_s, retry_after)

    async def _count_redis(self, who: str, window: int) -> int:
        key = f"{RATE_PREFIX}:{self.bucket}:{who}:{window}"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.window_s + 1)
            count, _ = await pipe.execute()
        return int(count)

    def _count_local(self, who: str, window: int) -> int:
        key = (who, window)
        count = self._local.pop(key, 0) + 1
        self._local[key] = count
        while len(self._local) > LOCAL_CLIENTS:
            self._local.popitem(last=False)
        return count
