"""The ticket checker: what tickets (or a generation's grids) would have won over past draws.

Small checks answer 200 at once; checks of more than ``CHECK_DIRECT_MAX_CELLS`` tickets x draws are
queued on Celery (202 + ``status_url``, polled on the generation's task-status route).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import redis
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator
from starlette.concurrency import run_in_threadpool

from api.budgets import client_of
from api.deps import GameDep, StateDep, check_max
from api.errors import NotFoundError
from api.models.check import CheckAnswerOut, check_out
from api.responses import error, posted_body
from api.routes.generation import Accepted, queue_job, read_task_state
from api.routing import game_router
from api.state import AppState, ServiceUnavailableError
from lottery.checker import (
    CheckRequestError,
    DrawHistory,
    Segment,
    Ticket,
    answer,
    check,
    segments,
    ticket_problems,
    unplayable_problems,
)
from lottery.games import Game
from lottery.stats.models import StatsFilter
from serving import queries

router = game_router()
TASK_NAME = "lotostats.check_tickets"
PATH = re.compile(r"/api/[^/]+/check")  # its body limit is API_MAX_CHECK_BODY_BYTES
MAX_TICKETS = 10_000  # the schema's ceiling; API_MAX_CHECK_TICKETS may lower it
MAX_BALLS = 16  # more than any ticket holds; the game's own count is checked below


class TicketIn(BaseModel):
    """One grid, as elsewhere in the API."""

    model_config = ConfigDict(extra="forbid")

    numbers: list[StrictInt] = Field(max_length=MAX_BALLS, description="Main numbers (5)")
    bonus: list[StrictInt] = Field(
        default_factory=list, max_length=MAX_BALLS, description="Stars (2) or the chance number (1)"
    )


class CheckRequest(BaseModel):
    """Tickets to check, or the task id of a finished generation whose grids to check."""

    model_config = ConfigDict(extra="forbid")

    tickets: list[TicketIn] | None = Field(default=None, min_length=1, max_length=MAX_TICKETS)
    task_id: str | None = Field(default=None, min_length=1, max_length=64)
    window: StatsFilter = Field(default_factory=StatsFilter, description="Draws to check against")

    @model_validator(mode="after")
    def _one_source(self) -> CheckRequest:
        if (self.tickets is None) == (self.task_id is None):
            raise ValueError("give either tickets or task_id (a finished generation), not both or neither")
        return self


@dataclass(frozen=True)
class Prepared:
    """A request checked and ready to run: its tickets, the window's draws and their eras."""

    tickets: list[Ticket]
    history: DrawHistory
    window: DrawHistory
    segments: list[Segment]
    data_version: str

    @property
    def cells(self) -> int:
        """tickets x draws: the work of the check."""
        return len(self.tickets) * self.window.size


async def _generation_grids(state: AppState, game: Game, task_id: str) -> list[Any]:
    """The grids of a finished generation (404 unknown, 409 not finished, 422 not a generation)."""
    loc = ("body", "task_id")
    try:
        status = await read_task_state(state, game, task_id)
    except NotFoundError as exc:
        raise CheckRequestError([(loc, exc.message)], status=404) from None
    if status.state != "SUCCESS":
        why = f": {status.error}" if status.error else ""
        raise CheckRequestError(
            [(loc, f"generation {task_id!r} is {status.state}{why}; check it once it is SUCCESS")], status=409
        )
    grids = (status.result or {}).get("grids")
    if not isinstance(grids, list):
        raise CheckRequestError([(loc, f"task {task_id!r} is not a grid generation")])
    return grids


async def prepare(state: AppState, game: Game, body: CheckRequest) -> Prepared:
    """Every reason the check can never succeed, as 4xx, before anything is computed or queued:
    the window's bounds, the generation named by ``task_id`` (its state read on the event loop),
    then the tickets against the window's draws (:func:`_prepared`, in a worker thread)."""
    body.window.validated()
    check_max("last", body.window.last, state.settings.api_max_last)
    grids = await _generation_grids(state, game, body.task_id) if body.task_id is not None else None
    return await run_in_threadpool(_prepared, state, game, body, grids)


