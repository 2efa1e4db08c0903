"""The queries the API and the worker run on the serving snapshot.

Each opens a cursor of its own and closes it (DuckDB cursors are per thread), so callers hold no
SQL and no cursor: a route calls one of these in a worker thread and gets data back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb

from lottery.backtest import StrategyBacktest
from lottery.games import Game
from lottery.stats.engine import DrawSet
from lottery.stats.models import NoDrawsError, StatsFilter
from lottery.stats.trends import ROLLING_DRAWS, Ball, TrendWindow
from serving.cache import CacheKind
from serving.snapshot import ServingView
from warehouse.draw_queries import DrawPage, draw_page
from warehouse.statistics import compute_full, compute_quick, load_window, window_sql
from warehouse.trends import read_trends


def stats_payload(view: ServingView, game: Game, kind: CacheKind, filters: StatsFilter) -> bytes:
    """The quick or full statistics of a window as JSON: the precomputed payload when the snapshot has
    it for this data version, else computed from the snapshot's draws."""
    version = view.manifest.version(game)
    with view.reading() as cur:
        stored = cur.execute(
            "SELECT payload FROM stats_payloads "
            "WHERE game = ? AND kind = ? AND scope = ? AND data_version = ?",
            [game.value, kind.value, filters.scope, version],
        ).fetchall()
        if stored:
            return stored[0][0].encode()
        compute = compute_quick if kind == CacheKind.QUICK else compute_full
        return compute(cur, game, filters, version).model_dump_json().encode()


def draws(
    view: ServingView,
    game: Game,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DrawPage:
    """A page of draws, newest first, with their prize tiers."""
    with view.reading() as cur:
        return draw_page(
            cur,
            game,
            view.manifest.version(game),
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )


def window_draw_count(view: ServingView, game: Game, window: StatsFilter) -> int:
    """How many draws a (validated) window selects."""
    sql, params = window_sql(game, window)
    with view.reading() as cur:
        return int(cur.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0])


def window_draws(view: ServingView, game: Game, window: StatsFilter) -> DrawSet:
    """The draws of a window (NoDrawsError when it holds none)."""
    with view.reading() as cur:
        return load_window(cur, game, window)


@dataclass(frozen=True)
class StoredBacktest:
    """One strategy's row of the latest back-test in the snapshot."""

    run_date: date
    first_target: date
    last_target: date
    result: StrategyBacktest


def latest_backtest(cur: duckdb.DuckDBPyConnection, game: Game) -> list[StoredBacktest]:
    """The snapshot's back-test of ``game`` (the latest run), one row per strategy, on a cursor."""
    rows = cur.execute(
        "SELECT run_date, first_target, last_target, payload FROM backtests WHERE game = ? ORDER BY strategy",
        [game.value],
    ).fetchall()
    return [
        StoredBacktest(run_date, first, last, StrategyBacktest.model_validate(json.loads(payload)))
        for run_date, first, last, payload in rows
    ]


def trends_payload(
    view: ServingView, game: Game, ball: Ball, window: TrendWindow, number: int | None
) -> bytes:
    """The statistics over time of one ball kind and window (one ball with ``number``) as JSON.

    NoDrawsError (404, saying why) when the snapshot holds none: published before the trend tables
    existed, trends not computed from the published draws, or too few draws for a rolling window.
    """
    with view.reading() as cur:
        held = cur.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'trend_balls'"
        ).fetchall()[0][0]
        out = read_trends(cur, game, view.manifest.version(game), ball, window, number) if held else None
    if out is None or not out.windows:
        raise NoDrawsError(
            "window" if out is not None and window is TrendWindow.ROLLING else "game",
            f"the published snapshot holds no {window.value} trends of {game.value}: "
            + (
                f"a rolling window needs {ROLLING_DRAWS} draws"
                if out is not None and window is TrendWindow.ROLLING
                else f"materialise {game.value}_trends and serving_snapshot"
            ),
        )
    return out.model_dump_json().encode()
