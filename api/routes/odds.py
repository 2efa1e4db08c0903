"""Odds and value of one grid on a day: exact odds per rank of the era, FDJ's payouts, the price."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query, Response

from api import responses
from api.cached import serve_cached
from api.deps import GameDep, StateDep
from api.routing import game_router
from lottery.games import DrawKind, era_on
from lottery.stats.models import InvalidFilterError, IsoDate
from serving.cache import CacheKind
from serving.odds import OddsAnswer, cache_variant, odds_body, served_range, with_date

router = game_router()


@router.get(
    "/odds",
    response_class=Response,
    responses=responses.cached(OddsAnswer, "Odds and value"),
    summary="Exact odds per rank, FDJ's mean and median payouts and the expected return per euro on a day",
)
async def odds(
    game: GameDep,
    state: StateDep,
    day: Annotated[IsoDate | None, Query(alias="date", description="YYYY-MM-DD, default today (UTC)")] = None,
) -> Response:
    """The era in force on ``date``: every rank's exact probability and 1 in N, the mean and median prize
    FDJ paid for it over the era's draws, the expected return per euro (jackpot apart), the price."""
    today = datetime.now(UTC).date()
    asked = day or today
    first, why = served_range(game)
    if not first <= asked <= today:
        raise InvalidFilterError(
            "date",
            f"odds of {game.value} exist from {first.isoformat()} to today ({today.isoformat()}); "
            f"got {asked.isoformat()} ({why})",
        )
    era = era_on(game, DrawKind.MAIN, asked)
    assert era is not None  # first <= asked: the main formula was in force
    # One entry per (era, price): at most a handful per game and data version, whatever the date.
    return await serve_cached(
        state,
        game,
        CacheKind.ODDS,
        cache_variant(game, era, asked),
        lambda view: odds_body(view, game, era, asked),
        finish=lambda body: with_date(body, asked),
    )
