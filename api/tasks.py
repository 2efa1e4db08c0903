"""Celery tasks: advanced grid generation with live progress."""

from __future__ import annotations

import logging
import time
from functools import cache
from typing import Any

import redis
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded

from lottery.games import Game
from lottery.stats.models import StatsError, StatsFilter
from lottery.strategies import Strategy, generate, inputs_from_draws
from warehouse.jobs import JobStore, record_generation
from warehouse.serving import SnapshotReader
from warehouse.settings import Settings, get_settings
from warehouse.statistics import load_window

log = logging.getLogger(__name__)


class GenerationError(Exception):
    """A readable reason a generation could not be done (shown to the API client as is)."""


class WorkerContext:
    """What one worker process keeps between tasks: settings, Redis client, snapshot reader."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
        self.jobs = JobStore(self.redis, settings.cache_ttl_generation_s)
        self.reader = SnapshotReader(settings.serving_dir)


@cache
def context() -> WorkerContext:
    """This process's context, built on first use (never at import)."""
    return WorkerContext(get_settings())


@shared_task(bind=True, name="lotostats.generate_grids")
def generate_grids(
    self: Task,
    game: str,
    strategy: str,
    count: int,
    seed: int | None = None,
    window: dict[str, Any] | None = None,
    exclude: list[int] | None = None,
    exclude_bonus: list[int] | None = None,
) -> dict[str, Any]:
    """Generate ``count`` grids with ``strategy`` from the statistics of ``window``; report progress."""
    ctx = context()
    task_id = self.request.id
    started = time.perf_counter()
    ctx.jobs.heartbeat(task_id, "STARTED", 0, count)
    try:
        view = ctx.reader.current()
        if view is None:
            raise GenerationError("no serving snapshot is published yet: run the pipeline")
        filters = StatsFilter.model_validate(window or {})
        cur = view.cursor()
        try:
            draws = load_window(cur, Game(game), filters)
        finally:
            cur.close()

        def progress(done: int, total: int) -> None:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})
            ctx.jobs.heartbeat(task_id, "PROGRESS", done, total)

        result = generate(
            Strategy(strategy),
            inputs_from_draws(draws),
            count,
            seed=seed,
            exclude=exclude or (),
            exclude_bonus=exclude_bonus or (),
            progress=progress,
        )
    except (GenerationError, StatsError, ValueError) as exc:
        ctx.jobs.finish(task_id, "FAILURE", str(exc))
        record_generation(ctx.redis, strategy, 0, time.perf_counter() - started, ok=False)
        raise GenerationError(str(exc)) from None
    except SoftTimeLimitExceeded:
        message = f"generation stopped at its time limit ({ctx.settings.task_time_limit_s} s)"
        ctx.jobs.finish(task_id, "FAILURE", message)
        raise GenerationError(message) from None
    except Exception:
        log.exception("generation %s failed", task_id)
        ctx.jobs.finish(task_id, "FAILURE", "internal error during generation (see the worker's log)")
        raise
    duration = time.perf_counter() - started
    record_generation(ctx.redis, strategy, len(result.grids), duration)
    ctx.jobs.finish(task_id, "SUCCESS")
    return {
        "game": game,
        "strategy": strategy,
        "seed": result.seed,
        "count": len(result.grids),
        "window": filters.public(),
        "data_version": view.manifest.version(Game(game)),
        "draw_count": draws.size,
        "duration_ms": round(duration * 1000, 2),
        "grids": [
            {
                "numbers": list(g.numbers),
                "bonus": list(g.bonus),
                "score": round(g.score, 6),
                "reason": g.reason,
            }
            for g in result.grids
        ],
        "note": "Lotteries are random: no strategy changes the odds of a grid; these weightings only "
        "reflect past draws.",
    }
