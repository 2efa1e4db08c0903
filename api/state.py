"""What the app holds for its lifetime (built in the lifespan, injected with FastAPI dependencies)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import anyio
import redis.asyncio as aioredis
from celery import Celery
from fastapi import Request

from api.budgets import Budgets
from api.metrics import Metrics
from config.settings import Settings
from serving.cache import StatsCache
from serving.jobs import AsyncJobReader, JobStore
from serving.snapshot import ServingView, SnapshotReader


class ServiceUnavailableError(RuntimeError):
    """A dependency the request needs is unreachable (503, with the message)."""


class SnapshotMissingError(ServiceUnavailableError):
    """No serving snapshot to answer from: none published yet (a fresh install before the first
    pipeline run), or the one published cannot be read."""


@dataclass
class AppState:
    """Connections and helpers shared by every request of one process."""

    settings: Settings
    redis: aioredis.Redis
    broker: aioredis.Redis
    cache: StatsCache
    reader: SnapshotReader
    metrics: Metrics
    celery: Celery
    jobs: JobStore
    # The job records' RESOLVE on the asyncio client: every task-status read (api/routes/generation.py).
    job_reader: AsyncJobReader
    budgets: Budgets
    started_at: float = field(default_factory=time.time)
    # Worker threads that run job submits at once in one process (built in the lifespan's event
    # loop). 50 submits at once on the shared pool (40 threads) took 412 ms to the last 202; on 2
    # threads 268 ms, on 1 288 ms (bench/trace_generation_burst.py): threads contending for the GIL
    # and for Redis connections cost more than they overlap. Two, so one slow Redis call does not
    # hold every submit.
    submit_limiter: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(2))
    # asyncio client of the result backend, for task-status reads on the event loop; None when the
    # result backend is not Redis (Celery's own read, in a worker thread).
    results: aioredis.Redis | None = None

    def view(self) -> ServingView:
        """The serving snapshot in force, or :class:`SnapshotMissingError`."""
        view = self.reader.current()
        if view is None and self.reader.problem:
            raise SnapshotMissingError(
                f"{self.reader.problem}: publish it again "
                "(dagster asset materialize -m pipelines.definitions --select serving_snapshot)"
            )
        if view is None:
            raise SnapshotMissingError(
                f"no serving snapshot in {self.settings.serving_dir}: run the pipeline first "
                "(scripts/run.sh, or: dagster asset materialize -m pipelines.definitions --select '*')"
            )
        return view


async def get_state(request: Request) -> AppState:
    """FastAPI dependency: the process's :class:`AppState`."""
    return request.app.state.lotostats
