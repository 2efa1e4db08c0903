"""The reliability matrix of bad files: each is refused with a clear reason by the ingest, nothing of
it is loaded, and the good data already in the warehouse is unchanged; through the inbox, the tick
only asks for a run and the failed run sends the file to rejected/ with the reason."""

from __future__ import annotations

import shutil
import time
import tracemalloc
from pathlib import Path

import duckdb
import pytest

from config.settings import Settings
from lottery.fdj.guards import RefusedFileError
from lottery.fdj.parse import iter_csv_members
from lottery.games import Game
from tests.conftest import FIXTURES
from tests.reliability.bad_files import (
    KINDS,
    SHIPPED_EM,
    BadFile,
    conflicting_export,
    junk_csv,
    junk_rows,
    zip_bomb,
    zip_of,
)
from tests.reliability.inbox_runs import run_inbox_file
from warehouse.ingest import ingest_game

# Through the inbox end to end (a real run each, so a few representative kinds).
INBOX_KINDS = ["zip_bomb", "truncated_zip", "only_junk_rows", "valid_header_then_binary", "symlink"]


@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding the fixture excerpts of both games (copied by each test)."""
    path = tmp_path_factory.mktemp("good") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for game in Game:
            assert not ingest_game(con, game, str(FIXTURES)).failed
    return path


def fingerprint(con: duckdb.DuckDBPyConnection) -> tuple:
    """Everything served about the draws: rows and a hash of their content, per table."""
    draws = [
        con.execute(
            f"SELECT count(*), sum(hash(game, draw_date, tirage, content_digest)) FROM {t}"
        ).fetchone()
        for t in ("draws", "loto_6_49_draws", "loto_second_draws")
    ]
    prizes = con.execute(
        "SELECT count(*), sum(hash(game, draw_date, rank, prize)) FROM prize_tiers"
    ).fetchone()
    return (*draws, prizes)


def drop(folder: Path, bad: BadFile) -> Path:
    """Write a bad file (or, for the link kind, a symlink to a real file) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / bad.name
    if bad.link:
        target = folder.parent / "elsewhere.csv"
        target.write_bytes(bad.make())
        path.symlink_to(target)
    else:
        path.write_bytes(bad.make())
    return path


@pytest.mark.parametrize("kind", KINDS)
def test_ingest_refuses_the_file_and_keeps_the_warehouse(
    kind: str, good_warehouse: Path, tmp_path: Path
) -> None:
    """The file is logged failed with its reason; no draw of it is loaded; the rest is byte-identical."""
    bad = KINDS[kind]
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good_warehouse, warehouse)
    path = drop(tmp_path / "source", bad)
    with duckdb.connect(str(warehouse)) as con:
        before = fingerprint(con)
        result = ingest_game(con, Game.EUROMILLIONS, str(path), run_id="bad")
        (failed,) = result.failed
        assert bad.reason in (failed.error or "")
        assert result.total("inserted") == result.total("updated") == 0
        assert fingerprint(con) == before
        logged = con.execute("SELECT status, error FROM ingest_log WHERE run_id = 'bad'").fetchall()
        assert [status for status, _ in logged] == ["failed"]
        assert bad.reason in logged[0][1]
        kept = con.execute(
            "SELECT count(*) FROM rejects JOIN ingest_log USING (ingest_id) WHERE run_id = 'bad'"
        )
        assert kept.fetchone()[0] <= 100


@pytest.mark.parametrize("kind", INBOX_KINDS)
def test_inbox_run_fails_and_the_file_is_rejected_with_its_reason(
    kind: str, good_warehouse: Path, tmp_path: Path
) -> None:
    """The tick asks for a run and leaves the file alone; the run fails; the file goes to rejected/."""
    bad = KINDS[kind]
    inbox = tmp_path / "inbox"
    path = drop(inbox, bad)
    old = time.time() - 60
    shutil.os.utime(path, (old, old), follow_symlinks=False)
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        before = fingerprint(con)

    reason = run_inbox_file(inbox, warehouse)

    assert not path.exists()
    assert not path.is_symlink()
    assert bad.reason in reason
    assert len(reason) < 10_000  # the reason is a summary, never the file echoed back
    with duckdb.connect(str(warehouse)) as con:
        assert fingerprint(con) == before
    if bad.link:
        assert (tmp_path / "elsewhere.csv").read_bytes() == SHIPPED_EM.read_bytes()  # the target untouched


