"""Advanced grid generation: queue a Celery task, then poll its state and live progress."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import anyio
import anyio.to_thread
import kombu.exceptions
import redis
from fastapi import Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter
from starlette.concurrency import run_in_threadpool

from api.budgets import client_of
from api.deps import GameDep, StateDep, check_max
from api.errors import NotFoundError
from api.responses import error, posted_body
from api.routing import game_router
from api.state import AppState, ServiceUnavailableError
from lottery.games import Game
from lottery.stats.models import InvalidFilterError, NoDrawsError, StatsFilter
from lottery.strategies import Strategy, check_request
from serving import queries
from serving.jobs import JobDeadlines, JobRecord

router = game_router()
TASK_NAME = "lotostats.generate_grids"
MAX_GRIDS = 10_000
MAX_EXCLUDED = 64  # more than any pool (50 EuroMillions numbers); the game's own pool is checked below


class GenerateRequest(BaseModel):
    """What to generate."""

    model_config = ConfigDict(extra="forbid")

    strategy: Strategy = Field(default=Strategy.FREQUENCY_BASED, description="How balls are weighted")
    count: StrictInt = Field(default=10, ge=1, le=MAX_GRIDS, description="Number of distinct grids")
    seed: StrictInt | None = Field(
        default=None, ge=0, lt=2**63, description="Same seed + same data = same grids"
    )
    window: StatsFilter = Field(default_factory=StatsFilter, description="Draws the weights come from")
    exclude: list[StrictInt] = Field(
        default_factory=list, max_length=MAX_EXCLUDED, description="Main numbers never to use (distinct)"
    )
    exclude_bonus: list[StrictInt] = Field(
        default_factory=list, max_length=MAX_EXCLUDED, description="Bonus balls never to use (distinct)"
    )


class Accepted(BaseModel):
    """A queued generation."""

    task_id: str
    status_url: str


class Progress(BaseModel):
    """Grids generated so far."""

    done: int
    total: int


class TaskStatus(BaseModel):
    """A generation's state: PENDING | STARTED | PROGRESS | SUCCESS | FAILURE."""

    task_id: str
    state: str
    progress: Progress
    result: dict[str, Any] | None = None
    error: str | None = None


def _check(game: Game, body: GenerateRequest, state: AppState) -> None:
    """Every reason the request can never succeed, as 422s, before anything is queued: this
    deployment's limits, then the domain's own check (``lottery.strategies.check_request``, the one
    the worker's ``generate`` runs) on the window's draws. Blocking: run it in a worker thread."""
    body.window.validated()
    check_max("count", body.count, state.settings.api_max_grids)
    check_max("last", body.window.last, state.settings.api_max_last)
    try:
        _, inputs = queries.window_inputs(state.view(), game, body.window)
    except NoDrawsError as exc:
        raise InvalidFilterError("window", exc.message) from None
    check_request(
        body.strategy,
        inputs,
        body.count,
        seed=body.seed,
        exclude=body.exclude,
        exclude_bonus=body.exclude_bonus,
    )


@router.post(
    "/generate-advanced",
    status_code=202,
    response_model=Accepted,
    responses={
        **posted_body(invalid="A parameter out of range, or more than a whole budget", budget="generation"),
        503: error("Broker or job store unreachable"),
    },
    summary="Queue a generation of grids",
)
async def generate_advanced(
    game: GameDep, state: StateDep, body: GenerateRequest, request: Request
) -> JSONResponse:
    """Validate, record the job, queue it; poll ``status_url`` for progress and the grids.

    Charged ``count`` grids (plus API_BUDGET_GENERATION_PER_JOB) to the client's generation budget,
    shared by all API processes (429 with ``Retry-After`` when it does not hold them now)."""
    await state.budgets.generation.spend(client_of(request.scope), body.count, "count")
    kwargs = {
        "game": game.value,
        "strategy": body.strategy.value,
        "count": body.count,
        "seed": body.seed,
        "window": body.window.public(),
        "exclude": sorted(set(body.exclude)),
        "exclude_bonus": sorted(set(body.exclude_bonus)),
    }
    return await queue_job(
        state,
        game,
        kind=body.strategy.value,
        total=body.count,
        task_name=TASK_NAME,
        kwargs=kwargs,
        check=partial(_check, game, body, state),
        # Plain, bounded data (at most 2 x 64 excluded numbers): its repr is the text Celery's
        # saferepr would write into the message, at a fraction of the cost (0.4 of 0.9 ms a send).
        kwargsrepr=repr(kwargs),
    )


async def queue_job(
    state: AppState,
    game: Game,
    kind: str,
    total: int,
    task_name: str,
    kwargs: dict[str, Any],
    check: Callable[[], None] | None = None,
    kwargsrepr: str | None = None,
) -> JSONResponse:
    """Run the request's blocking ``check`` (its 422s, before anything is written), then record and
    queue the task under a new id (:func:`enqueue_job`), in one hop to a worker thread of the
    submits' own limiter (``AppState.submit_limiter``); the 202 answer pointing at its
    ``task-status`` (body :class:`Accepted`, ``Location`` header). ``kwargsrepr``: the message's
    text of ``kwargs`` (Celery's saferepr of them when None)."""
    task_id = str(uuid.uuid4())

    def submit() -> None:
        if check is not None:
            check()
        enqueue_job(state, task_id, game, kind, total, task_name, kwargs, kwargsrepr)

    await anyio.to_thread.run_sync(submit, limiter=state.submit_limiter)
    url = f"/api/{game.value}/task-status/{task_id}"
    return JSONResponse(
        status_code=202,
        content=Accepted(task_id=task_id, status_url=url).model_dump(),
        headers={"Location": url},
    )


