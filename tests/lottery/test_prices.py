"""Ticket prices per era: ordered, contiguous from the first sourced price, exact at boundaries."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from lottery.games import DrawKind, Game, eras_of
from lottery.prices import PRICES, TicketPrice, price_on, prices_of


def cents_on(game: Game, day: date) -> int | None:
    found = price_on(game, day)
    return None if found is None else found.cents


@pytest.mark.parametrize("game", list(Game))
def test_prices_of_a_game_are_strictly_ordered(game: Game) -> None:
    prices = prices_of(game)
    assert prices, f"no price for {game}"
    assert all(a.start < b.start for a, b in pairwise(prices))
    # Consecutive rows are real changes, not repeats.
    assert all(a.cents != b.cents for a, b in pairwise(prices))


def test_every_price_is_sourced_and_plausible() -> None:
    for price in PRICES:
        assert isinstance(price, TicketPrice)
        assert price.source.startswith(("http://", "https://")), price
        assert 10 <= price.cents <= 1000, price
        assert price.note, price


@pytest.mark.parametrize("game", list(Game))
def test_no_gap_from_the_first_price_to_today(game: Game) -> None:
    """Every day from the first sourced price on has exactly the last price started by then."""
    prices = prices_of(game)
    day, end = prices[0].start, date(2026, 12, 31)
    step = timedelta(days=1)
    while day <= end:
        found = price_on(game, day)
        assert found is not None, day
        assert found == max((p for p in prices if p.start <= day), key=lambda p: p.start)
        day += step


@pytest.mark.parametrize(
    ("game", "day", "cents"),
    [
        (Game.EUROMILLIONS, date(2004, 2, 12), None),
        (Game.EUROMILLIONS, date(2004, 2, 13), 200),
        (Game.EUROMILLIONS, date(2014, 2, 3), 200),
        (Game.EUROMILLIONS, date(2014, 2, 4), 250),
        (Game.EUROMILLIONS, date(2016, 9, 27), 250),
        (Game.EUROMILLIONS, date(2026, 12, 1), 250),
        (Game.LOTO, date(1976, 5, 19), None),
        (Game.LOTO, date(2001, 12, 31), None),
        (Game.LOTO, date(2002, 1, 1), 60),
        (Game.LOTO, date(2008, 10, 4), 60),
        (Game.LOTO, date(2008, 10, 6), 200),
        (Game.LOTO, date(2017, 3, 4), 200),
        (Game.LOTO, date(2017, 3, 6), 220),
        (Game.LOTO, date(2019, 11, 4), 220),
    ],
)
def test_price_at_boundaries(game: Game, day: date, cents: int | None) -> None:
    assert cents_on(game, day) == cents


def test_prices_change_with_the_formulas_they_came_with() -> None:
    """EuroMillions starts with its first draw; the Loto 5/49 prices start with its two eras."""
    assert prices_of(Game.EUROMILLIONS)[0].start == eras_of(Game.EUROMILLIONS)[0].start
    loto_starts = {p.start for p in prices_of(Game.LOTO)}
    assert {e.start for e in eras_of(Game.LOTO, DrawKind.MAIN)} <= loto_starts
