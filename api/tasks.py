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
from celery.signals import worker_process_init

from api.models.check import check_json
from api.models.wheel import wheel_json
from config.settings import Settings, get_settings
from lottery.checker import Ticket, answer, check
from lottery.games import Game
from lottery.prices import price_on
from lottery.stats.models import StatsError, StatsFilter
from lottery.strategies import Strategy, generate
from lottery.wheel_answer import wheel_answer
from lottery.wheels import WheelError, WheelRequestError, build_wheel, check_wheel, estimate_seconds
from serving import queries
from serving.jobs import GenerationCount, JobDeadlines, JobStore
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


@worker_process_init.connect
def warm_pool_process(**_: object) -> None:
    """A new pool process builds its context and reads the published histories before its first
    task (``queries.warm``); otherwise its first task, in a burst with others queued behind it on
    that process, pays for both."""
    queries.warm(context().reader)


class GenerationTask(Task):
    """Writes SUCCESS to the job record only once Celery has stored the result."""

    @property
    def resultrepr_maxsize(self) -> int:
        """How much of a result Celery writes into the worker's "succeeded" log line, with its
        saferepr, which walks the result token by token: 1,024 characters (Celery's default) of 10
        grids cost 0.26 ms a task, a tenth of a pool process's time per generation in a burst; 128
        cost 0.04 ms. CELERY_RESULT_LOG_CHARS, read when Celery builds the task's tracer."""
        return get_settings().celery_result_log_chars

    def on_success(self, retval: Any, task_id: str, args: Any, kwargs: Any) -> None:
        """Called after the result is in the backend: the API finds the grids when it reads SUCCESS.
        A generation is counted in the day's metrics in the same step."""
        ctx = context()
        claim = getattr(self.request, "job_claim", "")
        counted = getattr(self.request, "generation_count", None)
        ctx.jobs.finish(task_id, claim, "SUCCESS", ctx.deadlines, generation=counted)


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


# A job's claim is its first proof of life; progress within this long after it is not written: no
# poll could see it, and a small generation would spend more on those Redis round trips than on its
# grids (10 grids: 10 reports, most of the task's time in a burst).
PROGRESS_QUIET_S = 0.05


class Heartbeat:
    """The progress callback of a claimed job: reports ``done/total`` into its record, and raises
    :class:`JobAbandonedError` when the record says stop.

    Nothing is written within ``quiet_s`` of the claim (at most half the heartbeat timeout): in
    that time the record cannot have gone silent past its deadline and nothing else ends a claimed
    job, so a report could only say 'ok'. The end (``done == total``) is written by
    :meth:`before_result`, once everything is computed; a job that takes longer than the quiet time
    (a worker frozen in it included, as the clock runs on) is checked there before its result is
    stored, so a job failed meanwhile stores nothing."""

    def __init__(self, ctx: WorkerContext, task_id: str, token: str, quiet_s: float = PROGRESS_QUIET_S):
        self.ctx, self.task_id, self.token = ctx, task_id, token
        self.quiet_until = time.monotonic() + min(quiet_s, ctx.deadlines.heartbeat_s / 2)
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        """Progress: written past the quiet time, except the end (see :meth:`before_result`)."""
        self.total = total
        if done < total and time.monotonic() >= self.quiet_until:
            self._write(done, total)

    def before_result(self) -> None:
        """Past the quiet time, the end of the last report is written and the record must still
        say go on."""
        if self.total and time.monotonic() >= self.quiet_until:
            self._write(self.total, self.total)

    def _write(self, done: int, total: int) -> None:
        beat = self.ctx.jobs.heartbeat(self.task_id, self.token, done, total, self.ctx.deadlines)
        if beat != "ok":
            raise JobAbandonedError(beat)


@contextlib.contextmanager
def final_state(
    ctx: WorkerContext,
    task_id: str,
    token: str,
    what: str,
    expected: tuple[type[Exception], ...],
    counted: Callable[[], GenerationCount] | None = None,
) -> Iterator[Heartbeat]:
    """The job's :class:`Heartbeat`, checked before the result (:meth:`Heartbeat.before_result`);
    and whatever stops a claimed job becomes its one final state: the record says stop -> the
    message is dropped (``Ignore``); an ``expected`` error or the time limit -> FAILURE with its
    readable reason; anything else -> FAILURE pointing at the worker's log, and the error re-raised.
    A FAILURE is counted in the day's metrics as ``counted()`` when given."""

    def fail(message: str) -> None:
        generation = counted() if counted is not None else None
        ctx.jobs.finish(task_id, token, "FAILURE", ctx.deadlines, message, generation=generation)

    try:
        progress = Heartbeat(ctx, task_id, token)
        yield progress
        progress.before_result()
    except JobAbandonedError as exc:
        log.warning("%s %s stopped: job record is %s", what, task_id, exc)
        raise Ignore() from None
    except expected as exc:
        fail(str(exc))
        raise GenerationError(str(exc)) from None
    except SoftTimeLimitExceeded:
        message = f"{what} stopped at its time limit ({ctx.settings.task_time_limit_s} s)"
        fail(message)
        raise GenerationError(message) from None
    except Exception:
        log.exception("%s %s failed", what, task_id)
        fail(f"internal error during the {what} (see the worker's log)")
        raise


def current_view(ctx: WorkerContext) -> ServingView:
    """The published snapshot, or a readable failure when nothing is published yet."""
    view = ctx.reader.current()
    if view is None:
        raise GenerationError(ctx.reader.problem or "no serving snapshot is published yet: run the pipeline")
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

    def failed() -> GenerationCount:
        return GenerationCount(strategy, 0, time.perf_counter() - started)

    expected = (GenerationError, StatsError, ValueError)
    with final_state(ctx, task_id, token, "generation", expected, failed) as progress:
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
            progress=progress,
        )
    duration = time.perf_counter() - started
    # counted by on_success, with the SUCCESS it writes
    self.request.generation_count = GenerationCount(strategy, len(result.grids), duration)
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
    with final_state(ctx, task_id, token, "check", (GenerationError, StatsError, ValueError)) as progress:
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
            progress=progress,
        )
    return check_json(answer(outcome, filters.public(), view.manifest.version(Game(game)), started))


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
    with final_state(ctx, task_id, token, "wheel search", (WheelRequestError, WheelError)) as progress:
        spec = check_wheel(Game(game), numbers, match, if_drawn, bonus)
        wheel = build_wheel(spec, seed, progress=progress)
    return wheel_json(
        wheel_answer(
            wheel, price_on(spec.game, date.today()), time.perf_counter() - started, estimate_seconds(spec)
        )
    )
