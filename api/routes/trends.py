"""Statistics over time of one game, served from the cache or the serving snapshot."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from api import responses
from api.cached import serve_cached
from api.deps import GameDep, StateDep
from api.routing import game_router
from lottery.games import ERAS, current_era
from lottery.stats.models import InvalidFilterError
from lottery.stats.trends import Ball, TrendsOut, TrendWindow
from serving import queries
from serving.cache import CacheKind

router = game_router()

# The schema's bound: the largest pool of any game's rules (50); the game's own pool is checked below.
MAX_BALL = max(max(era.numbers_max, era.bonus_max) for era in ERAS)


@router.get(
    "/trends",
    response_class=Response,
    responses=responses.cached(TrendsOut, "Trends"),
    summary="Statistics over time: per year or rolling window, chi-square p, weekly back-test verdicts",
)
async def trends(
    game: GameDep,
    state: StateDep,
    ball: Annotated[Ball, Query(description="`number` (main numbers) or `bonus` (stars, chance)")] = (
        Ball.NUMBER
    ),
    window: Annotated[
        TrendWindow, Query(description="`year` (calendar years) or `rolling` (last 100 draws at month ends)")
    ] = TrendWindow.YEAR,
    number: Annotated[
        int | None, Query(ge=1, le=MAX_BALL, description="Only this ball (1..the game's pool); all if absent")
    ] = None,
) -> Response:
    """Each ball's count, frequency and gaps per window, the chi-square p over time against its cutoff,
    and the back-test's verdicts week by week."""
    era = current_era(game)
    top = era.numbers_max if ball is Ball.NUMBER else era.bonus_max
    if number is not None and number > top:
        raise InvalidFilterError("number", f"{game.value} {ball.value} balls run 1..{top}, got {number}")
    variant = f"{ball.value}:{window.value}:{number or 'all'}"
    return await serve_cached(
        state,
        game,
        CacheKind.TRENDS,
        variant,
        lambda view: queries.trends_payload(view, game, ball, window, number),
    )
