"""Celery tasks: advanced grid generation, large ticket checks and wheels, with live progress."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from typing import Any

import redis
from celery import Task, shared_task
from celery.exceptions import Ignore, SoftTimeLimitExceeded

from config.settings import Settings, get_settings
from lottery.checker import Ticket, answer, check
from lottery.games import Game
from lottery.prices import price_on
from lottery.stats.models import StatsError, StatsFilter
from lottery.strategies import Strategy, generate
from lottery.wheel_answer import wheel_answer
from lottery.wheels import WheelError, WheelRequestError, build_wheel, check_wheel, estimate_seconds
from serving import queries
from serving.jobs import JobDeadlines, JobStore, record_generation
from serving.snapshot import ServingView, SnapshotReader

log = logging.getLogger(__name__)


class GenerationError(Exception):
    """A readable reason a generation could not be done (shown to the API client as is)."""


class JobAbandonedError(Exception):
    """The job record says stop: finished or overdue meanwhile, expired, or not this run's."""


class WorkerContext:
    """What one worker process keeps between tasks: settings, Redis client, snapshot reader."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
        self.jobs = JobStore(self.redis, settings.cache_ttl_generation_s)
        self.deadlines = JobDeadlines.from_settings(settings)
        self.reader = SnapshotReader(settings.serving_dir)


@cache
def context() -> WorkerContext:
    """This process's context, built on first use (never at import)."""
    return WorkerContext(get_settings())


class GenerationTask(Task):
    """Writes SUCCESS to the job record only once Celery has stored the result."""

    def on_success(self, retval: Any, task_id: str, args: Any, kwargs: Any) -> None:
        """Called after the result is in the backend: the API finds the grids when it reads SUCCESS."""
        ctx = context()
        ctx.jobs.finish(task_id, getattr(self.request, "job_claim", ""), "SUCCESS", ctx.deadlines)


def claim_job(task: Task, what: str) -> tuple[WorkerContext, str, str]:
    """Claim the job record of ``task`` before running it, or drop the message (``Ignore``): a
    message delivered again (or twice) for a job that is finished, overdue or held by a live worker
    does nothing and stores nothing (logged as "``what`` <id> not run"). Returns the context, the
    task id and the claim's token."""
    ctx = context()
    task_id = task.request.id
    token = uuid.uuid4().hex
    claim = ctx.jobs.claim(task_id, token, ctx.deadlines)
    if claim != "claimed":
        log.warning("%s %s not run: job record is %s", what, task_id, claim)
        raise Ignore()
    task.request.job_claim = token
    return ctx, task_id, token


# A job's claim is its first proof of life; intermediate progress within this long after it is not
# written: no poll could see it, and a small generation would spend more on those Redis round trips
# than on its grids (10 grids: 10 reports, most of the task's time in a burst).
PROGRESS_QUIET_S = 0.05


def heartbeat(
    ctx: WorkerContext, task_id: str, token: str, quiet_s: float = PROGRESS_QUIET_S
) -> Callable[[int, int], None]:
    """The progress callback of a claimed job: reports ``done/total`` into its record, and raises
    :class:`JobAbandonedError` when the record says stop. Reports before ``done == total`` within
    ``quiet_s`` of the claim are skipped; the last call (done == total) is always written and
    precedes the result."""
    quiet_until = time.monotonic() + quiet_s

    def progress(done: int, total: int) -> None:
        if done < total and time.monotonic() < quiet_until:
            return
        beat = ctx.jobs.heartbeat(task_id, token, done, total, ctx.deadlines)
        if beat != "ok":
            raise JobAbandonedError(beat)

    return progress


