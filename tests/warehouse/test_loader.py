"""The idempotent loader: new draws, FDJ revisions, older exports, conflicts, rejects, failed files."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from tests.conftest import SHIPPED, fixture_bytes, shipped_bytes
from tests.rows import FdjCsv
from warehouse import quality
from warehouse.ingest import IngestResult, ingest_game
from warehouse.loader import FileReport

EM_OPEN = "euromillions/euromillions_202002.csv"
LOTO_OPEN = "loto/loto_201911.csv"
LOTO_SNAPSHOT = "loto/snapshot_2024-07/loto_201911.csv"
RANK4_FR = "nombre_de_gagnant_au_rang4_Euro_Millions_en_france"


def write(path: Path, data: bytes) -> str:
    """Write a file (and its folder); return its path as the ingest source."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def only_file(result: IngestResult) -> FileReport:
    """The report of a one-file ingest."""
    (report,) = result.files
    return report


def counts(report: FileReport) -> tuple[int, int, int, int, int]:
    """(read, inserted, updated, unchanged, rejected)."""
    return report.rows_read, report.inserted, report.updated, report.unchanged, report.rejected


def em_winners(con: duckdb.DuckDBPyConnection, day: date, rank: int) -> int:
    """Winners in France of one EuroMillions rank, as the warehouse holds it."""
    row = con.execute(
        "SELECT winners_france FROM prize_tiers WHERE game = 'euromillions' AND draw_date = ? "
        "AND prize_table = 'main' AND rank = ?",
        [day, rank],
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_updated_open_period_file_adds_new_draws_and_revises_prizes(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """An older export of the open file (newest 10 draws missing, one prize unrevised), then the real one."""
    full = FdjCsv.from_bytes(shipped_bytes(EM_OPEN))
    old = full.tail(10)
    revised_day = date(2026, 4, 14)
    assert old.field(0, "date_de_tirage") == revised_day.strftime("%d/%m/%Y")
    real = int(old.field(0, RANK4_FR))
    old = old.with_row(0, old.edited(0, {RANK4_FR: str(real + 7)}))
    old_path = write(tmp_path / "2026-01" / "euromillions_202002.csv", old.to_bytes())
    new_path = write(tmp_path / "2026-05" / "euromillions_202002.csv", full.to_bytes())

    assert counts(only_file(ingest_game(con, Game.EUROMILLIONS, old_path))) == (647, 647, 0, 0, 0)
    assert em_winners(con, revised_day, 4) == real + 7
    first_loaded = con.execute("SELECT loaded_at FROM draws WHERE draw_date = ?", [revised_day]).fetchone()

    assert counts(only_file(ingest_game(con, Game.EUROMILLIONS, new_path))) == (657, 10, 1, 646, 0)
    assert em_winners(con, revised_day, 4) == real
    assert con.execute("SELECT count(*), max(draw_date) FROM draws").fetchone() == (657, date(2026, 5, 19))
    row = con.execute(
        "SELECT source_file, source_as_of, loaded_at, updated_at > loaded_at FROM draws WHERE draw_date = ?",
        [revised_day],
    ).fetchone()
    assert row == (new_path, date(2026, 5, 19), first_loaded[0], True)

    # the old export again: nothing changes, the revision stays
    assert counts(only_file(ingest_game(con, Game.EUROMILLIONS, old_path))) == (647, 0, 0, 647, 0)
    assert em_winners(con, revised_day, 4) == real
    assert con.execute("SELECT count(*) FROM draws").fetchone() == (657,)


@pytest.mark.parametrize("order", ["snapshot_first", "snapshot_last"])
def test_older_export_never_reverts_prizes(con: duckdb.DuckDBPyConnection, order: str) -> None:
    """2024-07-24 rank 4 (4+0) had 418 winners in the 2024 export, 415 in 2025: 415 wins either way."""
    new, old = str(SHIPPED / LOTO_OPEN), str(SHIPPED / LOTO_SNAPSHOT)
    if order == "snapshot_first":
        assert counts(only_file(ingest_game(con, Game.LOTO, old))) == (740, 740, 0, 0, 0)
        assert counts(only_file(ingest_game(con, Game.LOTO, new))) == (865, 126, 323, 416, 0)
    else:
        assert counts(only_file(ingest_game(con, Game.LOTO, new))) == (865, 865, 0, 0, 0)
        assert counts(only_file(ingest_game(con, Game.LOTO, old))) == (740, 1, 0, 739, 0)
    rank4 = con.execute(
        "SELECT winners_france FROM prize_tiers WHERE game = 'loto' AND kind = 'main' "
        "AND draw_date = '2024-07-24' AND rank = 4"
    ).fetchone()
    assert rank4 == (415,)
    assert con.execute(
        "SELECT fdj_draw_id, claim_deadline, source_file FROM draws WHERE draw_date = '2024-07-24'"
    ).fetchone() == ("24089", date(2024, 10, 22), new)
    assert con.execute("SELECT source_file FROM draws WHERE draw_date = '2019-11-04'").fetchone() == (old,)
    assert con.execute("SELECT count(*) FROM draws").fetchone() == (866,)
    assert con.execute("SELECT count(*) FROM loto_second_draws").fetchone() == (866,)
    assert con.execute(
        "SELECT numbers, bonus FROM loto_second_draws WHERE draw_date = '2019-11-04'"
    ).fetchone() == ([6, 18, 25, 41, 43], [])
    assert quality.duplicate_draws(con, Game.LOTO) == []
    assert con.execute("SELECT count(*) FROM rejects").fetchone() == (0,)


def test_load_order_of_three_exports_does_not_matter(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Old, middle and new export of the open file; the middle one carries a figure FDJ later corrected back.

    Whatever the order, the warehouse must end with what the newest export says. Currently fails
    for old -> new -> middle: the new export leaves the row 'unchanged' without raising its
    source_as_of, so the middle export then overwrites it.
    """
    full = FdjCsv.from_bytes(shipped_bytes(EM_OPEN))
    day = date(2025, 5, 9)
    row = next(i for i, line in enumerate(full.rows) if f";{day:%d/%m/%Y};" in line)
    real = int(full.field(row, RANK4_FR))
    middle = full.with_row(row, full.edited(row, {RANK4_FR: str(real + 1)})).tail(10)
    paths = {
        "old": write(tmp_path / "old" / "euromillions_202002.csv", full.tail(20).to_bytes()),
        "middle": write(tmp_path / "middle" / "euromillions_202002.csv", middle.to_bytes()),
        "new": write(tmp_path / "new" / "euromillions_202002.csv", full.to_bytes()),
    }
    for name in ("old", "new", "middle"):
        ingest_game(con, Game.EUROMILLIONS, paths[name])
    assert em_winners(con, day, 4) == real


def test_conflicting_balls_are_rejected_and_the_loaded_draw_kept(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A second file says other balls for 2026-05-19: that row is rejected with both versions shown."""
    good = write(tmp_path / "a" / "euromillions_202002.csv", fixture_bytes(EM_OPEN))
    csv = FdjCsv.from_bytes(fixture_bytes(EM_OPEN))
    bad_line = csv.edited(0, {"boule_1": "13", "boules_gagnantes_en_ordre_croissant": "-2-13-20-38-45-"})
    other = write(tmp_path / "b" / "euromillions_202002.csv", csv.with_row(0, bad_line).to_bytes())
    ingest_game(con, Game.EUROMILLIONS, good)
    report = only_file(ingest_game(con, Game.EUROMILLIONS, other))
    assert counts(report) == (6, 0, 0, 5, 1)
    reason = (
        f"conflicts with the loaded main draw of 2026-05-19 from {good}: "
        "numbers [2, 12, 20, 38, 45] + [2, 5], this row says [2, 13, 20, 38, 45] + [2, 5]"
    )
    assert report.reject_reasons == [reason]
    assert con.execute("SELECT file, line_no, raw_line, reason, kind FROM rejects").fetchall() == [
        (other, 2, bad_line, reason, "main")
    ]
    assert con.execute(
        "SELECT balls_drawn, source_file FROM draws WHERE draw_date = '2026-05-19'"
    ).fetchone() == ([12, 20, 45, 38, 2], good)


def test_conflicting_second_draw_is_rejected_main_draw_decides_the_line(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Other second-draw balls for a loaded date: a loto_second reject; the line counts as unchanged."""
    good = write(tmp_path / "a" / "loto_201911.csv", fixture_bytes(LOTO_OPEN))
    csv = FdjCsv.from_bytes(fixture_bytes(LOTO_OPEN))
    bad_line = csv.edited(
        1,
        {
            "boule_1_second_tirage": "14",
            "combinaison_gagnant_second_tirage_en_ordre_croissant": "14-15-19-43-45",
        },
    )
    other = write(tmp_path / "b" / "loto_201911.csv", csv.with_row(1, bad_line).to_bytes())
    ingest_game(con, Game.LOTO, good)
    report = only_file(ingest_game(con, Game.LOTO, other))
    assert counts(report) == (4, 0, 0, 4, 0)
    (reject,) = con.execute("SELECT kind, line_no, raw_line, reason FROM rejects").fetchall()
    assert reject[:3] == ("loto_second", 3, bad_line)
    assert "conflicts with the loaded loto_second draw of 2024-07-24" in reject[3]
    assert con.execute("SELECT numbers FROM loto_second_draws WHERE draw_date = '2024-07-24'").fetchone() == (
        [13, 15, 19, 43, 45],
    )


def test_bad_row_lands_in_rejects_table(con: duckdb.DuckDBPyConnection, fixture_dir: Path) -> None:
    """File, line number, raw line and reason of a broken row are kept; the other rows load."""
    path = fixture_dir / EM_OPEN
    csv = FdjCsv.from_bytes(path.read_bytes())
    bad = csv.edited(2, {"boule_2": "51", "boules_gagnantes_en_ordre_croissant": "-9-13-19-38-51-"})
    path.write_bytes(csv.with_row(2, bad).to_bytes())
    result = ingest_game(con, Game.EUROMILLIONS, str(fixture_dir), run_id="r1")
    report = next(f for f in result.files if f.file == str(path))
    assert counts(report) == (6, 5, 0, 0, 1)
    assert con.execute(
        "SELECT r.game, r.kind, r.file, r.line_no, r.raw_line, r.reason, l.file, l.rows_rejected "
        "FROM rejects r JOIN ingest_log l USING (ingest_id)"
    ).fetchall() == [
        ("euromillions", "main", str(path), 4, bad, "number 51 outside 1..50", str(path), 1),
    ]
    assert quality.latest_rejects(con, Game.EUROMILLIONS) == [(str(path), 4, "number 51 outside 1..50")]
    assert con.execute("SELECT count(*) FROM draws WHERE draw_date = '2022-08-19'").fetchone() == (0,)
    assert result.counts["main"] == 22


def test_unreadable_files_are_logged_failed_and_good_files_loaded(
    con: duckdb.DuckDBPyConnection, fixture_dir: Path
) -> None:
    """Empty CSV, broken zip, binary Loto file, an unnamed empty file: logged 'failed'; the rest loads."""
    empty = write(fixture_dir / "euromillions" / "euromillions_x.csv", b"")
    bad_zip = write(fixture_dir / "euromillions" / "euromillions_200402.zip", b"PK\x03\x04 truncated")
    binary = write(fixture_dir / "loto" / "loto_bad.csv", b"\x00\x01\x02 not text")
    unnamed = write(fixture_dir / "notes.csv", b"\n")
    em = ingest_game(con, Game.EUROMILLIONS, str(fixture_dir), run_id="em")
    loto = ingest_game(con, Game.LOTO, str(fixture_dir), run_id="loto")
    assert sorted(f.file for f in em.failed) == sorted([empty, bad_zip, unnamed])
    assert sorted(f.file for f in loto.failed) == sorted([binary, unnamed])
    assert (em.counts["main"], loto.counts["main"], loto.counts["loto_6_49"]) == (23, 14, 5)
    failed = con.execute(
        "SELECT run_id, file, error FROM ingest_log WHERE status = 'failed' ORDER BY run_id, file"
    ).fetchall()
    assert [(run, file) for run, file, _ in failed] == sorted(
        [("em", empty), ("em", bad_zip), ("em", unnamed), ("loto", binary), ("loto", unnamed)]
    )
    errors = {(run, file): error for run, file, error in failed}
    assert errors[("em", empty)] == f"{empty}: file is empty"
    assert errors[("em", bad_zip)].startswith(f"{bad_zip}: not a readable zip archive")
    assert errors[("loto", binary)] == f"{binary}: binary content (NUL bytes), not a CSV text file"
    assert con.execute("SELECT count(*) FROM ingest_log WHERE status = 'ok'").fetchone() == (12,)
    assert quality.unbalanced_ingests(con, Game.EUROMILLIONS) == []


def test_ingest_log_records_file_identity(con: duckdb.DuckDBPyConnection, fixture_dir: Path) -> None:
    """sha256, size and encoding of what was read."""
    path = fixture_dir / "euromillions" / "euromillions_4.csv"
    ingest_game(con, Game.EUROMILLIONS, str(path), run_id="one")
    data = path.read_bytes()
    assert con.execute(
        "SELECT run_id, game, file, sha256, bytes, encoding, rows_read, rows_inserted, status, error "
        "FROM ingest_log"
    ).fetchall() == [
        (
            "one",
            "euromillions",
            str(path),
            hashlib.sha256(data).hexdigest(),
            len(data),
            "cp1252",
            3,
            3,
            "ok",
            None,
        )
    ]


def test_overlapping_exports_do_not_duplicate(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """The newest export and an overlapping older one, in one source: one row per draw."""
    full = FdjCsv.from_bytes(shipped_bytes(EM_OPEN))
    a = write(tmp_path / "src" / "a" / "euromillions_202002.csv", full.to_bytes())
    b = write(tmp_path / "src" / "b" / "euromillions_202002.csv", full.tail(100).to_bytes())
    result = ingest_game(con, Game.EUROMILLIONS, str(tmp_path / "src"))
    assert [(f.file, f.inserted, f.unchanged) for f in result.files] == [(b, 557, 0), (a, 100, 557)]
    assert con.execute("SELECT count(*), count(DISTINCT draw_date) FROM draws").fetchone() == (657, 657)
    assert (
        con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT draw_date, rank, prize_table FROM prize_tiers)"
        ).fetchone()
        == con.execute("SELECT count(*) FROM prize_tiers").fetchone()
    )
