"""The per-process window cache of serving.queries.window_draws: one snapshot read per window and data
version, read-only arrays, and a new publication with other draws is read afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from lottery.stats.models import StatsFilter
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
