"""Filters, windows and errors of statistics requests, on the shipped EuroMillions history."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery.games import Game
from lottery.stats.models import (
    InvalidFilterError,
    NoDrawsError,
    StatsError,
    StatsFilter,
    UnknownGameError,
    parse_game,
)
from tests.stats.conftest import SHIPPED
from warehouse.ingest import ingest_game
from warehouse.statistics import compute_full, compute_quick, data_version, load_window

EM = Game.EUROMILLIONS


@pytest.mark.parametrize(
    ("filters", "field", "words"),
    [
        (StatsFilter(month=3), "month", "needs a year"),
        (StatsFilter(year=2025, month=13), "month", "1..12"),
        (StatsFilter(year=2025, month=0), "month", "1..12"),
        (StatsFilter.model_validate({"from": "2025-03-02", "to": "2025-03-01"}), "from", "after"),
        (StatsFilter(last=0), "last", "at least 1"),
        (StatsFilter(last=-5), "last", "at least 1"),
        (StatsFilter(year=25), "year", "four-digit"),
    ],
)
def test_invalid_filters(
    em_con: duckdb.DuckDBPyConnection, filters: StatsFilter, field: str, words: str
) -> None:
    with pytest.raises(InvalidFilterError) as caught:
        filters.validated()
    assert caught.value.field == field
    assert caught.value.status_hint == 422
    assert words in caught.value.message
    assert isinstance(caught.value, StatsError)
    assert isinstance(caught.value, ValueError)
    # The warehouse entry points validate too.
    for compute in (compute_quick, compute_full):
        with pytest.raises(InvalidFilterError) as again:
            compute(em_con, EM, filters)
        assert again.value.field == field


def test_same_day_range_is_valid() -> None:
    f = StatsFilter.model_validate({"from": "2025-03-04", "to": "2025-03-04"})
    assert f.validated() is f


def test_year_without_draws_is_404_and_says_what_exists(em_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NoDrawsError) as caught:
        compute_quick(em_con, EM, StatsFilter(year=2003))
    err = caught.value
    assert err.status_hint == 404
    assert err.field == "year"
    assert "2004-02-13" in err.message
    assert "2026-05-19" in err.message
    assert "euromillions" in err.message


def test_month_and_range_without_draws(em_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NoDrawsError) as caught:
        compute_full(em_con, EM, StatsFilter(year=2004, month=1))
    assert caught.value.field == "year"
    with pytest.raises(NoDrawsError) as caught:
        load_window(em_con, EM, StatsFilter.model_validate({"from": "2030-01-01"}))
    assert caught.value.field == "from"
    assert "2026-05-19" in caught.value.message
    # A Wednesday: no EuroMillions draw that day.
    with pytest.raises(NoDrawsError):
        load_window(em_con, EM, StatsFilter.model_validate({"from": "2025-03-05", "to": "2025-03-05"}))


def test_empty_warehouse_says_it_holds_nothing(em_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NoDrawsError) as caught:
        load_window(em_con, Game.LOTO, StatsFilter())
    assert caught.value.field == "game"
    assert "holds none" in caught.value.message


def test_parse_game() -> None:
    assert parse_game("euromillions") is Game.EUROMILLIONS
    assert parse_game("EuroMillions") is Game.EUROMILLIONS
    assert parse_game("loto") is Game.LOTO
    with pytest.raises(UnknownGameError) as caught:
        parse_game("bingo")
    assert caught.value.status_hint == 404
    assert caught.value.field == "game"
    assert "bingo" in caught.value.message
    assert "euromillions" in caught.value.message


@pytest.mark.parametrize(
    ("filters", "bounds"),
    [
        (StatsFilter(), (None, None)),
        (StatsFilter(year=2024, month=2), (date(2024, 2, 1), date(2024, 2, 29))),
        (StatsFilter(year=2023, month=2), (date(2023, 2, 1), date(2023, 2, 28))),
        (StatsFilter(year=2000, month=2), (date(2000, 2, 1), date(2000, 2, 29))),
        (StatsFilter(year=2025, month=12), (date(2025, 12, 1), date(2025, 12, 31))),
        (StatsFilter(year=2025), (date(2025, 1, 1), date(2025, 12, 31))),
        (StatsFilter(year=2025, last=10), (date(2025, 1, 1), date(2025, 12, 31))),
        (StatsFilter.model_validate({"from": "2025-03-10"}), (date(2025, 3, 10), None)),
        (
            StatsFilter.model_validate({"year": 2025, "from": "2024-06-01", "to": "2025-02-10"}),
            (date(2025, 1, 1), date(2025, 2, 10)),
        ),
    ],
)
def test_bounds(filters: StatsFilter, bounds: tuple) -> None:
    assert filters.bounds == bounds


@pytest.mark.parametrize(
    ("filters", "scope"),
    [
        (StatsFilter(), "all"),
        (StatsFilter(year=2025), "2025"),
        (StatsFilter(year=2025, month=3), "2025-03"),
        (StatsFilter(last=50), "last50"),
        (StatsFilter(year=2025, last=10), "2025+last10"),
        (StatsFilter.model_validate({"from": "2025-01-01", "to": "2025-06-30"}), "2025-01-01..2025-06-30"),
        (StatsFilter.model_validate({"from": "2025-01-01"}), "2025-01-01.."),
    ],
)
def test_scope_names(filters: StatsFilter, scope: str) -> None:
    assert filters.scope == scope


def test_public_uses_api_names_and_round_trips() -> None:
    f = StatsFilter.model_validate({"year": 2025, "from": "2025-02-01", "last": 5})
    assert f.public() == {"year": 2025, "from": "2025-02-01", "last": 5}
    assert StatsFilter.model_validate(f.public()) == f
    with pytest.raises(pydantic.ValidationError):
        StatsFilter.model_validate({"years": 2025})


def test_year_and_last_combine(em_con: duckdb.DuckDBPyConnection) -> None:
    year = compute_full(em_con, EM, StatsFilter(year=2025))
    last = compute_full(em_con, EM, StatsFilter(year=2025, last=10))
    whole = load_window(em_con, EM, StatsFilter(year=2025))
    window = load_window(em_con, EM, StatsFilter(year=2025, last=10))
    assert last.draw_count == 10
    assert (window.dates == whole.dates[-10:]).all()
    assert (window.numbers == whole.numbers[-10:]).all()
    assert last.last_draw == year.last_draw
    assert last.last_draw.draw_date.year == 2025
    assert last.first_draw == whole.draw(whole.size - 10)
    assert sum(s.count for s in last.numbers) == 50
    assert last.filters == {"year": 2025, "last": 10}
    # More than the window holds: the whole window.
    assert compute_quick(em_con, EM, StatsFilter(year=2025, month=3, last=500)).draw_count == 8


def test_last_n_of_all_history(em_con: duckdb.DuckDBPyConnection) -> None:
    q = compute_quick(em_con, EM, StatsFilter(last=50))
    assert q.draw_count == 50
    assert q.last_draw.draw_date == date(2026, 5, 19)
    assert max(s.current_gap for s in q.numbers) <= 50


def test_data_version_changes_only_with_the_draws(em_rw: duckdb.DuckDBPyConnection) -> None:
    before = data_version(em_rw, EM)
    assert before.startswith("1947-")
    assert data_version(em_rw, EM) == before
    assert compute_quick(em_rw, EM, StatsFilter(year=2025)).data_version == before

    # Re-ingesting the same files changes nothing.
    ingest_game(em_rw, EM, str(SHIPPED))
    assert data_version(em_rw, EM) == before

    # Another game's draws do not touch EuroMillions' version.
    em_rw.execute(
        "INSERT INTO draws SELECT * REPLACE ('loto' AS game, [1, 2, 3, 4, 5] AS numbers, [1] AS bonus) "
        "FROM draws WHERE game = 'euromillions' AND draw_date = DATE '2026-05-19'"
    ).fetchall()
    assert data_version(em_rw, EM) == before

    # A new EuroMillions draw does.
    em_rw.execute(
        "INSERT INTO draws SELECT * REPLACE (DATE '2026-05-22' AS draw_date) "
        "FROM draws WHERE game = 'euromillions' AND draw_date = DATE '2026-05-19'"
    ).fetchall()
    added = data_version(em_rw, EM)
    assert added != before
    assert added.startswith("1948-")
    assert compute_full(em_rw, EM, StatsFilter()).data_version == added

    # So does a corrected draw.
    em_rw.execute(
        "UPDATE draws SET bonus = [3, 4] WHERE game = 'euromillions' AND draw_date = DATE '2026-05-22'"
    ).fetchall()
    corrected = data_version(em_rw, EM)
    assert corrected not in (before, added)
    assert corrected.startswith("1948-")


@settings(max_examples=200, deadline=None)
@given(
    days=st.sets(st.integers(0, 800), max_size=60),
    lo=st.one_of(st.none(), st.integers(-5, 805)),
    span=st.one_of(st.none(), st.integers(0, 400)),
    last=st.one_of(st.none(), st.integers(1, 70)),
)
def test_rows_select_what_a_row_by_row_reading_of_the_filters_selects(
    days: set[int], lo: int | None, span: int | None, last: int | None
) -> None:
    """``StatsFilter.rows`` (the serving window cache and the checker cut windows with it) keeps the
    rows inside the inclusive bounds, then the last N of them."""
    epoch = date(2020, 1, 1)
    dates = np.datetime64(epoch, "D") + np.array(sorted(days), dtype="timedelta64[D]")
    start = None if lo is None else date.fromordinal(epoch.toordinal() + lo)
    end = None if span is None else date.fromordinal((start or epoch).toordinal() + span)
    filters = StatsFilter.model_validate({"from": start, "to": end, "last": last}).validated()
    inside = [
        i
        for i, d in enumerate(dates.astype(object))
        if (start is None or d >= start) and (end is None or d <= end)
    ]
    expected = inside[-last:] if last is not None else inside
    assert list(range(len(dates)))[filters.rows(dates)] == expected
