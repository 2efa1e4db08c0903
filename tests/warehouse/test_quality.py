"""Data-quality queries behind the asset checks, on a warehouse loaded from the excerpts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from warehouse import quality
from warehouse.ingest import ingest_game
from warehouse.loader import record_counts


@pytest.fixture
def loaded(con: duckdb.DuckDBPyConnection, fixture_dir: Path) -> duckdb.DuckDBPyConnection:
    """Both games' excerpts loaded (23 EuroMillions draws, 14 Loto main draws)."""
    for game in Game:
        ingest_game(con, game, str(fixture_dir), run_id="r1")
    return con


def test_clean_excerpts_pass_every_query(loaded: duckdb.DuckDBPyConnection) -> None:
    """No violation, duplicate, shrink, reject or unbalanced log row."""
    for game in Game:
        assert quality.rule_violations(loaded, game) == []
        assert quality.duplicate_draws(loaded, game) == []
        assert quality.shrunk_tables(loaded, game) == {}
        assert quality.latest_rejects(loaded, game) == []
        assert quality.unbalanced_ingests(loaded, game) == []


def test_rule_violations_find_tampered_rows(loaded: duckdb.DuckDBPyConnection) -> None:
    """A star 12 before 2016-09-27, and sorted numbers that disagree with the drawn balls."""
    loaded.execute("UPDATE draws SET bonus = [3, 12], bonus_drawn = [12, 3] WHERE draw_date = '2016-09-23'")
    loaded.execute("UPDATE draws SET numbers = [1, 2, 3, 4, 5] WHERE draw_date = '2026-05-19'")
    assert quality.rule_violations(loaded, Game.EUROMILLIONS) == [
        (date(2016, 9, 23), "bonus ball 12 outside 1..11 (rules in force on 2016-09-23)"),
        (date(2026, 5, 19), "sorted numbers disagree with the draw-order balls"),
    ]
    assert quality.rule_violations(loaded, Game.LOTO) == []


def test_shrunk_tables_compares_the_last_two_counts(loaded: duckdb.DuckDBPyConnection) -> None:
    """Fewer rows than at the previous count is reported as (before, now), per table."""
    loaded.execute("DELETE FROM draws WHERE game = 'euromillions' AND draw_date < '2011-05-10'")
    assert record_counts(loaded, Game.EUROMILLIONS, "r2")["main"] == 19
    assert quality.shrunk_tables(loaded, Game.EUROMILLIONS) == {"main": (23, 19)}
    assert quality.shrunk_tables(loaded, Game.LOTO) == {}
    record_counts(loaded, Game.EUROMILLIONS, "r3")
    assert quality.shrunk_tables(loaded, Game.EUROMILLIONS) == {}


def test_unbalanced_ingest_log_rows(loaded: duckdb.DuckDBPyConnection) -> None:
    """An ok log row whose counts do not add up is found."""
    loaded.execute(
        "INSERT INTO ingest_log (game, file, rows_read, rows_inserted, status, started_at, finished_at) "
        "VALUES ('loto', 'odd.csv', 10, 9, 'ok', now(), now())"
    )
    assert quality.unbalanced_ingests(loaded, Game.LOTO) == [("odd.csv", 10, 9)]
    assert quality.unbalanced_ingests(loaded, Game.EUROMILLIONS) == []