def test_junk_rows_reason_names_the_first_rejects(good_warehouse: Path, tmp_path: Path) -> None:
    """A file of junk rows: the reason says how many rows were bad and shows the first ones."""
    inbox = tmp_path / "inbox"
    path = drop(inbox, KINDS["only_junk_rows"])
    shutil.os.utime(path, (0, 0))
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good_warehouse, warehouse)
    reason = run_inbox_file(inbox, warehouse)
    assert "rejected as a whole, 500 of 500 rows are bad" in reason
    assert "First: line 2: " in reason


def test_junk_file_under_a_raised_threshold_stores_bounded_rejects(
    good_warehouse: Path, tmp_path: Path
) -> None:
    """REJECT_FILE_SHARE raised to 1: the good rows load, only the first N rejects are stored, all counted."""
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good_warehouse, warehouse)
    lines = SHIPPED_EM.read_bytes().splitlines(keepends=True)
    path = tmp_path / "euromillions_202002.csv"
    path.write_bytes(lines[0] + b"".join(lines[1:101]) + junk_rows(300))
    limits = Settings(reject_file_share=1.0, rejects_kept_per_file=25).file_limits()
    with duckdb.connect(str(warehouse)) as con:
        (report,) = ingest_game(con, Game.EUROMILLIONS, str(path), limits=limits, run_id="r").files
        assert (report.rows_read, report.rejected, report.error) == (400, 300, None)
        assert con.execute("SELECT count(*), min(line_no), max(line_no) FROM rejects").fetchone() == (
            25,
            102,
            126,
        )
        assert con.execute("SELECT rows_rejected FROM ingest_log WHERE run_id = 'r'").fetchone() == (300,)
    # every row bad is always a whole-file rejection, whatever the threshold
    path.write_bytes(lines[0] + junk_rows(10))
    with duckdb.connect(str(warehouse)) as con:
        (report,) = ingest_game(con, Game.EUROMILLIONS, str(path), limits=limits).files
        assert "rejected as a whole, 10 of 10 rows" in (report.error or "")


def test_rows_conflicting_with_the_warehouse_reject_the_file_in_one_transaction(
    good_warehouse: Path, tmp_path: Path
) -> None:
    """3 of 5 rows contradict loaded draws (other balls, same dates): the file is rolled back whole."""
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good_warehouse, warehouse)
    path = tmp_path / "euromillions_202002.csv"
    path.write_bytes(conflicting_export())  # 3 of its 5 rows contradict loaded draws
    with duckdb.connect(str(warehouse)) as con:
        before = fingerprint(con)
        (report,) = ingest_game(con, Game.EUROMILLIONS, str(path)).files
        assert "rejected as a whole, 3 of 5 rows" in (report.error or ""), report
        assert "conflicts with the loaded main draw" in (report.error or "")
        assert fingerprint(con) == before


def test_zip_bomb_replay_is_refused_fast_in_bounded_memory(good_warehouse: Path, tmp_path: Path) -> None:
    """The issue's bomb (829 KB -> 190 MB): refused by what it declares, < 5 MB allocated."""
    path = tmp_path / "euromillions_202002.zip"
    path.write_bytes(zip_bomb(190 * 1024 * 1024))
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(good_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        tracemalloc.start()
        result = ingest_game(con, Game.EUROMILLIONS, str(path))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    (failed,) = result.failed
    assert "INGEST_MAX_MEMBER_BYTES" in (failed.error or "")
    assert peak < 5 * 1024 * 1024 + path.stat().st_size


def test_50_mb_junk_csv_replay_is_refused_before_reading(tmp_path: Path) -> None:
    """The issue's 50 MB CSV of junk rows: refused by its size, without reading it (no allocation of it)."""
    path = tmp_path / "euromillions_202002.csv"
    path.write_bytes(junk_csv(50 * 1024 * 1024))
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        tracemalloc.start()
        result = ingest_game(con, Game.EUROMILLIONS, str(path))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert con.execute("SELECT count(*) FROM draws").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM rejects").fetchone() == (0,)
    (failed,) = result.failed
    assert "file is 50.0 MB, the limit is 20.0 MB (INGEST_MAX_FILE_BYTES)" in (failed.error or "")
    assert peak < 5 * 1024 * 1024


def test_zip_of_20000_entries_is_refused_before_its_directory_is_parsed() -> None:
    """The entry count is read from the end record: no ZipInfo built for 20,000 entries (< 1 MB allocated)."""
    data = zip_of({f"euromillions_{i}.csv": b"" for i in range(20_000)}, level=0)
    tracemalloc.start()
    with pytest.raises(RefusedFileError, match="holds 20000 entries, the limit is 16"):
        list(iter_csv_members(data, "euromillions_many.zip"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1024 * 1024