@contextlib.contextmanager
def final_state(
    ctx: WorkerContext,
    task_id: str,
    token: str,
    what: str,
    expected: tuple[type[Exception], ...],
    on_expected: Callable[[], None] | None = None,
) -> Iterator[None]:
    """Whatever stops a claimed job becomes its one final state: the record says stop -> the message
    is dropped (``Ignore``); an ``expected`` error or the time limit -> FAILURE with its readable
    reason; anything else -> FAILURE pointing at the worker's log, and the error re-raised."""
    try:
        yield
    except JobAbandonedError as exc:
        log.warning("%s %s stopped: job record is %s", what, task_id, exc)
        raise Ignore() from None
    except expected as exc:
        ctx.jobs.finish(task_id, token, "FAILURE", ctx.deadlines, str(exc))
        if on_expected is not None:
            on_expected()
        raise GenerationError(str(exc)) from None
    except SoftTimeLimitExceeded:
        message = f"{what} stopped at its time limit ({ctx.settings.task_time_limit_s} s)"
        ctx.jobs.finish(task_id, token, "FAILURE", ctx.deadlines, message)
        raise GenerationError(message) from None
    except Exception:
        log.exception("%s %s failed", what, task_id)
        message = f"internal error during the {what} (see the worker's log)"
        ctx.jobs.finish(task_id, token, "FAILURE", ctx.deadlines, message)
        raise


def current_view(ctx: WorkerContext) -> ServingView:
    """The published snapshot, or a readable failure when nothing is published yet."""
    view = ctx.reader.current()
    if view is None:
        raise GenerationError("no serving snapshot is published yet: run the pipeline")
    return view


@shared_task(bind=True, name="lotostats.generate_grids", base=GenerationTask)
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
    """Generate ``count`` grids with ``strategy`` from the statistics of ``window``; report progress.

    The job record is claimed first (:func:`claim_job`).
    """
    ctx, task_id, token = claim_job(self, "generation")
    started = time.perf_counter()

    def record_failure() -> None:
        record_generation(ctx.redis, strategy, 0, time.perf_counter() - started, ok=False)

    with final_state(
        ctx, task_id, token, "generation", (GenerationError, StatsError, ValueError), record_failure
    ):
        view = current_view(ctx)
        filters = StatsFilter.model_validate(window or {})
        draws, inputs = queries.window_inputs(view, Game(game), filters)
        result = generate(
            Strategy(strategy),
            inputs,
            count,
            seed=seed,
            exclude=exclude or (),
            exclude_bonus=exclude_bonus or (),
            progress=heartbeat(ctx, task_id, token),
        )
    duration = time.perf_counter() - started
    record_generation(ctx.redis, strategy, len(result.grids), duration)
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


@shared_task(bind=True, name="lotostats.check_tickets", base=GenerationTask)
def check_tickets(
    self: Task, game: str, tickets: list[list[list[int]]], window: dict[str, Any], max_rows: int
) -> dict[str, Any]:
    """Check tickets the API validated against the window's draws, reporting progress per chunk.

    Same job-record protocol as :func:`generate_grids`: claimed first, heartbeats with progress
    (tickets done / tickets), failure written once."""
    ctx, task_id, token = claim_job(self, "check")
    started = time.perf_counter()
    with final_state(ctx, task_id, token, "check", (GenerationError, StatsError, ValueError)):
        view = current_view(ctx)
        filters = StatsFilter.model_validate(window)
        history = queries.check_history(view, Game(game))
        draws = history.window(filters)
        if draws.size == 0:
            raise GenerationError(f"no {game} draws match {filters.public() or 'the window'} any more")
        outcome = check(
            draws,
            [Ticket(tuple(n), tuple(b)) for n, b in tickets],
            full_history=history,
            max_rows=max_rows,
            progress=heartbeat(ctx, task_id, token),
        )
    return answer(outcome, filters.public(), view.manifest.version(Game(game)), started)


@shared_task(bind=True, name="lotostats.build_wheel", base=GenerationTask)
def build_wheel_task(
    self: Task,
    game: str,
    numbers: list[int],
    bonus: list[int],
    match: int,
    if_drawn: int,
    seed: int,
) -> dict[str, Any]:
    """Build and exhaustively verify a wheel (``lottery.wheels``), reporting progress; the answer
    is the one ``POST /api/{game}/wheel`` gives inline."""
    ctx, task_id, token = claim_job(self, "wheel search")
    started = time.perf_counter()
    with final_state(ctx, task_id, token, "wheel search", (WheelRequestError, WheelError)):
        spec = check_wheel(Game(game), numbers, match, if_drawn, bonus)
        wheel = build_wheel(spec, seed, progress=heartbeat(ctx, task_id, token))
    return wheel_answer(
        wheel, price_on(spec.game, date.today()), time.perf_counter() - started, estimate_seconds(spec)
    )
