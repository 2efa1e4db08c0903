"""Game rules as data: era boundaries, draw checks, prize tiers and exact odds."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from math import comb

import pytest

from lottery.games import (
    ERAS,
    DrawKind,
    Era,
    Game,
    PrizeTier,
    check_draw,
    current_era,
    era_on,
    eras_of,
)

EM_ERAS = eras_of(Game.EUROMILLIONS)


def era(game: Game, day: date, kind: DrawKind = DrawKind.MAIN) -> Era:
    """The era in force, which must exist."""
    found = era_on(game, kind, day)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("day", "stars", "tiers"),
    [
        (date(2004, 2, 13), 9, 12),
        (date(2011, 5, 6), 9, 12),
        (date(2011, 5, 9), 9, 12),
        (date(2011, 5, 10), 11, 13),
        (date(2016, 9, 23), 11, 13),
        (date(2016, 9, 26), 11, 13),
        (date(2016, 9, 27), 12, 13),
        (date(2026, 5, 19), 12, 13),
    ],
)
def test_euromillions_era_boundaries(day: date, stars: int, tiers: int) -> None:
    """Stars 1..9 until 2011-05-09, 1..11 from 2011-05-10, 1..12 from 2016-09-27."""
    e = era(Game.EUROMILLIONS, day)
    assert (e.numbers_count, e.numbers_max, e.bonus_count, e.bonus_max) == (5, 50, 2, stars)
    assert len(e.tiers) == tiers


def test_no_euromillions_before_2004_02_13() -> None:
    """Nothing before the first draw."""
    assert era_on(Game.EUROMILLIONS, DrawKind.MAIN, date(2004, 2, 12)) is None
    assert current_era(Game.EUROMILLIONS).bonus_max == 12


def test_loto_era_boundaries() -> None:
    """6/49 from 1976-05-19 to 2008-10-05; 5/49 + chance from 2008-10-06; second draw from 2019-11-04."""
    assert era_on(Game.LOTO, DrawKind.LOTO_6_49, date(1976, 5, 18)) is None
    assert era(Game.LOTO, date(1976, 5, 19), DrawKind.LOTO_6_49).numbers_count == 6
    assert era(Game.LOTO, date(2008, 10, 4), DrawKind.LOTO_6_49).bonus_from_numbers
    assert era_on(Game.LOTO, DrawKind.LOTO_6_49, date(2008, 10, 6)) is None
    assert era_on(Game.LOTO, DrawKind.LOTO_6_49, date(2025, 1, 1)) is None
    assert era_on(Game.LOTO, DrawKind.MAIN, date(2008, 10, 4)) is None
    main = era(Game.LOTO, date(2008, 10, 6))
    assert (main.numbers_count, main.numbers_max, main.bonus_count, main.bonus_max) == (5, 49, 1, 10)
    assert len(main.tiers) == 6
    assert len(era(Game.LOTO, date(2017, 3, 4)).tiers) == 6
    assert len(era(Game.LOTO, date(2017, 3, 6)).tiers) == 9
    assert era_on(Game.LOTO, DrawKind.LOTO_SECOND, date(2019, 11, 2)) is None
    second = era(Game.LOTO, date(2019, 11, 4), DrawKind.LOTO_SECOND)
    assert (second.numbers_count, second.bonus_count, len(second.tiers)) == (5, 0, 4)


def test_eras_of_is_sorted_and_complete() -> None:
    """Every era belongs to exactly one (game, kind) list, oldest first."""
    lists = [eras_of(g, k) for g in Game for k in DrawKind]
    assert sum(len(x) for x in lists) == len(ERAS)
    assert all(list(x) == sorted(x, key=lambda e: e.start) for x in lists)


EM_2015 = era(Game.EUROMILLIONS, date(2015, 6, 5))
LOTO_6_49 = era(Game.LOTO, date(2000, 1, 1), DrawKind.LOTO_6_49)


@pytest.mark.parametrize(
    ("rules", "day", "numbers", "bonus", "message"),
    [
        (EM_2015, date(2015, 6, 5), (1, 2, 3, 4), (1, 2), "expected 5 numbers, got 4"),
        (EM_2015, date(2015, 6, 5), (1, 2, 3, 4, 5), (1,), "expected 2 bonus balls, got 1"),
        (EM_2015, date(2015, 6, 5), (0, 2, 3, 4, 5), (1, 2), "number 0 outside 1..50"),
        (EM_2015, date(2015, 6, 5), (1, 2, 3, 4, 51), (1, 2), "number 51 outside 1..50"),
        (EM_2015, date(2015, 6, 5), (4, 1, 2, 3, 4), (1, 2), "repeated number in [1, 2, 3, 4, 4]"),
        (
            EM_2015,
            date(2015, 6, 5),
            (1, 2, 3, 4, 5),
            (12, 2),
            "bonus ball 12 outside 1..11 (rules in force on 2015-06-05)",
        ),
        (EM_2015, date(2015, 6, 5), (1, 2, 3, 4, 5), (3, 3), "repeated bonus ball in [3, 3]"),
        (
            EM_2015,
            date(2015, 6, 6),
            (1, 2, 3, 4, 5),
            (1, 2),
            "2015-06-06 is a Saturday; draws were on Tuesday, Friday",
        ),
        (
            LOTO_6_49,
            date(2000, 1, 1),
            (1, 2, 3, 4, 5, 7),
            (7,),
            "complementary ball 7 is also a main number",
        ),
        (EM_2015, date(2015, 6, 5), (50, 2, 3, 4, 1), (11, 1), None),
        (LOTO_6_49, date(1976, 6, 3), (1, 2, 3, 4, 5, 49), (48,), None),  # a Thursday: no fixed day then
    ],
)
def test_check_draw_messages(
    rules: Era, day: date, numbers: tuple[int, ...], bonus: tuple[int, ...], message: str | None
) -> None:
    """Each rule has its own message; a valid draw has none."""
    assert check_draw(rules, day, numbers, bonus) == message


def test_prize_tier_labels_and_wins() -> None:
    """Labels: '5+2', '4' when the bonus is ignored, '0-1+1' for a range."""
    assert PrizeTier(1, (5, 5), 2).label == "5+2"
    assert PrizeTier(3, (4, 4), None).label == "4"
    ranged = PrizeTier(6, (0, 1), 1)
    assert ranged.label == "0-1+1"
    assert [ranged.wins(k, 1) for k in range(3)] == [True, True, False]
    assert not ranged.wins(0, 0)
    assert PrizeTier(3, (4, 4), None).wins(4, 0)
    assert PrizeTier(3, (4, 4), None).wins(4, 1)


def test_tier_tables_per_era() -> None:
    """Rank 6 is 4+0 before 2016-09-27 and 3+2 after; Loto 2017 rank 9 is 0-1+1."""
    labels = [[t.label for t in e.tiers] for e in EM_ERAS]
    assert [x[5] for x in labels] == ["4+0", "4+0", "3+2"]
    assert [x[0] for x in labels] == ["5+2"] * 3
    assert labels[2] == [
        "5+2", "5+1", "5+0", "4+2", "4+1", "3+2", "4+0", "2+2", "3+1", "3+0", "1+2", "2+1", "2+0",
    ]  # fmt: skip
    assert [t.label for t in era(Game.LOTO, date(2019, 11, 4)).tiers][-1] == "0-1+1"
    assert all([t.rank for t in e.tiers] == list(range(1, len(e.tiers) + 1)) for e in ERAS)


@pytest.mark.parametrize("rules", ERAS, ids=lambda e: f"{e.game}-{e.kind}-{e.start}")
def test_odds_sum_to_one(rules: Era) -> None:
    """Over every (numbers matched, bonus matched) the exact odds add up to 1."""
    total = sum(
        rules.odds(k, s) for k in range(rules.numbers_count + 1) for s in range(rules.bonus_count + 1)
    )
    assert total == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("rules", ERAS, ids=lambda e: f"{e.game}-{e.kind}-{e.start}")
def test_no_pattern_wins_two_tiers(rules: Era) -> None:
    """Tiers are disjoint: a ticket wins at most one rank."""
    for k in range(rules.numbers_count + 1):
        for s in range(rules.bonus_count + 1):
            assert sum(t.wins(k, s) for t in rules.tiers) <= 1, (k, s)


@pytest.mark.parametrize("rules", EM_ERAS, ids=lambda e: str(e.start))
def test_euromillions_ranks_get_strictly_more_likely(rules: Era) -> None:
    """Rank r+1 is strictly more likely than rank r: this validates each tier table's order."""
    probabilities = [rules.tier_probability(t) for t in rules.tiers]
    assert all(p > 0 for p in probabilities)
    assert all(a < b for a, b in pairwise(probabilities))


