"""The checker on crafted draws: ranks per era, playability across star pools, payouts, totals, bounds."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from api.models.check import check_json
from lottery.checker import (
    CheckOutcome,
    DrawHistory,
    Ticket,
    answer,
    bonus_matches,
    check,
    rank_table,
    segments,
    ticket_problems,
    unplayable_problems,
)
from lottery.games import DrawKind, Game, eras_of
from lottery.prices import price_on
from lottery.stats.models import StatsFilter

EM = Game.EUROMILLIONS
# (date, numbers, stars): one draw in each EuroMillions era.
DRAWS = [
    (date(2010, 1, 1), (1, 2, 3, 4, 5), (1, 2)),  # stars 1..9
    (date(2012, 1, 3), (1, 2, 3, 4, 5), (10, 11)),  # stars 1..11
    (date(2020, 1, 3), (1, 2, 3, 4, 5), (11, 12)),  # stars 1..12
    (date(2021, 1, 5), (10, 20, 30, 40, 50), (3, 4)),
]


def history(
    draws: list[tuple[date, tuple[int, ...], tuple[int, ...]]] = DRAWS, game: Game = EM
) -> DrawHistory:
    """Draws with a made-up payout per rank: 1000 * (20 - rank) cents."""
    n_ranks = max(len(e.tiers) for e in eras_of(game)) + 1
    payouts = np.array([[-1] + [1000 * (20 - r) for r in range(1, n_ranks)] for _ in draws], dtype=np.int64)
    return DrawHistory(
        game=game,
        dates=np.array([d for d, _, _ in draws], dtype="datetime64[D]"),
        numbers=np.array([n for _, n, _ in draws], dtype=np.int16),
        bonus=np.array([b for _, _, b in draws], dtype=np.int16),
        payouts=payouts,
    )


def payload(outcome: CheckOutcome) -> dict[str, Any]:
    """The checker's answer as the API sends it (``api.models.check``): the JSON these tests pin."""
    return check_json(answer(outcome, {}, "test", 0.0))


def slow_rank(game: Game, day: date, numbers: tuple[int, ...], bonus: tuple[int, ...], t: Ticket) -> int:
    """The rank by sets and the era's tiers, one draw at a time (the reference)."""
    era = [e for e in eras_of(game, DrawKind.MAIN) if e.start <= day][-1]
    if max(t.bonus) > era.bonus_max:
        return -1
    k, s = len(set(numbers) & set(t.numbers)), len(set(bonus) & set(t.bonus))
    return next((tier.rank for tier in era.tiers if tier.wins(k, s)), 0)


def test_rank_table_matches_every_tier_of_every_era() -> None:
    for game in Game:
        for era in eras_of(game, DrawKind.MAIN):
            table = rank_table(era)
            for k in range(era.numbers_count + 1):
                for s in range(era.bonus_count + 1):
                    want = next((t.rank for t in era.tiers if t.wins(k, s)), 0)
                    assert table[k * (era.bonus_count + 1) + s] == want, (era.start, k, s)


def test_ranks_and_payouts_equal_a_draw_by_draw_reference() -> None:
    h = history()
    rng = np.random.default_rng(7)
    tickets = [
        Ticket((1, 2, 3, 4, 5), (1, 2)),
        Ticket((1, 2, 3, 40, 50), (11, 12)),
        Ticket((1, 2, 3, 4, 5), (3, 12)),
    ]
    tickets += [
        Ticket(
            tuple(int(x) for x in rng.choice(np.arange(1, 51), 5, replace=False)),
            tuple(int(x) for x in rng.choice(np.arange(1, 13), 2, replace=False)),
        )
        for _ in range(300)
    ]
    out = check(h, tickets, max_rows=10**6, chunk_cells=7)  # tiny chunks: the chunk seams are exercised
    got = {(r.ticket, r.draw): (r.rank, r.payout) for r in out.rows}
    played = np.zeros(len(tickets), int)
    for i, t in enumerate(tickets):
        for j, (d, n, b) in enumerate(DRAWS):
            rank = slow_rank(EM, d, n, b, t)
            played[i] += rank >= 0
            if rank > 0:
                assert got.pop((i, j)) == (rank, 1000 * (20 - rank))
    assert got == {}
    assert out.totals.played.tolist() == played.tolist()


