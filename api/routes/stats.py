"""Statistics and draws of one game, served from the cache or the serving snapshot."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from api import responses
from api.cached import serve_cached
from api.deps import GameDep, StateDep, check_max
from api.routing import game_router
from lottery.stats.models import FullStats, InvalidFilterError, IsoDate, NoDrawsError, QuickStats, StatsFilter
from serving import queries
from serving.cache import CacheKind
from serving.snapshot import ServingView
from warehouse.draw_queries import DrawPage, DrawRecord

router = game_router()

# Schema-level ceilings (int64-safe); the configurable limits (settings.api_max_*) are checked below.
INT64_MAX = 2**63 - 1
Year = Annotated[int | None, Query(ge=1900, le=2999, description="Calendar year, e.g. 2025")]
Month = Annotated[int | None, Query(ge=1, le=12, description="Month 1-12 (needs year)")]


@router.get(
    "/quick-stats",
    response_class=Response,
    responses=responses.cached(QuickStats, "Quick stats"),
    summary="Quick statistics of a window (all history, a year, a month)",
)
async def quick_stats(game: GameDep, state: StateDep, year: Year = None, month: Month = None) -> Response:
    """Draw count, first/last draw, every number's and bonus ball's count, frequency and gap, hot/cold."""
    filters = StatsFilter(year=year, month=month).validated()
    return await serve_cached(
        state,
        game,
        CacheKind.QUICK,
        filters.scope,
        lambda v: queries.stats_payload(v, game, CacheKind.QUICK, filters),
    )


@router.get(
    "/stats",
    response_class=Response,
    responses=responses.cached(FullStats, "Full stats"),
    summary="Full statistics of a window",
)
async def full_stats(
    game: GameDep,
    state: StateDep,
    year: Year = None,
    month: Month = None,
    date_from: Annotated[IsoDate | None, Query(alias="from", description="First date (inclusive)")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to", description="Last date (inclusive)")] = None,
    last: Annotated[
        int | None, Query(ge=1, le=INT64_MAX, description="Only the last N draws (at most API_MAX_LAST)")
    ] = None,
) -> Response:
    """Per-ball statistics, pairs, triplets, distributions, hot/cold and the chi-square verdict."""
    check_max("last", last, state.settings.api_max_last)
    filters = StatsFilter(year=year, month=month, date_from=date_from, date_to=date_to, last=last).validated()
    return await serve_cached(
        state,
        game,
        CacheKind.FULL,
        filters.scope,
        lambda v: queries.stats_payload(v, game, CacheKind.FULL, filters),
    )


@router.get(
    "/draws",
    response_class=Response,
    responses=responses.body(DrawPage),
    summary="Draws with their prize tiers, newest first",
)
async def draws(
    game: GameDep,
    state: StateDep,
    date_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to")] = None,
    limit: Annotated[
        int, Query(ge=1, le=INT64_MAX, description="Page size (at most API_MAX_PAGE_SIZE)")
    ] = 50,
    offset: Annotated[
        int, Query(ge=0, le=INT64_MAX, description="Draws skipped (at most API_MAX_OFFSET)")
    ] = 0,
) -> Response:
    """A page of draws (newest first) with winners and prizes per rank.

    Only the first pages (no date filter, offset a multiple of limit, within the configured bounds)
    are cached; other pages are computed each time (``X-Cache: SKIP``).
    """
    settings = state.settings
    check_max("limit", limit, settings.api_max_page_size)
    check_max("offset", offset, settings.api_max_offset)
    if date_from and date_to and date_from > date_to:
        raise InvalidFilterError("from", f"from ({date_from}) is after to ({date_to})")
    cacheable = (
        date_from is None
        and date_to is None
        and limit <= settings.cache_draws_max_limit
        and offset <= settings.cache_draws_max_offset
        and offset % limit == 0
    )

    def produce(view: ServingView) -> bytes:
        page = queries.draws(view, game, date_from=date_from, date_to=date_to, limit=limit, offset=offset)
        return page.model_dump_json().encode()

    return await serve_cached(
        state,
        game,
        CacheKind.DRAWS,
        f"{date_from or ''}..{date_to or ''}:{limit}:{offset}",
        produce,
        cacheable=cacheable,
    )


@router.get(
    "/draws/latest",
    response_class=Response,
    responses=responses.body(DrawRecord),
    summary="The latest draw with its prize tiers",
)
async def latest_draw(game: GameDep, state: StateDep) -> Response:
    """The most recent draw of the game."""

    def produce(view: ServingView) -> bytes:
        page = queries.draws(view, game, limit=1)
        if not page.draws:
            raise NoDrawsError("game", f"the serving snapshot holds no {game.value} draw")
        return page.draws[0].model_dump_json().encode()

    return await serve_cached(state, game, CacheKind.DRAWS, "latest", produce)
