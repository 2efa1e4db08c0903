"""load_window reads narrow columns without ORDER BY and sorts in numpy only when needed: the window
is the same as a plain ordered read, whatever order the table holds the draws in."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pytest

from lottery.games import Game
from lottery.stats.models import StatsFilter
from warehouse.statistics import load_window


def _table(order: list[int]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE draws (game VARCHAR, draw_date DATE, numbers INTEGER[], bonus INTEGER[])")
    rows = [
        ("euromillions", date(2020, 1, 1 + i), [1 + i, 10 + i, 20 + i, 30 + i, 40 + i], [1, 2 + i])
        for i in range(10)
    ]
    con.executemany("INSERT INTO draws VALUES (?, ?, ?, ?)", [rows[i] for i in order])
    return con


def test_a_table_out_of_date_order_gives_the_ordered_window() -> None:
    shuffled = _table([3, 0, 9, 5, 1, 8, 2, 7, 6, 4])
    ordered = _table(list(range(10)))
    for filters in (StatsFilter(), StatsFilter(last=4), StatsFilter.model_validate({"from": "2020-01-03"})):
        a, b = (
            load_window(shuffled, Game.EUROMILLIONS, filters),
            load_window(ordered, Game.EUROMILLIONS, filters),
        )
        assert np.all(np.diff(a.dates.astype(np.int64)) > 0)
        assert a.dates.tolist() == b.dates.tolist()
        assert a.numbers.tolist() == b.numbers.tolist()
        assert a.bonus.tolist() == b.bonus.tolist()
        assert a.numbers.dtype == np.int16
        assert a.dates.dtype == np.dtype("datetime64[D]")
    assert load_window(shuffled, Game.EUROMILLIONS, StatsFilter(last=4)).dates[0] == np.datetime64(
        "2020-01-07"
    )
    assert load_window(shuffled, Game.EUROMILLIONS, StatsFilter()).numbers[0].tolist() == [1, 10, 20, 30, 40]


def test_window_sql_keeps_its_public_columns_and_order() -> None:
    """Other queries build on window_sql (``SELECT draw_date FROM (...)``): its shape is unchanged."""
    from warehouse.statistics import window_sql

    con = _table([3, 0, 9, 5, 1, 8, 2, 7, 6, 4])
    sql, params = window_sql(Game.EUROMILLIONS, StatsFilter())
    rows = con.execute(f"SELECT draw_date, n0, b1 FROM ({sql})", params).fetchall()
    assert [r[0] for r in rows] == [date(2020, 1, 1 + i) for i in range(10)]
    assert rows[0][1:] == (1, 2)


@pytest.mark.parametrize("large", [False, True], ids=["after-the-read", "beside-the-engine"])
def test_the_version_computed_with_the_statistics_is_the_games_data_version(
    large: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """compute_quick/compute_full without a version compute it (on a large window on a second cursor
    while the engine counts): the result carries the same version as asked separately, and an empty
    window still raises NoDrawsError with the connection usable after."""
    from lottery.stats.models import NoDrawsError
    from warehouse import statistics
    from warehouse.statistics import compute_full, compute_quick, data_version

    monkeypatch.setattr(statistics, "PARALLEL_FROM_DRAWS", 1 if large else 1 << 62)
    con = _table([3, 0, 9, 5, 1, 8, 2, 7, 6, 4])
    version = data_version(con, Game.EUROMILLIONS)
    for compute in (compute_quick, compute_full):
        alone = compute(con, Game.EUROMILLIONS, StatsFilter())
        assert alone.data_version == version
        assert alone == compute(con, Game.EUROMILLIONS, StatsFilter(), version)
        with pytest.raises(NoDrawsError):
            compute(con, Game.EUROMILLIONS, StatsFilter(year=2031))
    assert con.execute("SELECT count(*) FROM draws").fetchall() == [(10,)]


def test_arrow_columns_reach_numpy_as_exact_views_or_not_at_all() -> None:
    """The window's columns are read from Arrow's buffers (no pandas): sliced arrays keep their
    offset; a column with nulls or of another width is refused rather than misread."""
    import pyarrow as pa

    from warehouse.statistics import _balls, _numpy

    days = pa.array([date(2020, 1, d) for d in range(1, 8)], type=pa.date32()).slice(2, 3)
    assert _numpy(days, np.int32).tolist() == [18264, 18265, 18266]  # 2020-01-03..05, days since 1970
    lists = pa.array([[i, i + 1] for i in range(6)], type=pa.list_(pa.uint8(), 2)).slice(1, 3)
    assert _balls(pa.table({"numbers": lists}), "numbers", 2).tolist() == [[1, 2], [2, 3], [3, 4]]
    with pytest.raises(TypeError):
        _numpy(pa.array([1, None], type=pa.int32()), np.int32)
    with pytest.raises(TypeError):
        _numpy(pa.array([1, 2], type=pa.int64()), np.int32)
    with pytest.raises(TypeError):
        _balls(pa.table({"numbers": pa.array([[1, 2], None], type=pa.list_(pa.uint8(), 2))}), "numbers", 2)