def test_star_pool_changes_decide_which_draws_a_ticket_plays() -> None:
    h = history()
    out = payload(
        check(
            h,
            [
                Ticket((1, 2, 3, 4, 5), (10, 11)),
                Ticket((1, 2, 3, 4, 5), (11, 12)),
                Ticket((1, 2, 3, 4, 5), (1, 2)),
            ],
        )
    )
    eleven, twelve, low = out["tickets"]
    assert eleven["draws_played"] == 3
    assert [(n["from"], n["draws"]) for n in eleven["not_playable"]] == [("2004-02-13", 1)]
    assert "star 11 outside 1..9" in eleven["not_playable"][0]["reason"]  # the largest one is named
    assert eleven["best_win"]["pattern"] == "5+2"
    assert eleven["best_win"]["date"] == "2012-01-03"
    assert eleven["exact_combination_drawn"] == ["2012-01-03"]
    assert twelve["draws_played"] == 2
    assert [n["from"] for n in twelve["not_playable"]] == ["2004-02-13", "2011-05-10"]
    assert "star 12 outside 1..11" in twelve["not_playable"][1]["reason"]
    assert twelve["wins_by_pattern"] == {"5+2": 1}  # 2020-01-03; nothing on 2021-01-05
    assert low["draws_played"] == 4
    assert low["not_playable"] == []


def test_rank_numbers_follow_each_era() -> None:
    """3+2 is rank 7 before 2016-09-27 and rank 6 after; 2+2 is rank 9 in 2004-2011, 8 after."""
    h = history([(date(2010, 1, 1), (1, 2, 3, 4, 5), (1, 2)), (date(2017, 1, 3), (1, 2, 3, 4, 5), (1, 2))])
    out = payload(check(h, [Ticket((1, 2, 3, 40, 50), (1, 2)), Ticket((1, 2, 30, 40, 50), (1, 2))]))
    assert [(w["date"], w["rank"], w["pattern"]) for w in out["tickets"][0]["wins"]] == [
        ("2010-01-01", 7, "3+2"),
        ("2017-01-03", 6, "3+2"),
    ]
    assert [w["rank"] for w in out["tickets"][1]["wins"]] == [9, 8]


def test_totals_cost_net_and_unknown_payouts() -> None:
    h = history()
    h.payouts[3, :] = -1  # FDJ published nothing for the last draw
    t = Ticket((10, 20, 1, 2, 3), (3, 4))  # 3+0 on the first three draws, 2+2 on the last
    out = payload(check(h, [t]))["tickets"][0]
    cost = sum(p.cents for d, _, _ in DRAWS if (p := price_on(EM, d)) is not None)
    assert out["cost_cents"] == cost
    assert out["unpriced_draws"] == sum(price_on(EM, d) is None for d, _, _ in DRAWS)
    assert out["wins_without_payout"] == 1
    paid = [w["payout_cents"] for w in out["wins"] if w["payout_cents"] is not None]
    assert out["won_cents"] == sum(paid)
    assert out["net_cents"] == sum(paid) - cost
    assert out["best_win"]["payout_cents"] == max(paid)


def test_listed_rows_are_bounded_but_totals_complete() -> None:
    h = history()
    tickets = [Ticket((1, 2, 3, 4, 5), (1, 2))] * 50
    out = payload(check(h, tickets, max_rows=7))
    assert out["wins_listed"] == 7 == sum(len(t["wins"]) for t in out["tickets"])
    assert out["totals"]["wins"] == 50 * 3
    assert all(t["wins_count"] == 3 for t in out["tickets"])
    assert out["tickets"][2]["wins_truncated"]
    assert not out["tickets"][0]["wins_truncated"]


def test_window_selects_dates_then_last() -> None:
    h = history()
    assert h.window(StatsFilter.model_validate({"from": "2011-01-01"})).size == 3
    assert h.window(StatsFilter.model_validate({"from": "2011-01-01", "last": 2})).dates.tolist() == [
        date(2020, 1, 3),
        date(2021, 1, 5),
    ]
    assert h.window(StatsFilter(year=2015)).size == 0


@pytest.mark.parametrize(
    ("ticket", "where", "reason"),
    [
        (Ticket((1, 2, 3, 4), (1, 2)), "numbers", "has 5 number(s), got 4"),
        (Ticket((1, 2, 3, 4, 51), (1, 2)), "numbers", "number 51 outside 1..50"),
        (Ticket((1, 2, 3, 4, 4), (1, 2)), "numbers", "repeated number"),
        (Ticket((1, 2, 3, 4, 5), (1, 13)), "bonus", "star 13 outside 1..12"),
        (Ticket((1, 2, 3, 4, 5), (0, 1)), "bonus", "star 0 outside 1..12"),
        (Ticket((1, 2, 3, 4, 5), (3, 3)), "bonus", "repeated star"),
        (Ticket((1, 2, 3, 4, 5), (3,)), "bonus", "has 2 star(s), got 1"),
    ],
)
def test_bad_tickets_name_their_field(ticket: Ticket, where: str, reason: str) -> None:
    problems = ticket_problems(EM, [Ticket((1, 2, 3, 4, 5), (1, 2)), ticket])
    assert len(problems) == 1
    loc, msg = problems[0]
    assert loc == ("body", "tickets", 1, where)
    assert reason in msg


