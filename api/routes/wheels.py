"""Wheels (systèmes réducteurs): small ones answered at once, longer searches queued on Celery."""

from __future__ import annotations

import math
import secrets
import time
from datetime import date
from typing import Annotated

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from starlette.concurrency import run_in_threadpool

from api.budgets import client_of
from api.deps import GameDep, StateDep
from api.models.wheel import WheelAnswerOut, wheel_out
from api.responses import posted_body
from api.routes.generation import Accepted, queue_job
from api.routing import game_router
from lottery.games import Game
from lottery.prices import price_on
from lottery.wheel_answer import wheel_answer
from lottery.wheels import MAX_NUMBERS, WheelSpec, build_wheel, check_wheel, estimate_seconds, search_steps

router = game_router()
TASK_NAME = "lotostats.build_wheel"
Ball = Annotated[StrictInt, Field(ge=1, le=99)]


class Guarantee(BaseModel):
    """'match' numbers on one ticket at least, if 'if_drawn' of the drawn main numbers are yours."""

    model_config = ConfigDict(extra="forbid")

    match: StrictInt = Field(ge=1, le=99, description="t: numbers matched on at least one ticket")
    if_drawn: StrictInt = Field(ge=1, le=99, description="m: drawn main numbers among yours (at most 5)")


class WheelRequest(BaseModel):
    """The player's numbers, optional bonus balls, the guarantee and a seed."""

    model_config = ConfigDict(extra="forbid")

    numbers: list[Ball] = Field(
        min_length=1, max_length=MAX_NUMBERS, description=f"Your main numbers, distinct, 5..{MAX_NUMBERS}"
    )
    bonus: list[Ball] = Field(
        default_factory=list,
        max_length=12,
        description="Bonus balls (stars / chance): none, exactly the ticket's count (on every ticket), "
        "or more (every ticket crossed with every choice of them)",
    )
    guarantee: Guarantee
    seed: StrictInt | None = Field(default=None, ge=0, lt=2**63, description="Same seed, same tickets")


def check(game: Game, body: WheelRequest, max_search_s: float) -> WheelSpec:
    """The domain's check (422 with the field and the reason), before anything is computed."""
    return check_wheel(
        game,
        body.numbers,
        body.guarantee.match,
        body.guarantee.if_drawn,
        body.bonus,
        max_seconds=max_search_s,
    )


def compute(spec: WheelSpec, seed: int) -> WheelAnswerOut:
    """Build and verify the wheel, priced at today's ticket price (its response model built here,
    in the worker thread)."""
    started = time.perf_counter()
    wheel = build_wheel(spec, seed)
    return wheel_out(
        wheel_answer(
            wheel, price_on(spec.game, date.today()), time.perf_counter() - started, estimate_seconds(spec)
        )
    )


@router.post(
    "/wheel",
    response_model=WheelAnswerOut,
    responses={
        200: {"description": "The verified wheel (a search estimated under WHEEL_INLINE_MAX_S)"},
        202: {"model": Accepted, "description": "Queued: poll status_url (task-status) for progress"},
        **posted_body(invalid="Numbers or guarantee invalid, or more than a whole budget", budget="wheel"),
    },
    summary="Build an abbreviated wheel with a verified guarantee",
)
async def wheel(
    game: GameDep, state: StateDep, body: WheelRequest, request: Request
) -> WheelAnswerOut | JSONResponse:
    """Tickets whose guarantee "match if if_drawn" is checked over every if_drawn-subset of your
    numbers, with their cost, the proven lower bound, the full wheel's size and the odds.

    Every bad input is a 422 before anything is computed or queued. Searches estimated longer
    than ``WHEEL_INLINE_MAX_S`` are queued (202, then ``task-status``); both charge their estimated
    search time to the client's wheel budget (API_BUDGET_WHEEL_MS)."""
    settings = state.settings
    spec = check(game, body, settings.wheel_max_search_s)
    estimate_ms = math.ceil(estimate_seconds(spec) * 1000)
    await state.budgets.wheel.spend(client_of(request.scope), estimate_ms, "guarantee")
    seed = body.seed if body.seed is not None else secrets.randbits(63)
    if estimate_seconds(spec) <= settings.wheel_inline_max_s:
        return await run_in_threadpool(compute, spec, seed)
    kwargs = {
        "game": game.value,
        "numbers": list(spec.numbers),
        "bonus": list(spec.bonus),
        "match": spec.match,
        "if_drawn": spec.if_drawn,
        "seed": seed,
    }
    return await queue_job(state, game, "wheel", spec.subsets + search_steps(spec), TASK_NAME, kwargs)
