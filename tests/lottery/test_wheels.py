"""Wheels: the guarantee verified exhaustively and by an independent brute force, bounds, determinism."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from math import comb

import numpy as np
import pytest

from api.models.wheel import wheel_json
from lottery.games import Game, current_era
from lottery.wheel_answer import wheel_answer
from lottery.wheels import (
    WheelRequestError,
    build_wheel,
    check_wheel,
    estimate_seconds,
    lower_bound,
    p_condition,
    p_wheel_at_least,
    schonheim,
    search_wheel,
    tickets_hit,
    verify,
)

# (n, t, m): t if m on n numbers, 5-number tickets.
DESIGNS = [(10, 3, 3), (10, 3, 4), (12, 4, 4), (15, 3, 5), (20, 2, 2)]


def brute_force_ok(numbers: tuple[int, ...], tickets: tuple[tuple[int, ...], ...], t: int, m: int) -> bool:
    """Every m-subset of the numbers meets some ticket in at least t numbers (plain sets)."""
    sets = [set(ticket) for ticket in tickets]
    return all(any(len(s & set(drawn)) >= t for s in sets) for drawn in combinations(numbers, m))


def picked(n: int) -> list[int]:
    """n distinct EuroMillions numbers spread over 1..50."""
    return [1 + (7 * i) % 50 for i in range(n)]


@pytest.mark.parametrize(("n", "t", "m"), DESIGNS)
def test_wheel_guarantee_holds_exhaustively_and_by_brute_force(n: int, t: int, m: int) -> None:
    """The wheel's own check and an independent itertools check agree; size within [bound, C(n,5)]."""
    spec = check_wheel(Game.EUROMILLIONS, picked(n), t, m)
    wheel = build_wheel(spec, seed=3)
    assert wheel.verification.ok
    assert wheel.verification.checked == comb(n, m)
    assert brute_force_ok(spec.numbers, wheel.tickets, t, m)
    assert all(len(set(ticket)) == 5 and set(ticket) <= set(spec.numbers) for ticket in wheel.tickets)
    assert len(set(wheel.tickets)) == len(wheel.tickets)
    assert wheel.lower_bound.value <= len(wheel.tickets) <= comb(n, 5)
    assert len(wheel.tickets) <= wheel.greedy_size  # the local search never makes it worse


def test_same_seed_same_tickets_other_seed_still_verified() -> None:
    spec = check_wheel(Game.EUROMILLIONS, picked(11), 3, 4)
    first, again = build_wheel(spec, seed=42), build_wheel(spec, seed=42)
    assert first.tickets == again.tickets
    assert first.steps == again.steps
    other = build_wheel(spec, seed=43)
    assert other.verification.ok
    assert brute_force_ok(spec.numbers, other.tickets, 3, 4)


def test_verifier_detects_a_broken_wheel() -> None:
    """Dropping one ticket of a shrunk wheel leaves some m-subset uncovered: the check says so."""
    spec = check_wheel(Game.EUROMILLIONS, picked(10), 3, 3)
    wheel = build_wheel(spec, seed=1)
    index = {x: i for i, x in enumerate(spec.numbers)}
    masks = np.array([sum(1 << index[x] for x in ticket) for ticket in wheel.tickets], dtype=np.uint32)
    broken = verify(10, 5, 3, 3, masks[1:])
    assert not broken.ok
    assert broken.uncovered > 0
    first = tuple(spec.numbers[i] for i in broken.first_uncovered or ())
    assert not any(len(set(ticket) & set(first)) >= 3 for ticket in wheel.tickets[1:])
    assert brute_force_ok(spec.numbers, wheel.tickets[1:], 3, 3) is False
    # a ticket of the wrong size is refused outright
    with pytest.raises(Exception, match="5 numbers"):
        verify(10, 5, 3, 3, np.array([0b1111], dtype=np.uint32))