def enqueue_job(
    state: AppState,
    task_id: str,
    game: Game,
    kind: str,
    total: int,
    task_name: str,
    kwargs: dict[str, Any],
    kwargsrepr: str | None = None,
) -> None:
    """Write the job record (``kind``: a strategy, or ``wheel``; ``total`` progress units), then
    queue the task; 503 and nothing left behind when the job store or the broker is unreachable."""
    settings = state.settings
    try:
        state.jobs.create(
            task_id,
            game.value,
            kind,
            total,
            queued_ttl_s=round(settings.job_queue_timeout_s)
            + settings.task_time_limit_s
            + settings.cache_ttl_generation_s,
        )
    except (redis.RedisError, OSError) as exc:
        raise ServiceUnavailableError(f"the job store (Redis) is unreachable ({type(exc).__name__})") from exc
    try:
        # Straight onto the queue through the default exchange: one LPUSH, where the queue's own
        # exchange costs a binding lookup (SMEMBERS) per message first.
        state.celery.send_task(
            task_name,
            task_id=task_id,
            queue=settings.celery_queue,
            exchange="",
            routing_key=settings.celery_queue,
            retry=False,
            kwargs=kwargs,
            argsrepr="()" if kwargsrepr is not None else None,
            kwargsrepr=kwargsrepr,
        )
    except (kombu.exceptions.OperationalError, redis.RedisError, OSError) as exc:
        with contextlib.suppress(redis.RedisError, OSError):
            state.jobs.delete(task_id)
        raise ServiceUnavailableError(
            "the task broker is unreachable; nothing was queued, try again later"
        ) from exc


def _outcome(celery_state: str, info: Any) -> tuple[str, str]:
    """The final outcome a result backend's state holds ('' if none yet), with a readable reason."""
    if celery_state == "FAILURE":
        kind = type(info).__name__ if isinstance(info, BaseException) else "error"
        return "FAILURE", f"the worker failed this generation ({kind}); submit the request again"
    return (celery_state, "") if celery_state == "SUCCESS" else ("", "")


async def _backend_meta(state: AppState, task_id: str) -> tuple[str, Any]:
    """The result backend's state and result of ``task_id`` as Celery decodes them (``PENDING`` and
    None while it holds nothing): read by key on the asyncio client when the backend is Redis, else
    by Celery's own (blocking) read in a worker thread."""
    backend = state.celery.backend
    if state.results is None:
        meta = await run_in_threadpool(backend.get_task_meta, task_id)
    else:
        raw = await state.results.get(backend.get_key_for_task(task_id))
        meta = backend.decode_result(raw) if raw else {"status": "PENDING", "result": None}
    return meta["status"], meta["result"]


def _not_found(game: Game, task_id: str) -> NotFoundError:
    shown = task_id if len(task_id) <= 64 else task_id[:64] + "…"
    return NotFoundError("task_id", f"no {game.value} generation {shown!r}: never issued here, or expired")


def _reported(game: Game, task_id: str, job: JobRecord | None, info: Any) -> TaskStatus:
    """The answer for a resolved record (``info``: the backend's result, read only for a SUCCESS)."""
    if job is None or job.game != game.value:
        raise _not_found(game, task_id)
    progress = Progress(done=job.done, total=job.total)
    if job.state == "FAILURE":
        return TaskStatus(
            task_id=task_id, state="FAILURE", progress=progress, error=job.error or "the generation failed"
        )
    if job.state == "SUCCESS":
        if not isinstance(info, dict):  # the result expired before the record: as if both had
            raise _not_found(game, task_id)
        return TaskStatus(task_id=task_id, state="SUCCESS", progress=progress, result=info)
    return TaskStatus(task_id=task_id, state=job.state, progress=progress)


def _wants_result(game: Game, job: JobRecord | None) -> bool:
    return job is not None and job.game == game.value and job.state == "SUCCESS"


async def read_task_state(state: AppState, game: Game, task_id: str) -> TaskStatus:
    """A job's state (generation, check or wheel; 404 unknown or another game's): the job record
    decides, the result backend only settles it and holds the result. The one reader of job states:
    the route, the fast path (api/fastpath.py) and the checker's ``task_id`` all await it. Raises
    :class:`NotFoundError` and Redis errors.

    States never go backwards: the record moves PENDING < STARTED < PROGRESS < SUCCESS | FAILURE,
    terminal states are written once, and SUCCESS is written only after the result is stored.
    """
    celery_state, info = await _backend_meta(state, task_id)
    outcome, reason = _outcome(celery_state, info)
    deadlines = JobDeadlines.from_settings(state.settings)
    job = await state.job_reader.resolve(task_id, deadlines, outcome, reason)
    result = None
    if _wants_result(game, job):
        # the record turned SUCCESS after the backend was read: the result is stored by now
        result = info if outcome == "SUCCESS" else (await _backend_meta(state, task_id))[1]
    return _reported(game, task_id, job, result)


STATUS_JSON = TypeAdapter(TaskStatus)


def status_body(status: TaskStatus) -> bytes:
    """The bytes FastAPI sends for a :class:`TaskStatus` answer (its response model's JSON)."""
    return STATUS_JSON.dump_json(status, by_alias=True)


@router.get(
    "/task-status/{task_id}",
    response_model=TaskStatus,
    responses={404: error("Unknown or expired task id")},
    summary="State, live progress and result of a generation",
)
async def task_status(
    game: GameDep, state: StateDep, task_id: Annotated[str, Path(max_length=64)]
) -> TaskStatus:
    """PENDING, STARTED, PROGRESS (with done/total), SUCCESS (with the grids) or FAILURE (with a reason)."""
    try:
        return await read_task_state(state, game, task_id)
    except (redis.RedisError, OSError) as exc:
        raise ServiceUnavailableError(f"the job store or result backend is unreachable: {exc}") from exc