def test_loto_chance_number_is_one_bonus_of_1_to_10() -> None:
    assert ticket_problems(Game.LOTO, [Ticket((1, 2, 3, 4, 49), (10,))]) == []
    assert (
        "chance number 11 outside 1..10" in ticket_problems(Game.LOTO, [Ticket((1, 2, 3, 4, 5), (11,))])[0][1]
    )


def test_a_ticket_playable_in_no_era_of_the_window_is_refused() -> None:
    h = history().window(StatsFilter.model_validate({"to": "2015-12-31"}))
    problems = unplayable_problems(
        EM, segments(h), [Ticket((1, 2, 3, 4, 5), (1, 11)), Ticket((1, 2, 3, 4, 5), (1, 12))]
    )
    assert [loc for loc, _ in problems] == [("body", "tickets", 1, "bonus")]
    assert "star 12 outside 1..11" in problems[0][1]


def test_every_pattern_of_a_crafted_draw_pays_its_rank() -> None:
    """All 5+2 ... 0+0 patterns against one 2020 draw: one ticket per (k, s)."""
    h = history([(date(2020, 1, 3), (1, 2, 3, 4, 5), (1, 2))])
    era = eras_of(EM)[-1]
    tickets, want = [], []
    for k in range(6):
        for s in range(3):
            nums = (*range(1, k + 1), *range(10, 15 - k))
            stars = (*range(1, s + 1), *range(5, 7 - s))
            tickets.append(Ticket(tuple(nums), tuple(stars)))
            want.append(next((t.rank for t in era.tiers if t.wins(k, s)), 0))
    out = payload(check(h, tickets))
    for t, rank in zip(out["tickets"], want, strict=True):
        assert [w["rank"] for w in t["wins"]] == ([rank] if rank else [])


def test_bonus_matches_equal_a_popcount_for_up_to_two_bits() -> None:
    values = np.array([v for v in range(1 << 13) if v.bit_count() <= 2], dtype=np.uint16)
    out, scratch = np.empty(len(values), np.uint8), np.empty(len(values), np.uint16)
    assert bonus_matches(values, 2, out, scratch).tolist() == np.bitwise_count(values).tolist()
    ones = values[np.bitwise_count(values) <= 1]
    out1 = np.empty(len(ones), np.uint8)
    assert bonus_matches(ones, 1, out1, scratch[: len(ones)]).tolist() == np.bitwise_count(ones).tolist()


def test_loto_ranks_of_both_eras_equal_the_reference() -> None:
    """Loto 2008 ("4" whatever the chance number) and 2017 (4+1, 4+0) against a draw-by-draw count."""
    draws = [
        (date(2010, 1, 4), (1, 2, 3, 4, 5), (7,)),
        (date(2018, 1, 3), (1, 2, 3, 4, 5), (7,)),
        (date(2019, 6, 1), (10, 20, 30, 40, 49), (1,)),
    ]
    h = history(draws, Game.LOTO)
    rng = np.random.default_rng(3)
    tickets = [
        Ticket((1, 2, 3, 4, 9), (8,)),
        Ticket((1, 9, 10, 11, 12), (7,)),
        Ticket((20, 21, 22, 23, 24), (1,)),
    ]
    tickets += [
        Ticket(
            tuple(int(x) for x in rng.choice(np.arange(1, 50), 5, replace=False)), (int(rng.integers(1, 11)),)
        )
        for _ in range(300)
    ]
    out = check(h, tickets, max_rows=10**6, chunk_cells=5)
    got = {(r.ticket, r.draw): r.rank for r in out.rows}
    want = {
        (i, j): rank
        for i, t in enumerate(tickets)
        for j, (d, n, b) in enumerate(draws)
        if (rank := slow_rank(Game.LOTO, d, n, b, t)) > 0
    }
    assert got == want
    assert got[(0, 0)] == 3  # 4 numbers in 2010: rank 3 "4"
    assert got[(0, 1)] == 4  # 4+0 in 2018: rank 4
    assert got[(1, 0)] == 6  # 1 number and the chance: "0-1+1"
    assert got[(2, 2)] == 9  # 0 numbers and the chance in 2019: rank 9
