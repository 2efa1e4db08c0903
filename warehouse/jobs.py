"""Job records of grid generations, and the generation metrics store (both in Redis).

Celery reads unknown and expired task ids as PENDING, so the API keeps its own record of every job
it issued: the API can then answer 404 for an id it never issued, and tell a job whose worker died
(no heartbeat) from one still running. Workers refresh the heartbeat with every progress report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import redis

from warehouse.cache import METRICS_PREFIX, PREFIX, today

JOBS_PREFIX = f"{PREFIX}:jobs"
GENERATION_TTL_S = 100 * 24 * 3600
DURATIONS_KEPT = 10_000  # per day and strategy, for the percentiles


def job_key(task_id: str) -> str:
    """The hash of one job."""
    return f"{JOBS_PREFIX}:{task_id}"


@dataclass(frozen=True)
class JobRecord:
    """What the API knows of a job without asking Celery."""

    task_id: str
    game: str
    strategy: str
    count: int
    created_at: float
    state: str
    done: int
    total: int
    heartbeat_at: float | None
    error: str | None


class JobStore:
    """Job records in Redis (the cache database); every write sets the record's TTL."""

    def __init__(self, client: redis.Redis, ttl_s: int) -> None:
        self.client = client
        self.ttl_s = ttl_s

    def create(self, task_id: str, game: str, strategy: str, count: int, queued_ttl_s: int) -> None:
        """Record a job before it is queued; it lives ``queued_ttl_s`` while queued or running."""
        key = job_key(task_id)
        with self.client.pipeline() as pipe:
            pipe.hset(
                key,
                mapping={
                    "task_id": task_id,
                    "game": game,
                    "strategy": strategy,
                    "count": count,
                    "created_at": time.time(),
                    "state": "PENDING",
                    "done": 0,
                    "total": count,
                },
            )
            pipe.expire(key, queued_ttl_s)
            pipe.execute()

    def delete(self, task_id: str) -> None:
        """Forget a job that could not be queued."""
        self.client.delete(job_key(task_id))

    def heartbeat(self, task_id: str, state: str, done: int, total: int) -> None:
        """A worker's report: state, progress, and that it is alive."""
        self.client.hset(
            job_key(task_id),
            mapping={"state": state, "done": done, "total": total, "heartbeat_at": time.time()},
        )
        self.client.hincrby(job_key(task_id), "reports", 1)

    def finish(self, task_id: str, state: str, error: str | None = None) -> None:
        """The job ended; the record now lives as long as Celery keeps the result."""
        key = job_key(task_id)
        with self.client.pipeline() as pipe:
            pipe.hset(key, mapping={"state": state, "heartbeat_at": time.time(), "error": error or ""})
            pipe.expire(key, self.ttl_s)
            pipe.execute()

    def get(self, task_id: str) -> JobRecord | None:
        """The record, or None if this service never issued the id (or it expired)."""
        raw = {k.decode(): v.decode() for k, v in self.client.hgetall(job_key(task_id)).items()}
        if not raw:
            return None
        return JobRecord(
            task_id=raw["task_id"],
            game=raw["game"],
            strategy=raw["strategy"],
            count=int(raw["count"]),
            created_at=float(raw["created_at"]),
            state=raw.get("state", "PENDING"),
            done=int(raw.get("done", 0)),
            total=int(raw.get("total", raw["count"])),
            heartbeat_at=float(raw["heartbeat_at"]) if raw.get("heartbeat_at") else None,
            error=raw.get("error") or None,
        )

    def reports(self, task_id: str) -> int:
        """How many progress reports the worker made (for tests and diagnostics)."""
        return int(self.client.hget(job_key(task_id), "reports") or 0)


# ---------------------------------------------------------------------------------------------
# Generation metrics (per day, any process can read them)


def generation_key(day: date) -> str:
    """Counts and grid totals per strategy for one day."""
    return f"{METRICS_PREFIX}:generation:{day.isoformat()}"


def durations_key(day: date, strategy: str) -> str:
    """Durations (ms) of one day's generations of one strategy."""
    return f"{METRICS_PREFIX}:generation:{day.isoformat()}:{strategy}:ms"


def record_generation(
    client: redis.Redis, strategy: str, grids: int, duration_s: float, ok: bool = True
) -> None:
    """Count one generation with its duration and grid count."""
    day = today()
    key, dkey = generation_key(day), durations_key(day, strategy)
    with client.pipeline(transaction=False) as pipe:
        pipe.hincrby(key, f"{strategy}:count" if ok else f"{strategy}:failed", 1)
        if ok:
            pipe.hincrby(key, f"{strategy}:grids", grids)
            pipe.rpush(dkey, round(duration_s * 1000, 3))
            pipe.ltrim(dkey, -DURATIONS_KEPT, -1)
            pipe.expire(dkey, GENERATION_TTL_S)
        pipe.expire(key, GENERATION_TTL_S)
        pipe.execute()


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def generation_stats(client: redis.Redis, days: int, strategies: list[str]) -> dict[str, dict[str, object]]:
    """Per strategy over the last ``days`` days: generations, failures, grids, p50/p95 duration (ms)."""
    out: dict[str, dict[str, object]] = {}
    end = today()
    span = [end - timedelta(days=i) for i in range(days)]
    for strategy in strategies:
        count = failed = grids = 0
        durations: list[float] = []
        for day in span:
            raw = client.hmget(
                generation_key(day), f"{strategy}:count", f"{strategy}:failed", f"{strategy}:grids"
            )
            count += int(raw[0] or 0)
            failed += int(raw[1] or 0)
            grids += int(raw[2] or 0)
            durations += [float(x) for x in client.lrange(durations_key(day, strategy), 0, -1)]
        out[strategy] = {
            "generations": count,
            "failed": failed,
            "grids": grids,
            "p50_ms": _percentile(durations, 0.5),
            "p95_ms": _percentile(durations, 0.95),
        }
    return out
