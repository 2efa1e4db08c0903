"""Job records of grid generations, and the generation metrics store (both in Redis).

Celery reads unknown and expired task ids as PENDING, so the API keeps its own record of every job
it issued: the API can then answer 404 for an id it never issued, and tell a job whose worker died
(no heartbeat) from one still running. The record is the source of truth for a job's state: a worker
claims it before running (a redelivered or duplicate message finds it claimed or finished and does
nothing), reports progress into it, and its terminal state is written once (warehouse/job_scripts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import redis
import redis.asyncio as aioredis

from config.settings import Settings
from serving import job_scripts
from serving.cache import METRICS_PREFIX, PREFIX, today

JOBS_PREFIX = f"{PREFIX}:jobs"
GENERATION_TTL_S = 100 * 24 * 3600
DURATIONS_KEPT = 10_000  # per day and strategy, for the percentiles
TERMINAL = ("SUCCESS", "FAILURE")
STATE_RANK = {"PENDING": 0, "STARTED": 1, "PROGRESS": 2, "SUCCESS": 3, "FAILURE": 3}

Claim = Literal["claimed", "missing", "terminal", "busy"]
Beat = Literal["ok", "missing", "terminal", "lost"]


def job_key(task_id: str) -> str:
    """The hash of one job."""
    return f"{JOBS_PREFIX}:{task_id}"


@dataclass(frozen=True)
class JobDeadlines:
    """When a live job is overdue: silent while started, or not started since its submission."""

    heartbeat_s: float
    queue_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> JobDeadlines:
        """JOB_HEARTBEAT_TIMEOUT_S and JOB_QUEUE_TIMEOUT_S."""
        return cls(heartbeat_s=settings.job_heartbeat_timeout_s, queue_s=settings.job_queue_timeout_s)


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

    @classmethod
    def parse(cls, raw: dict[str, str]) -> JobRecord | None:
        """A record from its hash; None if identity fields are missing or malformed."""
        try:
            count = int(raw["count"])
            return cls(
                task_id=raw["task_id"],
                game=raw["game"],
                strategy=raw["strategy"],
                count=count,
                created_at=float(raw["created_at"]),
                state=raw.get("state") or "PENDING",
                done=int(raw.get("done") or 0),
                total=int(raw.get("total") or count),
                heartbeat_at=float(raw["heartbeat_at"]) if raw.get("heartbeat_at") else None,
                error=raw.get("error") or None,
            )
        except (KeyError, ValueError):
            return None


def _decode(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class JobStore:
    """Job records in Redis (the cache database); every record has a TTL, every move is atomic."""

    def __init__(self, client: redis.Redis, ttl_s: int) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self._create = client.register_script(job_scripts.CREATE)
        self._claim = client.register_script(job_scripts.CLAIM)
        self._heartbeat = client.register_script(job_scripts.HEARTBEAT)
        self._finish = client.register_script(job_scripts.FINISH)

    def _args(self, deadlines: JobDeadlines | None, *extra: object) -> list[object]:
        return _script_args(self.ttl_s, deadlines, *extra)

    def create(self, task_id: str, game: str, strategy: str, count: int, queued_ttl_s: int) -> None:
        """Record a job before it is queued; it lives ``queued_ttl_s`` while queued or running."""
        self._create(
            keys=[job_key(task_id)],
            args=self._args(None, queued_ttl_s, task_id, game, strategy, count),
        )

    def delete(self, task_id: str) -> None:
        """Forget a job that could not be queued."""
        self.client.delete(job_key(task_id))

    def claim(self, task_id: str, token: str, deadlines: JobDeadlines) -> Claim:
        """Take a PENDING job for one run; anything else (finished, overdue, held) is refused."""
        return _decode(self._claim(keys=[job_key(task_id)], args=self._args(deadlines, token)))  # type: ignore[return-value]

    def heartbeat(self, task_id: str, token: str, done: int, total: int, deadlines: JobDeadlines) -> Beat:
        """The claiming worker's progress (and proof of life); anything but 'ok' means stop."""
        return _decode(  # type: ignore[return-value]
            self._heartbeat(keys=[job_key(task_id)], args=self._args(deadlines, token, done, total))
        )

    def finish(
        self,
        task_id: str,
        token: str,
        state: str,
        deadlines: JobDeadlines,
        error: str | None = None,
        generation: GenerationCount | None = None,
    ) -> str:
        """The claiming worker's outcome, written once; returns the record's state afterwards.

        ``generation`` is counted in the day's metrics by the same script when this call writes
        the outcome (one round trip; never counted twice, never with an outcome not told)."""
        keys, args = [job_key(task_id)], self._args(deadlines, token, state, error or "")
        if generation is not None:
            keys += generation.metric_keys()
            args += generation.script_args()
        return _decode(self._finish(keys=keys, args=args))

    def get(self, task_id: str) -> JobRecord | None:
        """The record as stored (no transition), or None if missing, expired or incomplete."""
        raw = {_decode(k): _decode(v) for k, v in self.client.hgetall(job_key(task_id)).items()}
        return JobRecord.parse(raw) if raw else None

    def reports(self, task_id: str) -> int:
        """How many progress reports the worker made (for tests and diagnostics)."""
        return int(self.client.hget(job_key(task_id), "reports") or 0)


