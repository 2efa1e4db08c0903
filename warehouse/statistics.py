"""Statistics windows read from the warehouse (SQL), handed to the domain engine (numpy)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import TypeVar

import duckdb
import numpy as np
import pyarrow as pa

from lottery.games import Game, current_era
from lottery.stats.engine import PARALLEL_FROM_DRAWS, DrawSet, full_stats, quick_stats
from lottery.stats.models import FullStats, NoDrawsError, QuickStats, StatsFilter


def data_version(con: duckdb.DuckDBPyConnection, game: Game) -> str:
    """A short fingerprint of every main-formula draw of ``game``: changes whenever a draw does.

    The draw count and an order-independent XOR of each draw's hash (date, numbers, bonus): one
    parallel scan, no string building.
    """
    count, digest = con.execute(
        "SELECT count(*), coalesce(bit_xor(hash(draw_date, numbers, bonus)), 0) FROM draws WHERE game = ?",
        [game.value],
    ).fetchall()[0]
    return f"{count}-{digest:016x}"


def date_range_where(game: Game, lo: date | None, hi: date | None) -> tuple[str, list[object]]:
    """``WHERE`` conditions (and parameters) for one game's draws between two optional dates."""
    where, params = ["game = ?"], [game.value]
    if lo:
        where.append("draw_date >= ?")
        params.append(lo)
    if hi:
        where.append("draw_date <= ?")
        params.append(hi)
    return " AND ".join(where), params


def window_sql(game: Game, filters: StatsFilter) -> tuple[str, list[object]]:
    """SQL selecting the window's draws (oldest first) and its parameters: ``draw_date``, ``n0``..,
    ``b0``.. (the statistics' own window, for other queries to build on)."""
    era = current_era(game)
    cols = ", ".join(
        [f"numbers[{i + 1}] AS n{i}" for i in range(era.numbers_count)]
        + [f"bonus[{i + 1}] AS b{i}" for i in range(era.bonus_count)]
    )
    where, params = date_range_where(game, *filters.bounds)
    sql = f"SELECT draw_date, {cols} FROM draws WHERE {where}"
    if filters.last is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY draw_date DESC LIMIT ?) ORDER BY draw_date"
        params.append(filters.last)
    else:
        sql += " ORDER BY draw_date"
    return sql, params


def _narrow_window_sql(game: Game, filters: StatsFilter) -> tuple[str, list[object]]:
    """The same window as :func:`window_sql` in the narrowest types, for Arrow: the date as is (32-bit
    days), each draw's balls as one fixed-size array of bytes (a row with another number of balls
    fails the cast: never silently misaligned), without ``ORDER BY`` unless the window is the last
    N: :func:`load_window` sorts in numpy only if the table order is not ascending (sorting 10
    million rows in SQL costs more)."""
    era = current_era(game)
    where, params = date_range_where(game, *filters.bounds)
    sql = (
        f"SELECT draw_date, numbers::UTINYINT[{era.numbers_count}] AS numbers, "
        f"bonus::UTINYINT[{era.bonus_count}] AS bonus FROM draws WHERE {where}"
    )
    if filters.last is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY draw_date DESC LIMIT ?) ORDER BY draw_date"
        params.append(filters.last)
    return sql, params


def _numpy(array: pa.Array, dtype: type[np.generic]) -> np.ndarray:
    """A primitive Arrow array without nulls as a read-only NumPy view of its data buffer.

    pyarrow's own ``to_numpy`` imports pandas on its first call (and a cast, pyarrow.compute):
    0.2 s on the first window every new API or worker process reads."""
    width = np.dtype(dtype).itemsize
    if array.null_count or array.type.bit_width != 8 * width:
        raise TypeError(f"a {array.type} column with {array.null_count} nulls read as {np.dtype(dtype)}")
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * width)


def _balls(table: pa.Table, column: str, width: int) -> np.ndarray:
    """A fixed-size-list column as an (n, width) uint8 array: Arrow's child values, no copy (its
    ``flatten`` would load pyarrow.compute)."""
    lists = table.column(column).combine_chunks()
    if lists.null_count:
        raise TypeError(f"{lists.null_count} null {column} lists")
    start = lists.offset * width
    return _numpy(lists.values, np.uint8)[start : start + len(lists) * width].reshape(-1, width)


def load_window(
    con: duckdb.DuckDBPyConnection, game: Game, filters: StatsFilter, *, narrow: bool = False
) -> DrawSet:
    """The draws a (validated) filter selects, or :class:`NoDrawsError` saying what exists.

    Read through Arrow (DuckDB hands over whole column buffers; ``fetchnumpy`` converts vector by
    vector, twice as long on 10 million draws). Balls are int16, or with ``narrow`` the uint8 the
    statistics engine reads (:func:`~lottery.stats.engine.compact`), saving two conversions.
    """
    filters = filters.validated()
    era = current_era(game)
    sql, params = _narrow_window_sql(game, filters)
    table = con.sql(sql, params=params).to_arrow_table()
    if table.num_rows == 0:
        span = con.execute(
            "SELECT min(draw_date), max(draw_date) FROM draws WHERE game = ?", [game.value]
        ).fetchall()[0]
        held = f"draws run from {span[0]} to {span[1]}" if span[0] else "the warehouse holds none yet"
        field = (
            "year"
            if filters.year is not None
            else ("from" if filters.date_from or filters.date_to else "game")
        )
        raise NoDrawsError(field, f"no {game.value} draws match {filters.public() or 'the filters'}; {held}")
    days = _numpy(table.column("draw_date").combine_chunks(), np.int32)  # date32: days since 1970
    numbers = _balls(table, "numbers", era.numbers_count)
    bonus = _balls(table, "bonus", era.bonus_count)
    if not narrow:
        numbers, bonus = numbers.astype(np.int16), bonus.astype(np.int16)
    if np.any(days[1:] < days[:-1]):
        order = np.argsort(days, kind="stable")
        days, numbers, bonus = days[order], numbers[order], bonus[order]
    return DrawSet(game=game, dates=days.astype("datetime64[D]"), numbers=numbers, bonus=bonus)


S = TypeVar("S", QuickStats, FullStats)


def _computed(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    filters: StatsFilter,
    version: str | None,
    engine: Callable[[DrawSet, str], S],
) -> S:
    """``engine(window, version)``. Without a version, :func:`data_version` is computed too: on a
    large window on its own cursor in a second thread while the engine counts (DuckDB works without
    the GIL), then written into the result; on a small one after the read (a thread costs more)."""
    draws = load_window(con, game, filters, narrow=True)
    if version is not None:
        return engine(draws, version)
    if draws.size < PARALLEL_FROM_DRAWS:
        return engine(draws, data_version(con, game))
    with con.cursor() as own, ThreadPoolExecutor(1) as pool:  # the query ends before its cursor closes
        pending = pool.submit(data_version, own, game)
        stats = engine(draws, "")
        return stats.model_copy(update={"data_version": pending.result()})


def compute_quick(
    con: duckdb.DuckDBPyConnection, game: Game, filters: StatsFilter, version: str | None = None
) -> QuickStats:
    """Quick stats of a window, straight from the warehouse (or a serving snapshot of it)."""
    return _computed(con, game, filters, version, lambda ds, v: quick_stats(ds, filters, v))


def compute_full(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    filters: StatsFilter,
    version: str | None = None,
    **options: int | None,
) -> FullStats:
    """Full stats of a window, straight from the warehouse (or a serving snapshot of it)."""
    return _computed(con, game, filters, version, lambda ds, v: full_stats(ds, filters, v, **options))