def _prepared(state: AppState, game: Game, body: CheckRequest, grids: list[Any] | None) -> Prepared:
    """The tickets (the body's, or a generation's ``grids``) checked against the deployment's limit
    and the window's draws. Blocking (snapshot reads): run it in a worker thread."""
    if grids is not None:
        tickets = [Ticket(tuple(g["numbers"]), tuple(g["bonus"])) for g in grids]
    else:
        tickets = [Ticket(tuple(t.numbers), tuple(t.bonus)) for t in body.tickets or []]
    limit = state.settings.api_max_check_tickets
    if len(tickets) > limit:
        raise CheckRequestError(
            [(("body", "tickets"), f"at most {limit} tickets per check, got {len(tickets)}")]
        )
    if problems := ticket_problems(game, tickets):
        raise CheckRequestError(problems)
    view = state.view()
    history = queries.check_history(view, game)
    window = history.window(body.window)
    if window.size == 0:
        first = str(history.dates[0]) if history.size else None
        held = f"draws run from {first} to {history.dates[-1]}" if first else "no draws are published yet"
        raise CheckRequestError(
            [
                (
                    ("body", "window"),
                    f"no {game.value} draws match {body.window.public() or 'the window'}; {held}",
                )
            ]
        )
    segs = segments(window)
    if problems := unplayable_problems(game, segs, tickets):
        raise CheckRequestError(problems)
    return Prepared(tickets, history, window, segs, view.manifest.version(game))


def run_check(prepared: Prepared, window: StatsFilter, max_rows: int) -> CheckAnswerOut:
    """The check itself and its answer (its response model built here, in the worker thread)."""
    started = time.perf_counter()
    outcome = check(
        prepared.window,
        prepared.tickets,
        full_history=prepared.history,
        segs=prepared.segments,
        max_rows=max_rows,
    )
    return check_out(answer(outcome, window.public(), prepared.data_version, started))


@router.post(
    "/check",
    response_model=CheckAnswerOut,
    responses={
        200: {"description": "The check's result: per ticket its wins per draw and its totals"},
        202: {"model": Accepted, "description": "A large check, queued: poll status_url"},
        **posted_body(invalid="Tickets or window invalid, or more than the whole budget", budget="check"),
        404: error("Unknown game, or unknown generation task_id"),
        409: error("The generation named by task_id is not finished"),
        503: error("No snapshot yet, or broker or job store unreachable"),
    },
    summary="What tickets would have won over past draws",
)
async def check_tickets(
    game: GameDep, state: StateDep, body: CheckRequest, request: Request
) -> CheckAnswerOut | JSONResponse:
    """Check tickets (or a finished generation's grids, by ``task_id``) against the window's draws.

    Each ticket plays only the draws whose rules admit it; wins are listed per draw with FDJ's payout,
    up to API_CHECK_MAX_WIN_ROWS rows per answer (totals are always complete). More than
    CHECK_DIRECT_MAX_CELLS tickets x draws are queued: 202 with ``status_url``. Either way the
    tickets x draws are charged to the client's check budget (API_BUDGET_CHECK_CELLS)."""
    try:
        prepared = await prepare(state, game, body)
    except (redis.RedisError, OSError) as exc:
        raise ServiceUnavailableError(f"the job store or result backend is unreachable: {exc}") from exc
    settings = state.settings
    await state.budgets.check.spend(client_of(request.scope), prepared.cells, "tickets")
    if prepared.cells <= settings.check_direct_max_cells:
        return await run_in_threadpool(run_check, prepared, body.window, settings.api_check_max_win_rows)
    kwargs = {
        "game": game.value,
        "tickets": [[list(t.numbers), list(t.bonus)] for t in prepared.tickets],
        "window": body.window.public(),
        "max_rows": settings.api_check_max_win_rows,
    }
    return await queue_job(state, game, "check", len(prepared.tickets), TASK_NAME, kwargs)
