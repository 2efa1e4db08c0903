"""Performance metrics (cache, Redis, generations, back-test against random tickets) and the weekly report."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Literal

import redis
from fastapi import Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import CursorDep, GameDep, StateDep
from api.errors import NotFoundError
from api.outer import report_csp
from api.responses import error
from api.routing import game_router
from api.state import ServiceUnavailableError
from lottery.backtest import StrategyBacktest, judge_backtest
from lottery.games import Game
from lottery.significance import Significance
from lottery.strategies import Strategy
from serving import cache, queries
from serving.jobs import generation_stats

router = game_router()

BACKTEST_NOTE = (
    "Each strategy's mean matches and any-prize rate next to the exact expectation for random tickets, "
    "with a 95 % interval and a p-value: a lottery is random, so these should agree. Verdicts allow for "
    "every comparison made (3 measures x strategies): a difference stands out only below 0.05 / "
    "comparisons (the cutoff)."
)


class CacheDay(BaseModel):
    """One day of the API cache (all games and endpoints of this deployment)."""

    day: date
    hits: int
    misses: int
    bypass: int = Field(description="answers served without Redis (Redis down)")
    hit_rate: float | None = Field(description="hits / (hits + misses); None without traffic")


class CacheFigures(BaseModel):
    """The cache over the period."""

    scope: str
    per_day: list[CacheDay]
    hits: int
    misses: int
    bypass: int
    hit_rate: float | None


class RedisFigures(BaseModel):
    """Redis memory and size (no version, no host)."""

    used_memory_bytes: int | None
    used_memory_human: str | None
    keys: int
    connected_clients: int | None


class GenerationFigures(BaseModel):
    """One strategy's generations over the period."""

    generations: int
    failed: int
    grids: int
    p50_ms: float | None
    p95_ms: float | None


class BacktestRow(StrategyBacktest):
    """One strategy's latest back-test, with its verdict by the one significance rule."""

    run_date: date
    first_target: date
    last_target: date
    significance: Significance | None = None


class BacktestSummary(BaseModel):
    """What the whole back-test says (the weekly report prints the same words)."""

    comparisons: int
    cutoff: float
    conclusion: str


class LastRun(BaseModel):
    """The pipeline run that published the snapshot in force."""

    published_at: str | None
    run_id: str | None


class ServiceFigures(BaseModel):
    """This API process and the data it serves."""

    uptime_s: float
    data_version: str
    last_pipeline_run: LastRun


class PerformanceMetrics(BaseModel):
    """Cache, Redis, generation and back-test figures of one game."""

    game: Game
    days: int
    cache: CacheFigures
    redis: RedisFigures
    generation: dict[str, GenerationFigures]
    backtest: list[BacktestRow]
    backtest_verdict: BacktestSummary
    backtest_note: str
    service: ServiceFigures


@router.get(
    "/performance-metrics",
    response_model=PerformanceMetrics,
    responses={503: error("Redis (the metrics store) unreachable")},
    summary="Cache, Redis, generation and back-test figures",
)
def performance_metrics(
    game: GameDep,
    state: StateDep,
    cur: CursorDep,
    days: Annotated[int, Query(ge=1, le=90, description="Days of history, today included")] = 7,
) -> PerformanceMetrics:
    """Hit rate per day and over the period, Redis memory and keys, p50/p95 generation time per strategy,
    the latest back-test per strategy against random tickets, uptime and data version (no software
    versions or hosts: anonymous callers read this). A sync route: FastAPI runs it in a worker thread."""
    stored = queries.latest_backtest(cur, game)
    judged = judge_backtest(game, [b.result for b in stored])
    client = state.jobs.client
    try:
        per_day = cache.read_counters(client, days)
        info = client.info()
        redis_figures = RedisFigures(
            used_memory_bytes=info.get("used_memory"),
            used_memory_human=info.get("used_memory_human"),
            keys=client.dbsize(),
            connected_clients=info.get("connected_clients"),
        )
        generation = generation_stats(client, days, [s.value for s in Strategy])
    except (redis.RedisError, OSError) as exc:
        raise ServiceUnavailableError(
            f"the metrics store (Redis) is unreachable ({type(exc).__name__})"
        ) from exc
    manifest = state.view().manifest
    return PerformanceMetrics(
        game=game,
        days=days,
        cache=CacheFigures(
            scope="all games and endpoints of this deployment",
            per_day=per_day,
            **cache.counter_totals(per_day),
        ),
        redis=redis_figures,
        generation=generation,
        backtest=[
            BacktestRow(
                **b.result.model_dump(exclude={"verdict", "significance"}),
                run_date=b.run_date,
                first_target=b.first_target,
                last_target=b.last_target,
                verdict=judged.verdicts[b.result.strategy],
                significance=judged.significance[b.result.strategy],
            )
            for b in stored
        ],
        backtest_verdict=BacktestSummary(
            comparisons=judged.comparisons, cutoff=judged.cutoff, conclusion=judged.conclusion
        ),
        backtest_note=BACKTEST_NOTE,
        service=ServiceFigures(
            uptime_s=round(time.time() - state.started_at, 1),
            data_version=manifest.version(game),
            last_pipeline_run=LastRun(published_at=manifest.published_at, run_id=manifest.run_id),
        ),
    )


@router.get(
    "/reports/latest",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {}, "text/markdown": {}}},
        404: error("No report yet"),
    },
    summary="The latest weekly report (HTML, or Markdown with format=markdown)",
)
async def latest_report(
    game: GameDep,
    state: StateDep,
    format: Literal["html", "markdown"] = "html",
) -> Response:
    """The self-contained HTML report (charts embedded), or its Markdown summary."""
    suffix, media = ("html", "text/html") if format == "html" else ("md", "text/markdown")
    path = state.settings.reports_dir / game.value / f"latest.{suffix}"
    try:
        body = await run_in_threadpool(path.read_bytes)
    except FileNotFoundError:
        raise NotFoundError("", f"no {game.value} report yet: materialise the weekly_report asset") from None
    # Framed by the Rapport screen: its own policy (its inline style by hash), same-origin framing.
    headers = (
        {"Content-Security-Policy": report_csp(body.decode()), "X-Frame-Options": "SAMEORIGIN"}
        if suffix == "html"
        else None
    )
    return Response(body, media_type=f"{media}; charset=utf-8", headers=headers)
