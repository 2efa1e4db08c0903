"""The checker against an independent count from FDJ's own files.

The reference below reads the shipped FDJ exports with the ``csv`` module (not the project's parser),
writes each era's rank order out by hand from FDJ's rules, and walks every draw one at a time with
sets. The API's answer (direct, 200) must list exactly the same wins, ranks and payouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.fdj_files import fdj_day, fdj_rows
from tests.serving_fixtures import SHIPPED

# Rank order per era as FDJ publishes it: (numbers matched (or a tuple of counts), bonus matched or
# None = any), rank 1 first; then the era's largest bonus ball.
EM_RANKS = [
    (
        date(2004, 2, 13),
        9,
        [(5, 2), (5, 1), (5, 0), (4, 2), (4, 1), (4, 0), (3, 2), (3, 1), (2, 2), (3, 0), (1, 2), (2, 1)],
    ),
    (
        date(2011, 5, 10),
        11,
        [
            (5, 2),
            (5, 1),
            (5, 0),
            (4, 2),
            (4, 1),
            (4, 0),
            (3, 2),
            (2, 2),
            (3, 1),
            (3, 0),
            (1, 2),
            (2, 1),
            (2, 0),
        ],
    ),
    (
        date(2016, 9, 27),
        12,
        [
            (5, 2),
            (5, 1),
            (5, 0),
            (4, 2),
            (4, 1),
            (3, 2),
            (4, 0),
            (2, 2),
            (3, 1),
            (3, 0),
            (1, 2),
            (2, 1),
            (2, 0),
        ],
    ),
]
LOTO_RANKS = [
    (date(2008, 10, 6), 10, [(5, 1), (5, 0), (4, None), (3, None), (2, None), ((0, 1), 1)]),
    (date(2017, 3, 6), 10, [(5, 1), (5, 0), (4, 1), (4, 0), (3, 1), (3, 0), (2, 1), (2, 0), ((0, 1), 1)]),
]


@dataclass
class RawDraw:
    numbers: set[int]
    bonus: set[int]
    prizes: dict[int, int | None]  # rank -> cents per winner (None: 0 published for a rank nobody won)


def _cents(text: str) -> int:
    return int(Decimal(text.replace(" ", "").replace(",", ".")) * 100)


def raw_draws(game: str) -> dict[date, RawDraw]:
    """Every main-formula draw in the shipped files; a newer file's figures win over an older one's."""
    files = []
    for path in sorted((SHIPPED / game).rglob("*.csv")):  # with snapshot_2024-07/, which holds a draw
        rows = fdj_rows(path)
        if game == "loto" and "numero_chance" not in rows[0]:
            continue  # the 6/49 formula (before 2008-10-06): another game
        files.append((max(fdj_day(r["date_de_tirage"]) for r in rows), rows))
    out: dict[date, RawDraw] = {}
    for _, rows in sorted(files, key=lambda f: f[0]):
        for r in rows:
            bonus_cols = ["etoile_1", "etoile_2"] if game == "euromillions" else ["numero_chance"]
            prizes: dict[int, int | None] = {}
            for rank in range(1, 14):
                amount = r.get(f"rapport_du_rang{rank}") or r.get(f"rapport_du_rang{rank}_Euro_Millions")
                if amount is None or amount.strip() == "":
                    continue
                winners = (
                    r.get(f"nombre_de_gagnant_au_rang{rank}_en_europe")
                    or r.get(f"nombre_de_gagnant_au_rang{rank}_Euro_Millions_en_europe")
                    or r.get(f"nombre_de_gagnant_au_rang{rank}")
                    or "0"
                )
                cents = _cents(amount)
                prizes[rank] = None if cents == 0 and int(winners.replace(" ", "") or 0) == 0 else cents
            out[fdj_day(r["date_de_tirage"])] = RawDraw(
                numbers={int(r[f"boule_{i}"]) for i in range(1, 6)},
                bonus={int(r[c]) for c in bonus_cols},
                prizes=prizes,
            )
    return out


def expected(
    game: str, numbers: list[int], bonus: list[int]
) -> tuple[int, list[tuple[str, int, int | None]]]:
    """(draws played, [(date, rank, payout cents)]) of one ticket, draw by draw."""
    table = EM_RANKS if game == "euromillions" else LOTO_RANKS
    played, wins = 0, []
    for day, draw in sorted(raw_draws(game).items()):
        _, bonus_max, ranks = [e for e in table if e[0] <= day][-1]
        if max(bonus) > bonus_max:
            continue
        played += 1
        k, s = len(draw.numbers & set(numbers)), len(draw.bonus & set(bonus))
        rank = next(
            (
                i
                for i, (pk, ps) in enumerate(ranks, 1)
                if k in (pk if isinstance(pk, tuple) else (pk,)) and ps in (None, s)
            ),
            0,
        )
        if rank:
            wins.append((day.isoformat(), rank, draw.prizes.get(rank)))
    return played, wins


TICKETS = {
    "euromillions": [
        ([2, 12, 20, 38, 45], [2, 7]),  # 2026-05-19 with one star changed: 5+1
        ([11, 16, 20, 1, 2], [4, 5]),  # 3+1 near-miss of 2011-05-06 (rules of 2004)
        ([11, 16, 20, 1, 2], [4, 11]),  # the same with star 11: not playable before 2011-05-10
        ([41, 6, 13, 39, 9], [2, 12]),  # 2016-09-27 exactly (the first draw with 12 stars)
    ],
    "loto": [
        ([7, 44, 37, 48, 38], [8]),  # 2019-02-25 with the chance number missed: 5+0
        ([19, 33, 41, 1, 2], [9]),  # 3+1 near-miss of 2008-10-06 (rules of 2008: rank "3")
    ],
}


@pytest.mark.parametrize("game", ["euromillions", "loto"])
def test_wins_ranks_and_payouts_equal_fdj_files(api: TestClient, game: str) -> None:
    tickets = [{"numbers": n, "bonus": b} for n, b in TICKETS[game]]
    for ticket in tickets:
        res = api.post(f"/api/{game}/check", json={"tickets": [ticket]})
        assert res.status_code == 200, res.text
        got = res.json()["tickets"][0]
        played, wins = expected(game, ticket["numbers"], ticket["bonus"])
        assert got["draws_played"] == played
        assert [(w["date"], w["rank"], w["payout_cents"]) for w in got["wins"]] == wins
        assert got["wins_count"] == len(wins)
        assert not got["wins_truncated"]
        assert got["won_cents"] == sum(p for _, _, p in wins if p is not None)


def test_known_wins_of_real_draws(api: TestClient) -> None:
    """The figures a player would look up on FDJ's site for these draws."""
    em = [{"numbers": n, "bonus": b} for n, b in TICKETS["euromillions"]]
    answers = [api.post("/api/euromillions/check", json={"tickets": [t]}) for t in em]
    assert [r.status_code for r in answers] == [200] * 4  # one at a time: each is below QUEUED_ABOVE
    five_one, near_miss, star_11, exact_2016 = [r.json()["tickets"][0] for r in answers]
    day = {w["date"]: w for w in five_one["wins"]}
    assert day["2026-05-19"] == {"date": "2026-05-19", "rank": 2, "pattern": "5+1", "payout_cents": 19544220}
    assert {w["date"]: (w["rank"], w["pattern"]) for w in near_miss["wins"]}["2011-05-06"] == (8, "3+1")
    assert "2011-05-06" not in {w["date"] for w in star_11["wins"]}
    assert star_11["not_playable"][0]["until"] == "2011-05-10"
    assert "star 11 outside 1..9" in star_11["not_playable"][0]["reason"]
    assert exact_2016["exact_combination_drawn"] == ["2016-09-27"]
    first = {w["date"]: w for w in exact_2016["wins"]}["2016-09-27"]
    assert (first["rank"], first["pattern"], first["payout_cents"]) == (
        1,
        "5+2",
        None,
    )  # nobody won: FDJ wrote 0
    assert [n["from"] for n in exact_2016["not_playable"]] == ["2004-02-13", "2011-05-10"]
    assert exact_2016["draws_played"] == expected("euromillions", [41, 6, 13, 39, 9], [2, 12])[0]

    res = api.post("/api/loto/check", json={"tickets": [{"numbers": [7, 44, 37, 48, 38], "bonus": [8]}]})
    win = {w["date"]: w for w in res.json()["tickets"][0]["wins"]}["2019-02-25"]
    assert (win["rank"], win["pattern"], win["payout_cents"]) == (2, "5+0", 10_000_000)


def test_star_pool_change_inside_a_window(api: TestClient) -> None:
    """A star-12 ticket over 2016: played only from 2016-09-27, the draws before reported with the reason."""
    body = {"tickets": [{"numbers": [1, 2, 3, 4, 5], "bonus": [1, 12]}], "window": {"year": 2016}}
    got = api.post("/api/euromillions/check", json=body).json()["tickets"][0]
    draws_2016 = sorted(d for d in raw_draws("euromillions") if d.year == 2016)
    after = [d for d in draws_2016 if d >= date(2016, 9, 27)]
    assert got["draws_played"] == len(after)
    assert got["not_playable"] == [
        {
            "from": "2011-05-10",
            "until": "2016-09-27",
            "draws": len(draws_2016) - len(after),
            "reason": got["not_playable"][0]["reason"],
        }
    ]
    assert "star 12 outside 1..11" in got["not_playable"][0]["reason"]


def test_raw_reference_reads_every_file() -> None:
    """The reference is not empty: it holds the draws of every era."""
    em = raw_draws("euromillions")
    assert min(em) == date(2004, 2, 13)
    assert date(2026, 5, 19) in em
    assert len(em) > 1500
    assert min(raw_draws("loto")) == date(2008, 10, 6)
