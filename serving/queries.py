"""The queries the API and the worker run on the serving snapshot.

Each opens a cursor of its own and closes it (DuckDB cursors are per thread), so callers hold no
SQL and no cursor: a route calls one of these in a worker thread and gets data back.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

import duckdb
import numpy as np

from lottery.backtest import StrategyBacktest
from lottery.checker import DrawHistory
from lottery.games import Game, current_era, eras_of
from lottery.stats.engine import DrawSet
from lottery.stats.models import NoDrawsError, StatsFilter
from lottery.stats.trends import ROLLING_DRAWS, Ball, TrendWindow
from lottery.strategies import StrategyInputs, inputs_from_draws
from serving.cache import CacheKind
from serving.snapshot import ServingView, SnapshotReader
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


K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used map of this process (the window, inputs and history
    caches below): ``get`` refreshes an entry, ``put`` drops the oldest past ``size``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


log = logging.getLogger(__name__)
WHOLE = StatsFilter()
WINDOW_CACHE_SIZE = 128  # windows kept per process (a whole history is about 14 KB of balls)
_windows: LRU[tuple[str, str, str], DrawSet] = LRU(WINDOW_CACHE_SIZE)
_inputs: LRU[tuple[str, str, str], StrategyInputs] = LRU(WINDOW_CACHE_SIZE)


def window_draws(view: ServingView, game: Game, window: StatsFilter) -> DrawSet:
    """The draws of a window (NoDrawsError when it holds none).

    Kept in a small per-process LRU keyed by the game's data version (a hash of every draw: a new
    publication with other draws is another key) and the window's scope, so a burst of generations
    on one window reads the snapshot once in the API and once per worker process. A window not
    cached yet is cut from the whole history (read once per data version), not queried. The arrays
    are read-only.
    """
    key = (view.manifest.version(game), game.value, window.validated().scope)
    cached = _windows.get(key)
    if cached is not None:
        return cached
    draws = None if window.validated().scope == WHOLE.scope else _slice(view, game, window)
    if draws is None:
        with view.reading() as cur:
            draws = load_window(cur, game, window)
        for array in (draws.dates, draws.numbers, draws.bonus):
            array.setflags(write=False)
    _windows.put(key, draws)
    return draws


def _slice(view: ServingView, game: Game, window: StatsFilter) -> DrawSet | None:
    """The window cut from the game's whole (cached) history: the draws ``load_window`` reads for it
    (its date bounds, inclusive, then its last N; one draw per day), without a query; None when it
    holds no draws (the snapshot read then says what exists)."""
    try:
        whole = window_draws(view, game, WHOLE)
    except NoDrawsError:
        return None
    part = window.rows(whole.dates)  # views of read-only arrays: read-only
    if part.start == part.stop:
        return None
    return DrawSet(game=game, dates=whole.dates[part], numbers=whole.numbers[part], bonus=whole.bonus[part])


def warm(reader: SnapshotReader) -> None:
    """Read each game's whole history and its strategy inputs from the published snapshot into this
    process's caches (the default window of a generation, and the history every other window is cut
    from): a new API or worker process does it at startup rather than on its first requests (60 ms).
    Nothing published, no draws, or any failure: logged, and the first request does it."""
    try:
        view = reader.current()
        if view is None:
            return
        for game in Game:
            with contextlib.suppress(NoDrawsError):
                window_inputs(view, game, WHOLE)
    except Exception:  # a warm-up never stops a process starting
        log.warning("warm-up of the window caches failed; first requests read the snapshot", exc_info=True)


def window_inputs(view: ServingView, game: Game, window: StatsFilter) -> tuple[DrawSet, StrategyInputs]:
    """The draws of a window and the strategies' inputs computed from them (NoDrawsError when it
    holds none), kept in an LRU with the same key as :func:`window_draws`: the submit check and each
    generation on a window already asked compute neither again. The inputs are immutable
    (``StrategyInputs`` is frozen, its arrays read-only)."""
    draws = window_draws(view, game, window)
    key = (view.manifest.version(game), game.value, window.validated().scope)
    cached = _inputs.get(key)
    if cached is not None:
        return draws, cached
    inputs = inputs_from_draws(draws)
    _inputs.put(key, inputs)
    return draws, inputs


@dataclass(frozen=True)
class StoredBacktest:
    """One strategy's row of the latest back-test in the snapshot."""

    run_date: date
    first_target: date
    last_target: date
    result: StrategyBacktest


def latest_backtest(cur: duckdb.DuckDBPyConnection, game: Game) -> list[StoredBacktest]:
    """The snapshot's back-test of ``game`` (the latest run), one row per strategy, on a cursor."""
    return _stored_backtests(cur, "backtests", "strategy", game)


def backtest_history(cur: duckdb.DuckDBPyConnection, game: Game) -> list[StoredBacktest]:
    """Every back-test run of ``game`` the snapshot keeps (``backtest_history``), oldest run first,
    strategies in name order, on a cursor."""
    return _stored_backtests(cur, "backtest_history", "run_date, strategy", game)


def _stored_backtests(
    cur: duckdb.DuckDBPyConnection, table: str, order: str, game: Game
) -> list[StoredBacktest]:
    rows = cur.execute(
        f"SELECT run_date, first_target, last_target, payload FROM {table} WHERE game = ? ORDER BY {order}",
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


def check_history(view: ServingView, game: Game) -> DrawHistory:
    """Every main-formula draw of ``game`` in the snapshot, oldest first, with FDJ's payout per winner
    of each rank (cents; -1 where FDJ published none, or where the rank had no winner and a 0)."""
    key = (view.manifest.snapshot, game)
    cached = _HISTORY.get(key)
    if cached is not None:
        return cached
    with view.reading() as cur:
        rows = cur.execute(
            "SELECT draw_date, numbers, bonus FROM draws WHERE game = ? ORDER BY draw_date", [game.value]
        ).fetchall()
        prizes = cur.execute(
            """
            SELECT d.i, p.rank, CAST(round(p.prize * 100) AS BIGINT)
            FROM prize_tiers p
            JOIN (SELECT draw_date, row_number() OVER (ORDER BY draw_date) - 1 AS i
                  FROM draws WHERE game = ?) d ON p.draw_date = d.draw_date
            WHERE p.game = ? AND p.prize_table = 'main' AND p.prize IS NOT NULL
              AND NOT (p.prize = 0 AND coalesce(p.winners_europe, p.winners_france, 0) = 0)
            """,
            [game.value, game.value],
        ).fetchall()
    era = current_era(game)
    n_ranks = max(len(e.tiers) for e in eras_of(game)) + 1
    payouts = np.full((len(rows), n_ranks), -1, dtype=np.int64)
    for i, rank, cents in prizes:
        if 0 < rank < n_ranks:
            payouts[i, rank] = cents
    history = DrawHistory(
        game=game,
        dates=np.array([r[0] for r in rows], dtype="datetime64[D]"),
        numbers=np.array([r[1] for r in rows], dtype=np.int16).reshape(len(rows), era.numbers_count),
        bonus=np.array([r[2] for r in rows], dtype=np.int16).reshape(len(rows), era.bonus_count),
        payouts=payouts,
    )
    _HISTORY.put(key, history)
    return history


_HISTORY: LRU[tuple[str, Game], DrawHistory] = LRU(4)  # two games x the snapshot in force and the one before