def test_schonheim_and_counting_bounds() -> None:
    """Worked by hand: ceil(12/5 ceil(11/4 ceil(10/3 ceil(9/2)))) = ceil(12/5 * 47) = 113, etc."""
    assert schonheim(10, 5, 4) == 50
    assert schonheim(12, 5, 4) == 113
    assert schonheim(20, 5, 2) == 20
    assert schonheim(10, 5, 3) == 14
    assert tickets_hit(10, 5, 4, 3) == comb(5, 3) * comb(5, 1) + comb(5, 4)  # 55
    assert lower_bound(10, 5, 3, 4).value == -(-comb(10, 4) // 55) == 4
    assert lower_bound(20, 5, 1, 5).value == 4  # 16 numbers must be on tickets of 5
    assert "Schönheim" in lower_bound(12, 5, 4, 4).name
    assert "counting" in lower_bound(15, 5, 3, 5).name


def test_bounds_are_valid_by_exhaustive_search_on_tiny_designs() -> None:
    """On 7 numbers no wheel smaller than the bound exists (every family of that size is tried)."""
    for t, m in [(2, 2), (2, 3), (3, 3), (2, 4)]:
        bound = lower_bound(7, 5, t, m).value
        blocks = list(combinations(range(7), 5))
        for family in combinations(blocks, bound - 1):
            assert not brute_force_ok(tuple(range(7)), family, t, m)


def test_probabilities_exact() -> None:
    """P(condition) by the hypergeometric law, and the wheel's P(some ticket >= t) by full enumeration."""
    spec = check_wheel(Game.EUROMILLIONS, picked(10), 3, 4)
    expected = sum(Fraction(comb(10, j) * comb(40, 5 - j), comb(50, 5)) for j in (4, 5))
    assert p_condition(spec) == expected
    # small game-free check of p_wheel_at_least: enumerate every draw of 5 from 50 restricted to the picks
    wheel = build_wheel(spec, seed=2)
    hits = Fraction(0)
    mine = set(spec.numbers)
    for j in range(3, 6):
        ways_outside = comb(40, 5 - j)
        for inside in combinations(spec.numbers, j):
            if any(len(set(ticket) & set(inside)) >= 3 for ticket in wheel.tickets):
                hits += ways_outside
    assert mine
    assert p_wheel_at_least(spec, wheel.tickets) == hits / comb(50, 5)


def test_answer_states_cost_bound_and_same_odds_per_euro() -> None:
    from datetime import date

    from lottery.prices import price_on

    spec = check_wheel(Game.EUROMILLIONS, picked(10), 3, 4, bonus=[2, 5, 9])
    wheel = build_wheel(spec, seed=1)
    price = price_on(Game.EUROMILLIONS, date.today())
    answer = wheel_json(wheel_answer(wheel, price, 0.1, 0.2))  # as the API sends it
    assert answer["bonus_choices"] == 3  # 3 stars given, 2 per ticket: crossed with C(3,2)
    assert answer["count"] == 3 * len(wheel.tickets)
    assert {tuple(t["bonus"]) for t in answer["tickets"]} == {(2, 5), (2, 9), (5, 9)}
    assert price is not None
    assert answer["cost"]["cents"] == price.cents * answer["count"]
    assert answer["verified"] is True
    assert answer["subsets_checked"] == comb(10, 4)
    assert answer["full_wheel"] == comb(10, 5)
    assert "same as for any tickets" in answer["note"]
    assert answer["p_condition"]["one_in"] == pytest.approx(1 / float(p_condition(spec)), rel=1e-3)


@pytest.mark.parametrize(
    ("game", "numbers", "match", "if_drawn", "bonus", "field", "reason"),
    [
        (Game.EUROMILLIONS, [1, 2, 3, 4, 51], 2, 2, [], "numbers", "not a ball"),
        (Game.LOTO, [1, 2, 3, 4, 50], 2, 2, [], "numbers", "not a ball"),
        (Game.EUROMILLIONS, [1, 2, 3, 4, 4, 5], 2, 2, [], "numbers", "twice"),
        (Game.EUROMILLIONS, list(range(1, 22)), 2, 2, [], "numbers", "at most 20"),
        (Game.EUROMILLIONS, [1, 2, 3, 4], 2, 2, [], "numbers", "at least 5"),
        (Game.EUROMILLIONS, list(range(1, 11)), 4, 3, [], "guarantee", "cannot exceed"),
        (Game.EUROMILLIONS, list(range(1, 11)), 3, 6, [], "guarantee", "at most 5"),
        (Game.EUROMILLIONS, list(range(1, 11)), 0, 3, [], "guarantee", "at least 1"),
        (Game.EUROMILLIONS, list(range(1, 11)), 2, 3, [13], "bonus", "not a bonus ball"),
        (Game.LOTO, list(range(1, 11)), 2, 3, [11], "bonus", "not a bonus ball"),
        (Game.EUROMILLIONS, list(range(1, 11)), 2, 3, [3], "bonus", "none or at least 2"),
        (Game.EUROMILLIONS, list(range(1, 11)), 2, 3, [3, 3], "bonus", "twice"),
        (Game.EUROMILLIONS, list(range(1, 21)), 5, 5, [], "guarantee", "at least 15504 tickets"),
    ],
)
def test_impossible_requests(
    game: Game, numbers: list[int], match: int, if_drawn: int, bonus: list[int], field: str, reason: str
) -> None:
    with pytest.raises(WheelRequestError, match=reason) as info:
        check_wheel(game, numbers, match, if_drawn, bonus)
    assert info.value.field == field


def test_too_long_a_search_is_refused_before_it_runs() -> None:
    spec = check_wheel(Game.EUROMILLIONS, list(range(1, 21)), 4, 4)
    with pytest.raises(WheelRequestError, match="too large a search"):
        check_wheel(Game.EUROMILLIONS, list(range(1, 21)), 4, 4, max_seconds=estimate_seconds(spec) / 2)


@pytest.mark.parametrize(("n", "t", "m"), DESIGNS)
def test_search_alone_still_builds_verified_wheels(n: int, t: int, m: int) -> None:
    """The search (for designs outside the table) verifies what it returns, never beats the bound."""
    spec = check_wheel(Game.EUROMILLIONS, picked(n), t, m)
    wheel = search_wheel(spec, seed=3)
    assert not wheel.from_table
    assert wheel.verification.ok
    assert brute_force_ok(spec.numbers, wheel.tickets, t, m)
    assert wheel.lower_bound.value <= len(wheel.tickets) <= wheel.greedy_size


def test_loto_tickets_use_the_chance_number() -> None:
    spec = check_wheel(Game.LOTO, [1, 5, 9, 13, 17, 21, 25, 29], 2, 3, bonus=[7])
    answer = wheel_json(wheel_answer(build_wheel(spec, seed=5), None, 0.0, 0.0))
    assert current_era(Game.LOTO).bonus_count == 1
    assert all(t["bonus"] == [7] for t in answer["tickets"])
    assert answer["cost"] is None  # no price given: no cost claimed