class AsyncJobReader:
    """The job records as the API reports them, on an asyncio client: its every status read
    (``api.routes.generation.read_task_state``), without a thread hop."""

    def __init__(self, client: aioredis.Redis, ttl_s: int) -> None:
        self.ttl_s = ttl_s
        self._resolve = client.register_script(job_scripts.RESOLVE)

    async def resolve(
        self, task_id: str, deadlines: JobDeadlines, backend_state: str = "", backend_error: str = ""
    ) -> JobRecord | None:
        """The record as the API reports it, after settling what the backend (``backend_state``,
        ``backend_error``: its final outcome, '' if none yet) or the clock (``deadlines``) decided;
        None when there is no valid record."""
        flat = await self._resolve(
            keys=[job_key(task_id)],
            args=_script_args(self.ttl_s, deadlines, backend_state, backend_error),
        )
        return _parse_flat(flat)


def _script_args(ttl_s: int, deadlines: JobDeadlines | None, *extra: object) -> list[object]:
    """The ARGV every job script starts with (deadlines, TTL of a finished record), then ``extra``."""
    d = deadlines or JobDeadlines(heartbeat_s=float("inf"), queue_s=float("inf"))
    return [_lua_seconds(d.heartbeat_s), _lua_seconds(d.queue_s), ttl_s, *extra]


def _parse_flat(flat: list[bytes | str] | None) -> JobRecord | None:
    """A record from RESOLVE's flat HGETALL answer (None: no valid record)."""
    if not flat:
        return None
    items = [_decode(v) for v in flat]
    return JobRecord.parse(dict(zip(items[::2], items[1::2], strict=True)))


def _lua_seconds(value: float) -> str:
    """Seconds as Lua's tonumber reads them (a very large number for 'never')."""
    return "1e18" if value == float("inf") else repr(float(value))


# ---------------------------------------------------------------------------------------------
# Generation metrics (per day, any process can read them)


def generation_key(day: date) -> str:
    """Counts and grid totals per strategy for one day."""
    return f"{METRICS_PREFIX}:generation:{day.isoformat()}"


def durations_key(day: date, strategy: str) -> str:
    """Durations (ms) of one day's generations of one strategy."""
    return f"{METRICS_PREFIX}:generation:{day.isoformat()}:{strategy}:ms"


@dataclass(frozen=True)
class GenerationCount:
    """One generation for the day's metrics: its strategy, grids made and duration."""

    strategy: str
    grids: int
    duration_s: float

    def metric_keys(self) -> list[str]:
        """Today's counts hash and the strategy's durations list (days in Europe/Paris)."""
        day = today()
        return [generation_key(day), durations_key(day, self.strategy)]

    def script_args(self) -> list[object]:
        """What job_scripts.count_generation reads: strategy, grids, ms, durations kept, TTL."""
        ms = round(self.duration_s * 1000, 3)
        return [self.strategy, self.grids, repr(ms), DURATIONS_KEPT, GENERATION_TTL_S]


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
