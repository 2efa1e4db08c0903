"""Performance metrics (cache, Redis, generations, back-test against random tickets) and the weekly report."""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, Literal

import redis
from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from api.routes.stats import GAME_RESPONSES, GameDep, StateDep
from api.state import AppState, ServiceUnavailableError
from lottery.backtest import StrategyBacktest, judge_backtest
from lottery.games import Game
from lottery.strategies import Strategy
from serving import cache
from serving.jobs import generation_stats

router = APIRouter(prefix="/api/{game}", responses=GAME_RESPONSES)


def _metrics(state: AppState, game: Game, days: int) -> dict[str, Any]:
    view = state.view()
    client = state.jobs.client
    per_day = cache.read_counters(client, days)
    totals = cache.counter_totals(per_day)
    info = client.info()
    cur = view.cursor()
    try:
        rows = cur.execute(
            "SELECT strategy, run_date, first_target, last_target, payload FROM backtests WHERE game = ? "
            "ORDER BY strategy",
            [game.value],
        ).fetchall()
    finally:
        cur.close()
    strategies = [StrategyBacktest.model_validate(json.loads(p)) for _, _, _, _, p in rows]
    dates = [(d, f, t) for _, d, f, t, _ in rows]
    judged = judge_backtest(game, strategies)
    manifest = view.manifest
    return {
        "game": game.value,
        "days": days,
        "cache": {
            "scope": "all games and endpoints of this deployment",
            "per_day": per_day,
            **totals,
        },
        "redis": {
            "used_memory_bytes": info.get("used_memory"),
            "used_memory_human": info.get("used_memory_human"),
            "keys": client.dbsize(),
            "connected_clients": info.get("connected_clients"),
        },
        "generation": generation_stats(client, days, [s.value for s in Strategy]),
        "backtest": [
            {
                **s.model_dump(mode="json"),
                "run_date": str(d),
                "first_target": str(f),
                "last_target": str(t),
                "verdict": judged.verdicts[s.strategy],
                "significance": judged.significance[s.strategy].model_dump(mode="json"),
            }
            for s, (d, f, t) in zip(strategies, dates, strict=True)
        ],
        "backtest_verdict": {
            "comparisons": judged.comparisons,
            "cutoff": judged.cutoff,
            "conclusion": judged.conclusion,
        },
        "backtest_note": "Each strategy's mean matches and any-prize rate next to the exact expectation for "
        "random tickets, with a 95 % interval and a p-value: a lottery is random, so these should agree. "
        "Verdicts allow for every comparison made (3 measures x strategies): a difference stands out only "
        "below 0.05 / comparisons (the cutoff).",
        "service": {
            "uptime_s": round(time.time() - state.started_at, 1),
            "data_version": manifest.version(game),
            "last_pipeline_run": {"published_at": manifest.published_at, "run_id": manifest.run_id},
        },
    }


@router.get("/performance-metrics", summary="Cache, Redis, generation and back-test figures")
async def performance_metrics(
    game: GameDep,
    state: StateDep,
    days: Annotated[int, Query(ge=1, le=90, description="Days of history, today included")] = 7,
) -> dict[str, Any]:
    """Hit rate per day and over the period, Redis memory and keys, p50/p95 generation time per strategy,
    the latest back-test per strategy against random tickets, uptime and data version (no software
    versions or hosts: anonymous callers read this)."""
    try:
        return await run_in_threadpool(_metrics, state, game, days)
    except (redis.RedisError, OSError) as exc:
        raise ServiceUnavailableError(
            f"the metrics store (Redis) is unreachable ({type(exc).__name__})"
        ) from exc


@router.get(
    "/reports/latest",
    response_class=Response,
    responses={
        200: {"content": {"text/html": {}, "text/markdown": {}}},
        404: {"description": "No report yet"},
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
        return PlainTextResponse(
            f"no {game.value} report yet in {state.settings.reports_dir}: materialise weekly_report",
            status_code=404,
        )
    return Response(body, media_type=f"{media}; charset=utf-8")
