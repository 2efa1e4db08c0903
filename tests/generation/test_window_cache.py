"""The per-process window cache of serving.queries.window_draws: one snapshot read per window and data
version, read-only arrays, and a new publication with other draws is read afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from lottery.stats.models import NoDrawsError, StatsFilter
from serving import queries
from serving.snapshot import SnapshotReader, publish
from tests.serving_fixtures import Published
from warehouse.statistics import load_window

EM = Game.EUROMILLIONS
YEAR = StatsFilter(year=2020)


def test_a_window_is_read_once_per_data_version_and_is_read_only(published: Published) -> None:
    view = SnapshotReader(published.serving_dir).current()
    assert view is not None
    first = queries.window_draws(view, EM, YEAR)
    assert queries.window_draws(view, EM, StatsFilter(year=2020)) is first
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        direct = load_window(con, EM, YEAR)
    assert first.dates.tolist() == direct.dates.tolist()
    assert first.numbers.tolist() == direct.numbers.tolist()
    for array in (first.dates, first.numbers, first.bonus):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[1]


def test_a_new_publication_with_other_draws_is_read_afresh(published: Published, tmp_path: Path) -> None:
    view = SnapshotReader(published.serving_dir).current()
    assert view is not None
    before = queries.window_draws(view, EM, YEAR)
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(published.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("DELETE FROM draws WHERE game = 'euromillions' AND draw_date >= DATE '2020-07-01'")
        publish(con, tmp_path / "serving")
    newer = SnapshotReader(tmp_path / "serving").current()
    assert newer is not None
    assert newer.manifest.version(EM) != view.manifest.version(EM)
    after = queries.window_draws(newer, EM, YEAR)
    assert after is not before
    assert after.size < before.size
    assert str(after.dates[-1]) < "2020-07-01"
    assert queries.window_draws(view, EM, YEAR) is before  # the older snapshot's entry is still its own


@pytest.mark.parametrize(
    "window",
    [
        {"year": 2020},
        {"year": 2019, "month": 2},
        {"from": "2019-02-05", "to": "2024-06-30"},
        {"from": "2019-02-08"},
        {"to": "2010-01-01"},
        {"last": 50},
        {"last": 1},
        {"year": 2021, "last": 7},
        {"from": "2020-01-03", "to": "2020-01-03"},
    ],
)
def test_a_window_cut_from_the_whole_history_equals_its_snapshot_read(
    published: Published, window: dict[str, object]
) -> None:
    """A window first asked is cut from the cached whole history: the same draws, in the same order,
    as the snapshot's own query for it, and read-only."""
    view = SnapshotReader(published.serving_dir).current()
    assert view is not None
    filters = StatsFilter.model_validate(window)
    cut = queries.window_draws(view, EM, filters)
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        direct = load_window(con, EM, filters)
    assert cut.dates.tolist() == direct.dates.tolist()
    assert cut.numbers.tolist() == direct.numbers.tolist()
    assert cut.bonus.tolist() == direct.bonus.tolist()
    with pytest.raises(ValueError, match="read-only"):
        cut.numbers[0] = cut.numbers[0]
    _, inputs = queries.window_inputs(view, EM, filters)
    assert queries.window_inputs(view, EM, StatsFilter.model_validate(window))[1] is inputs


def test_a_window_without_draws_says_what_exists(published: Published) -> None:
    """No draws in the window: the same NoDrawsError (field and message) as the snapshot read."""
    view = SnapshotReader(published.serving_dir).current()
    assert view is not None
    filters = StatsFilter.model_validate({"from": "1990-01-01", "to": "1990-12-31"})
    with pytest.raises(NoDrawsError) as cut:
        queries.window_draws(view, EM, filters)
    with (
        duckdb.connect(str(published.warehouse), read_only=True) as con,
        pytest.raises(NoDrawsError) as direct,
    ):
        load_window(con, EM, filters)
    assert (cut.value.field, cut.value.message) == (direct.value.field, direct.value.message)
