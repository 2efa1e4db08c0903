"""The shipped wheel table: complete, every design valid (twice over), no worse than the search,
relabelled onto any player's numbers without losing its guarantee, refused when corrupted."""

from __future__ import annotations

import json
from itertools import combinations
from math import comb
from pathlib import Path

import numpy as np
import pytest

from api.models.wheel import wheel_json
from lottery import wheel_table
from lottery.games import Game
from lottery.wheel_answer import wheel_answer
from lottery.wheels import build_wheel, check_wheel, lower_bound, search_wheel

OFFERED = wheel_table.offered_designs()


def covers(tickets: tuple[tuple[int, ...], ...], points: list[int], t: int, m: int) -> bool:
    """Independent check with Python ints: every m-subset of ``points`` meets a ticket in >= t."""
    index = {x: i for i, x in enumerate(points)}
    masks = [sum(1 << index[x] for x in ticket) for ticket in tickets]
    for drawn in combinations(range(len(points)), m):
        d = sum(1 << i for i in drawn)
        if not any((d & mask).bit_count() >= t for mask in masks):
            return False
    return True


def test_every_offered_design_is_in_the_table() -> None:
    """n = 5..20, every t <= m <= 5 whose bound fits the ticket limit: 8..20 numbers included."""
    assert len(OFFERED) == 233
    assert {(n, t, m) for n, t, m in OFFERED if n >= 8} >= {(20, 4, 5), (16, 3, 5), (19, 2, 3), (10, 4, 5)}
    missing = [d for d in OFFERED if not wheel_table.has_design(*d)]
    assert not missing
    # what the API accepts is exactly what the table offers
    for n, t, m in OFFERED:
        check_wheel(Game.EUROMILLIONS, list(range(1, n + 1)), t, m)


@pytest.mark.parametrize(("n", "t", "m"), OFFERED)
def test_every_design_is_verified_and_within_its_bounds(n: int, t: int, m: int) -> None:
    """Loaded through the exhaustive check; sizes between the proven lower bound and the search's
    own size (seed 1, recorded at build); proven records are never beaten (that would be a bug)."""
    design = wheel_table.design(n, t, m)
    assert len(set(design.tickets)) == design.size
    assert all(len(ticket) == 5 and len(set(ticket)) == 5 and max(ticket) < n for ticket in design.tickets)
    assert design.lower_bound == lower_bound(n, 5, t, m).value <= design.size <= design.start_size
    assert design.size <= comb(n, 5)
    if design.best_known is not None and design.source in wheel_table.EXACT_SOURCES:
        assert design.size >= design.best_known  # exact covering numbers, full wheels, met bounds
    if comb(n, m) * design.size <= 3_000_000:
        assert covers(design.tickets, list(range(n)), t, m)


@pytest.mark.parametrize(("n", "t", "m"), [(10, 4, 4), (12, 3, 3), (16, 3, 5), (10, 4, 5), (14, 2, 3)])
def test_table_is_no_larger_than_the_search_run_now(n: int, t: int, m: int) -> None:
    """The greedy and local search, run here with the seed the table's build started from."""
    spec = check_wheel(Game.EUROMILLIONS, list(range(1, n + 1)), t, m)
    assert wheel_table.design(n, t, m).size <= len(search_wheel(spec, seed=1).tickets)


def test_known_records_are_met_where_the_search_reaches_them() -> None:
    """C(10,5,4) = 51, C(11,5,4) = 66 (S(4,5,11)), C(12,5,4) = 113: the table holds them."""
    for n, size in [(10, 51), (11, 66), (12, 113)]:
        design = wheel_table.design(n, 4, 4)
        assert design.size == design.best_known == size
        assert design.source == "A066010"
    full = wheel_table.design(9, 5, 5)
    assert full.size == comb(9, 5)
    assert full.optimal
    assert full.source == "full"


@pytest.mark.parametrize(
    ("game", "n", "t", "m", "seed"),
    [
        (Game.EUROMILLIONS, 20, 3, 5, 11),
        (Game.EUROMILLIONS, 16, 3, 4, 12),
        (Game.LOTO, 13, 4, 4, 13),
        (Game.LOTO, 9, 2, 3, 14),
        (Game.EUROMILLIONS, 11, 4, 4, 15),
    ],
)
def test_relabelling_onto_any_numbers_keeps_the_guarantee(
    game: Game, n: int, t: int, m: int, seed: int
) -> None:
    """Random player numbers of the game, random seeds: the wheel served still covers every m-subset."""
    rng = np.random.default_rng(seed)
    top = 50 if game is Game.EUROMILLIONS else 49
    numbers = sorted(int(x) for x in rng.choice(np.arange(1, top + 1), n, replace=False))
    spec = check_wheel(game, numbers, t, m)
    wheel = build_wheel(spec, seed=seed)
    assert wheel.from_table
    assert len(wheel.tickets) == wheel_table.design(n, t, m).size
    assert all(set(ticket) <= set(numbers) for ticket in wheel.tickets)
    assert covers(wheel.tickets, numbers, t, m)
    again = build_wheel(spec, seed=seed)
    other = build_wheel(spec, seed=seed + 1)
    assert again.tickets == wheel.tickets  # same seed, same tickets
    assert covers(other.tickets, numbers, t, m)


def test_relabel_is_a_bijection_of_the_points() -> None:
    tickets = wheel_table.design(11, 4, 4).tickets
    numbers = [2, 5, 8, 13, 21, 27, 30, 33, 41, 44, 49]
    mapped = wheel_table.relabel(tickets, numbers, np.random.default_rng(7))
    assert len(set(mapped)) == len(tickets)
    assert sorted({x for ticket in mapped for x in ticket}) == numbers


def test_answer_carries_size_bound_and_best_known() -> None:
    spec = check_wheel(Game.EUROMILLIONS, list(range(1, 11)), 4, 4, bonus=[1, 2, 3])
    answer = wheel_json(wheel_answer(build_wheel(spec, seed=1), None, 0.0, 0.0))
    assert answer["main_tickets"] == 51
    assert answer["lower_bound"]["value"] == 50
    assert answer["best_known"] == {
        "value": 51,
        "tickets": 153,
        "source": "A066010",
        "citation": wheel_table.sources()["A066010"],
    }
    assert answer["optimal"] is False
    assert answer["search"]["from_table"] is True


def test_a_corrupted_table_is_refused(tmp_path: Path) -> None:
    """A design with one ticket dropped fails the exhaustive check at load: never served."""
    data = json.loads(wheel_table.TABLE_PATH.read_text())
    for row in data["designs"]:
        if (row["n"], row["t"], row["m"]) == (12, 4, 4):
            row["tickets"] = " ".join(row["tickets"].split()[1:])
    broken = tmp_path / "wheels.json"
    broken.write_text(json.dumps(data))
    with pytest.raises(wheel_table.TableError, match="misses"):
        wheel_table.design(12, 4, 4, broken)
    with pytest.raises(wheel_table.TableError, match="no design"):
        wheel_table.design(21, 4, 4, broken)


def test_shipped_file_is_modest() -> None:
    assert wheel_table.TABLE_PATH.stat().st_size < 250_000
    assert wheel_table.decode_tickets(wheel_table.encode_tickets([(0, 1, 2, 3, 19)])) == [(0, 1, 2, 3, 19)]