@pytest.mark.parametrize(
    "rules",
    [e for e in ERAS if e.game == Game.LOTO],
    ids=lambda e: f"{e.kind}-{e.start}",
)
def test_loto_ranks_get_strictly_more_likely(rules: Era) -> None:
    """Same for every Loto era, 6/49 included (rank 2 = 5 numbers + complementary ball).

    Currently fails for loto_6_49: Era.odds returns 0 for any pattern with the complementary ball.
    """
    probabilities = [rules.tier_probability(t) for t in rules.tiers]
    zero = [t.label for t, p in zip(rules.tiers, probabilities, strict=True) if p == 0]
    assert zero == []
    assert all(a < b for a, b in pairwise(probabilities))


def test_exact_jackpot_odds() -> None:
    """P(5+2) is 1/76,275,360 with 9 stars, 1/116,531,800 with 11, 1/139,838,160 with 12."""
    assert [1 / e.odds(5, 2) for e in EM_ERAS] == pytest.approx([76_275_360, 116_531_800, 139_838_160])
    assert current_era(Game.EUROMILLIONS).odds(5, 2) == pytest.approx(1 / 139_838_160, rel=1e-12)
    assert era(Game.LOTO, date(2020, 1, 1)).odds(5, 1) == pytest.approx(1 / 19_068_840, rel=1e-12)
    assert LOTO_6_49.odds(6, 0) == pytest.approx(1 / 13_983_816, rel=1e-12)


def test_loto_6_49_complementary_ball_odds() -> None:
    """5 numbers + complementary ball: 6 * 43 / C(49, 6) * 1/43 = 6 / 13,983,816.

    Currently fails: Era.odds treats ``bonus_from_numbers`` as 'no bonus' and returns 0 for s=1.
    """
    assert comb(49, 6) == 13_983_816
    assert LOTO_6_49.odds(5, 1) == pytest.approx(6 / 13_983_816, rel=1e-12)
    assert LOTO_6_49.odds(5, 0) == pytest.approx(6 * 42 / 13_983_816, rel=1e-12)
