"""The shipped FDJ history loaded into an empty warehouse, then loaded again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lottery.games import Game
from tests.conftest import EM_FILES, LOTO_FILES, SHIPPED, ShippedWarehouse
from warehouse import quality


def test_first_ingest_counts(shipped_warehouse: ShippedWarehouse) -> None:
    """Exact draws per table, and per file what was inserted."""
    em, loto = shipped_warehouse.first[Game.EUROMILLIONS], shipped_warehouse.first[Game.LOTO]
    assert em.counts == {"main": 1947, "loto_6_49": 0, "loto_second": 0}
    assert loto.counts == {"main": 2600, "loto_6_49": 4858, "loto_second": 866}
    assert em.failed == loto.failed == []
    assert (em.total("rows_read"), em.total("inserted"), em.total("rejected")) == (1947, 1947, 0)
    per_file = {f.file: (f.rows_read, f.inserted, f.updated, f.unchanged, f.rejected) for f in loto.files}
    assert per_file == {
        str(SHIPPED / "loto/loto.csv"): (4858, 4858, 0, 0, 0),
        str(SHIPPED / "loto/nouveau_loto.csv"): (1317, 1317, 0, 0, 0),
        str(SHIPPED / "loto/loto2017.csv"): (310, 310, 0, 0, 0),
        str(SHIPPED / "loto/loto_201902.csv"): (107, 107, 0, 0, 0),
        # the older export is loaded first (its last draw is older) ...
        str(SHIPPED / "loto/snapshot_2024-07/loto_201911.csv"): (740, 740, 0, 0, 0),
        # ... so the 2025 export adds 126 draws and revises some of the 739 it shares with it
        str(SHIPPED / "loto/loto_201911.csv"): (865, 126, 323, 416, 0),
    }
    assert [f.file for f in loto.files][-2:] == [
        str(SHIPPED / "loto/snapshot_2024-07/loto_201911.csv"),
        str(SHIPPED / "loto/loto_201911.csv"),
    ]


def test_second_ingest_changes_nothing(shipped_warehouse: ShippedWarehouse) -> None:
    """Loading the same files again inserts 0 and updates 0: every row unchanged."""
    for game, rows in ((Game.EUROMILLIONS, 1947), (Game.LOTO, 4858 + 1317 + 310 + 107 + 865 + 740)):
        again = shipped_warehouse.second[game]
        assert (again.total("inserted"), again.total("updated"), again.total("rejected")) == (0, 0, 0)
        assert again.total("unchanged") == again.total("rows_read") == rows
        assert again.counts == shipped_warehouse.first[game].counts


def test_warehouse_tables(shipped_warehouse: ShippedWarehouse) -> None:
    """Draw tables hold exactly the shipped history, with no duplicate and no rule violation."""
    with shipped_warehouse.connect() as con:
        rows = con.execute(
            "SELECT game, count(*), min(draw_date), max(draw_date) FROM draws GROUP BY game ORDER BY game"
        ).fetchall()
        assert rows == [
            ("euromillions", 1947, date(2004, 2, 13), date(2026, 5, 19)),
            ("loto", 2600, date(2008, 10, 6), date(2025, 5, 14)),
        ]
        assert con.execute(
            "SELECT count(*), count(DISTINCT draw_date), min(draw_date) FROM loto_6_49_draws"
        ).fetchone() == (4858, 2972, date(1976, 5, 19))
        assert con.execute("SELECT count(*), min(draw_date) FROM loto_second_draws").fetchone() == (
            866,
            date(2019, 11, 4),
        )
        assert con.execute("SELECT count(*) FROM rejects").fetchone() == (0,)
        for game in Game:
            assert quality.rule_violations(con, game) == []
            assert quality.duplicate_draws(con, game) == []
            assert quality.unbalanced_ingests(con, game) == []
            assert quality.shrunk_tables(con, game) == {}


def test_ingest_log_accounts_for_every_row_of_every_file(shipped_warehouse: ShippedWarehouse) -> None:
    """Each shipped file has one ok row per ingest, and read = inserted + updated + unchanged + rejected."""
    with shipped_warehouse.connect() as con:
        log = con.execute(
            "SELECT file, run_id, status, rows_read, rows_inserted + rows_updated + rows_unchanged "
            "+ rows_rejected, encoding, length(sha256), bytes FROM ingest_log"
        ).fetchall()
    assert len(log) == 2 * 12
    assert all(status == "ok" and read == accounted for _, _, status, read, accounted, *_ in log)
    assert all(sha == 64 and size > 0 for *_, sha, size in log)
    files = {row[0] for row in log}
    assert files == {str(SHIPPED / rel) for rel in EM_FILES + LOTO_FILES}
    assert {row[0]: row[5] for row in log if "euromillions_4" in row[0] or "201902" in row[0]} == {
        str(SHIPPED / "euromillions/euromillions_4.csv"): "cp1252",
        str(SHIPPED / "euromillions/euromillions_201902.csv"): "cp1252",
        str(SHIPPED / "loto/loto_201902.csv"): "utf-8",
    }
    assert sorted({row[1] for row in log}) == [
        "first-euromillions",
        "first-loto",
        "second-euromillions",
        "second-loto",
    ]


def test_prize_tiers_patterns_follow_the_era(shipped_warehouse: ShippedWarehouse) -> None:
    """Rank patterns come from the era of the draw date, for each game and prize table."""
    with shipped_warehouse.connect() as con:

        def tiers(game: str, day: date, table: str = "main") -> dict[int, tuple]:
            rows = con.execute(
                "SELECT rank, pattern, numbers_min, numbers_max, bonus_matched, winners_france, "
                "winners_europe, prize, currency FROM prize_tiers "
                "WHERE game = ? AND draw_date = ? AND prize_table = ? ORDER BY rank",
                [game, day, table],
            ).fetchall()
            return {r[0]: r[1:] for r in rows}

        em_2018 = tiers("euromillions", date(2018, 2, 23))
        assert len(em_2018) == 13
        assert (em_2018[1][0], em_2018[6][0], em_2018[7][0], em_2018[13][0]) == ("5+2", "3+2", "4+0", "2+0")
        assert em_2018[6][1:4] == (3, 3, 2)
        assert len(tiers("euromillions", date(2018, 2, 23), "etoile_plus")) == 10
        assert set(tiers("euromillions", date(2018, 2, 23), "etoile_plus")[1][:4]) == {None}
        em_2015 = tiers("euromillions", date(2015, 6, 5))
        assert (len(em_2015), em_2015[6][0], em_2015[7][0]) == (13, "4+0", "3+2")
        em_2004 = tiers("euromillions", date(2004, 2, 13))
        assert (len(em_2004), em_2004[1]) == (12, ("5+2", 5, 5, 2, 1, 1, Decimal("15000000.00"), "eur"))
        loto_2019 = tiers("loto", date(2019, 11, 6))
        assert (len(loto_2019), loto_2019[9][:4]) == (9, ("0-1+1", 0, 1, 1))
        assert tiers("loto", date(2008, 10, 6))[3][:4] == ("4", 4, 4, None)
        second = tiers("loto", date(2019, 11, 6), "second")
        assert [v[0] for v in second.values()] == ["5", "4", "3", "2"]
        francs = tiers("loto", date(1990, 8, 4))
        assert francs[1] == ("6", 6, 6, None, 1, None, Decimal("33000000.00"), "frf")
        two_tirages = con.execute(
            "SELECT tirage, count(*) FROM prize_tiers WHERE game = 'loto' AND draw_date = '2008-10-04' "
            "GROUP BY tirage ORDER BY tirage"
        ).fetchall()
        assert two_tirages == [(1, 7), (2, 7)]
