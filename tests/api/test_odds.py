"""GET /api/{game}/odds against the published shipped data: exact odds, FDJ's payouts recomputed from
FDJ's raw CSV files with the csv module, the price and its source, 422s, cache, real HTTP."""

from __future__ import annotations

import json
import statistics
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery.games import DrawKind, Game, era_on
from lottery.odds import one_in, tier_probability
from lottery.prices import price_on
from tests.api.live import live_api
from tests.fdj_files import fdj_day, fdj_rows
from tests.serving_fixtures import SHIPPED


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app with its lifespan running."""
    with TestClient(create_app(settings)) as c:
        yield c


# ---------------------------------------------------------------------------------------------
# An independent reading of FDJ's files: csv module, FDJ's own column names, no project code.


def _number(text: str) -> float:
    return float(text.replace(" ", "").replace(",", ".") or 0)


def fdj_rank_rows(
    files: list[Path], rank: int, start: date, end: date, older: list[Path] | None = None
) -> dict[date, tuple[int, float]]:
    """{draw date: (winners, prize)} of one FDJ rank in [start, end), one row per date.

    ``older`` exports only fill the dates the current ``files`` lack (FDJ revises winner counts, and
    the 2025 export of loto_201911.csv has no row for 2019-11-04; see data/fdj/PROVENANCE.md).
    """
    out: dict[date, tuple[int, float]] = {}
    for path in files:
        for row in fdj_rows(path):
            day = fdj_day(row["date_de_tirage"])
            if not start <= day < end:
                continue
            # EuroMillions files since 2016-09 name their columns ..._Euro_Millions
            suffix = "_Euro_Millions" if f"rapport_du_rang{rank}_Euro_Millions" in row else ""
            prize = _number(row[f"rapport_du_rang{rank}{suffix}"])
            counts = [
                int(_number(row[k]))
                for k in (
                    f"nombre_de_gagnant_au_rang{rank}{suffix}_en_france",
                    f"nombre_de_gagnant_au_rang{rank}{suffix}_en_europe",
                    f"nombre_de_gagnant_au_rang{rank}",
                )
                if k in row and row[k] is not None
            ]
            winners = max(counts)
            if day in out:
                assert out[day] == (winners, prize), f"{path.name} disagrees with another file on {day}"
            out[day] = (winners, prize)
    for path in older or []:
        for day, row in fdj_rank_rows([path], rank, start, end).items():
            out.setdefault(day, row)
    return out


def expected_payout(rows: dict[date, tuple[int, float]]) -> dict[str, float | int]:
    paid = [prize for winners, prize in rows.values() if winners > 0 and prize > 0]
    return {
        "draws_paid": len(paid),
        "draws_without_winner": len(rows) - len(paid),
        "mean": round(statistics.fmean(paid), 2),
        "median": round(statistics.median(paid), 2),
    }


EM_2016_FILES = ["euromillions_4.csv", "euromillions_201902.csv", "euromillions_202002.csv"]
LOTO_2017_FILES = ["loto2017.csv", "loto_201902.csv", "loto_201911.csv"]
OLDER_EXPORTS = {
    Game.EUROMILLIONS: [],
    Game.LOTO: [SHIPPED / "loto" / "snapshot_2024-07" / "loto_201911.csv"],
}


@pytest.mark.parametrize(
    ("game", "day", "files", "pattern"),
    [
        (Game.EUROMILLIONS, "2020-06-01", EM_2016_FILES, "2+2"),
        (Game.EUROMILLIONS, "2020-06-01", EM_2016_FILES, "5+2"),  # the jackpot: rollovers left out
        (Game.EUROMILLIONS, "2020-06-01", EM_2016_FILES, "5+1"),
        (Game.LOTO, "2021-01-01", LOTO_2017_FILES, "3+1"),
        (Game.LOTO, "2021-01-01", LOTO_2017_FILES, "5+1"),  # jackpot on offer with 0 winners: left out
    ],
)
def test_payouts_equal_an_independent_reading_of_fdj_files(
    client: TestClient, game: Game, day: str, files: list[str], pattern: str
) -> None:
    body = client.get(f"/api/{game.value}/odds", params={"date": day}).json()
    era = era_on(game, DrawKind.MAIN, date.fromisoformat(day))
    assert era is not None
    tier = next(t for t in era.tiers if t.label == pattern)
    end = date.fromisoformat(body["era"]["end"]) if body["era"]["end"] else date.max
    rows = fdj_rank_rows(
        [SHIPPED / game.value / f for f in files], tier.rank, era.start, end, OLDER_EXPORTS[game]
    )
    rank = next(r for r in body["ranks"] if r["pattern"] == pattern)
    assert rank["payout"]["fdj_ranks"] == [tier.rank]
    expected = expected_payout(rows)
    got = {k: rank["payout"][k] for k in expected}
    assert got == pytest.approx(expected, abs=0.006)
    assert body["draws_covered"] == len(rows)
    if tier.rank == 1:
        assert rank["payout"]["draws_without_winner"] > 0  # the case that must not be averaged as 0


def test_odds_per_rank_are_the_exact_hypergeometric_figures_and_the_price_is_sourced(
    client: TestClient,
) -> None:
    response = client.get("/api/euromillions/odds", params={"date": "2016-09-27"})
    assert response.status_code == 200
    body = response.json()
    era = era_on(Game.EUROMILLIONS, DrawKind.MAIN, date(2016, 9, 27))
    assert era is not None
    assert body["date"] == "2016-09-27"
    assert body["era"]["start"] == "2016-09-27"
    assert body["era"]["end"] is None
    assert body["era"]["combinations"] == 139_838_160
    assert [r["pattern"] for r in body["ranks"]] == [t.label for t in era.tiers]
    for rank, tier in zip(body["ranks"], era.tiers, strict=True):
        p = tier_probability(era, tier)
        assert rank["probability_exact"] == f"{p.numerator}/{p.denominator}"
        assert rank["one_in"] == float(one_in(p))
    assert body["ranks"][0]["one_in_rounded"] == 139_838_160
    assert round(body["any_rank"]["one_in"]) == 13
    price = price_on(Game.EUROMILLIONS, date(2016, 9, 27))
    assert price is not None
    assert body["price"]["cents"] == 250
    assert body["price"]["source"] == price.source
    # Expected return per euro: the ranks below the jackpot from the payouts, the jackpot apart.
    for r in body["ranks"]:  # p x mean / price (the mean shown is rounded to the cent)
        assert r["return_per_euro"] == pytest.approx(r["probability"] * r["payout"]["mean"] / 2.5, rel=2e-3)
    below = sum(r["return_per_euro"] for r in body["ranks"][1:])
    assert body["value"]["below_jackpot"] == pytest.approx(below, rel=1e-12)
    assert body["value"]["jackpot"] == body["ranks"][0]["return_per_euro"]
    assert body["value"]["total"] == pytest.approx(below + body["value"]["jackpot"], rel=1e-12)
    assert 0.1 < body["value"]["below_jackpot"] < 0.6  # a lottery returns well under its stake
    assert any("no choice of numbers" in note for note in body["notes"])


def test_the_price_follows_the_date_within_one_era_and_the_cache_keeps_them_apart(
    client: TestClient,
) -> None:
    """EuroMillions 2011 era: 2.00 EUR until 2014-02-03, 2.50 EUR (My Million) from 2014-02-04."""
    before = client.get("/api/euromillions/odds", params={"date": "2014-02-03"}).json()
    after = client.get("/api/euromillions/odds", params={"date": "2014-02-04"})
    assert before["era"] == after.json()["era"]
    assert (before["price"]["cents"], after.json()["price"]["cents"]) == (200, 250)
    assert before["value"]["below_jackpot"] == pytest.approx(after.json()["value"]["below_jackpot"] * 1.25)
    again = client.get("/api/euromillions/odds", params={"date": "2015-06-01"})
    assert again.headers["x-cache"] == "HIT"  # same era, same price: one entry
    assert {**again.json(), "date": "2014-02-04"} == after.json()


def test_default_date_is_today(client: TestClient) -> None:
    body = client.get("/api/loto/odds").json()
    assert body["date"] == datetime.now(UTC).date().isoformat()
    assert body["era"]["start"] == "2017-03-06"
    assert body["price"]["cents"] == 220
    assert round(body["any_rank"]["one_in"]) == 6


@pytest.mark.parametrize(
    ("game", "day", "needle"),
    [
        ("euromillions", "2020-13-01", "month"),
        ("euromillions", "20200101", "YYYY-MM-DD"),
        ("euromillions", "2020-02-30", "date"),
        ("euromillions", "2004-02-12", "from 2004-02-13"),
        ("loto", "2005-06-01", "6/49"),
        ("loto", "9999-01-01", "to today"),
    ],
)
def test_bad_dates_are_422_with_the_reason(client: TestClient, game: str, day: str, needle: str) -> None:
    response = client.get(f"/api/{game}/odds", params={"date": day})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["query", "date"]
    assert needle in detail["msg"]


def test_unknown_game_is_404(client: TestClient) -> None:
    assert client.get("/api/keno/odds").status_code == 404


def test_real_http_answer_equals_the_in_process_one(settings: Settings, client: TestClient) -> None:
    expected = client.get("/api/loto/odds", params={"date": "2012-05-05"}).json()
    with (
        live_api(settings) as base,
        urllib.request.urlopen(f"{base}/api/loto/odds?date=2012-05-05", timeout=10) as answer,
    ):
        assert answer.status == 200
        assert answer.headers["content-type"] == "application/json"
        body = json.loads(answer.read())
    assert body == expected
    assert body["era"]["start"] == "2008-10-06"
    assert body["price"]["cents"] == 200
    assert [r["pattern"] for r in body["ranks"]] == ["5+1", "5+0", "4", "3", "2", "0-1+1"]
