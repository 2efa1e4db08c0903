"""FDJ sources: directories, comma lists, and downloads from a real local HTTP server."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from intake.sources import TransientDownloadError, expand, fetch, game_hint, is_url
from lottery.fdj.parse import FdjFileError
from lottery.games import Game
from tests.conftest import LocalServer, shipped_bytes
from tests.pipelines.archive_server import archive_server
from warehouse.ingest import ingest_game


def test_expand_directories_files_and_urls(fixture_dir: Path) -> None:
    """Directories recurse (.csv/.zip only, name order); files, URLs and missing paths are kept."""
    (fixture_dir / "README.txt").write_text("not data")
    (fixture_dir / "loto" / "LOTO_OLD.ZIP").write_bytes(b"")
    missing = str(fixture_dir / "missing.csv")
    url = "https://www.fdj.fr/archives/euromillions_202002.zip"
    found = expand(f" {fixture_dir / 'loto'} ,{url},,{missing}")
    assert found == [
        str(fixture_dir / "loto" / n)
        for n in (
            "LOTO_OLD.ZIP",
            "loto.csv",
            "loto2017.csv",
            "loto_201902.csv",
            "loto_201911.csv",
            "nouveau_loto.csv",
            "snapshot_2024-07/loto_201911.csv",
        )
    ] + [url, missing]
    assert len(expand(str(fixture_dir))) == 13


def test_game_hint_and_is_url() -> None:
    """The file name announces the game; only http(s) is downloaded."""
    assert game_hint("http://x/a/euromillions_200402.zip") == Game.EUROMILLIONS
    assert game_hint("/data/loto/snapshot_2024-07/loto_201911.csv") == Game.LOTO
    assert game_hint("/data/nouveau_loto.csv") == Game.LOTO
    assert game_hint("/data/fdj/results.csv") is None
    assert is_url("HTTPS://example.org/x.csv")
    assert not is_url("/srv/http/x.csv")


def test_fetch_local_file(tmp_path: Path) -> None:
    """A local file is read as it is."""
    path = tmp_path / "loto.csv"
    path.write_bytes(b"abc")
    assert fetch(str(path)) == b"abc"


def test_ingest_zip_from_url(http_server: LocalServer, con: duckdb.DuckDBPyConnection) -> None:
    """An FDJ-style zip served over HTTP loads every draw of the CSV inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("euromillions_202002.csv", shipped_bytes("euromillions/euromillions_202002.csv"))
    (http_server.root / "euromillions_202002.zip").write_bytes(buffer.getvalue())
    url = http_server.url("euromillions_202002.zip")
    result = ingest_game(con, Game.EUROMILLIONS, url)
    (report,) = result.files
    assert (report.file, report.inserted, report.rejected, report.error) == (
        f"{url}!euromillions_202002.csv",
        657,
        0,
        None,
    )
    assert con.execute("SELECT count(*), min(draw_date), max(draw_date) FROM draws").fetchone() == (
        657,
        date(2020, 2, 4),
        date(2026, 5, 19),
    )
    assert con.execute("SELECT DISTINCT source_file FROM draws").fetchall() == [(report.file,)]


def test_ingest_plain_csv_url_next_to_a_missing_one(
    http_server: LocalServer, con: duckdb.DuckDBPyConnection
) -> None:
    """A CSV URL loads; a 404 URL of the same game is logged as failed with its status."""
    (http_server.root / "loto_201902.csv").write_bytes(shipped_bytes("loto/loto_201902.csv"))
    good, missing = http_server.url("loto_201902.csv"), http_server.url("loto_209901.csv")
    result = ingest_game(con, Game.LOTO, f"{good},{missing}")
    assert [(f.file, f.inserted, f.error) for f in result.files] == [
        (missing, 0, f"{missing}: HTTP 404 File not found"),
        (good, 107, None),
    ]
    assert result.counts["main"] == 107
    assert con.execute("SELECT status, file FROM ingest_log ORDER BY ingest_id").fetchall() == [
        ("failed", missing),
        ("ok", good),
    ]


def test_download_failures_say_whether_trying_later_may_help(no_proxy: None) -> None:
    """HTTP 5xx/429, a timeout or no connection are transient; a 404 is not (the URL is wrong)."""
    with archive_server() as server:
        busy = server.serve("busy", b"later", status=503)
        limited = server.serve("limited", b"later", status=429)
        with pytest.raises(TransientDownloadError, match="HTTP 503"):
            fetch(busy, timeout_s=2)
        with pytest.raises(TransientDownloadError, match="HTTP 429"):
            fetch(limited, timeout_s=2)
        with pytest.raises(FdjFileError, match="HTTP 404 Not Found") as missing:
            fetch(server.url("gone"), timeout_s=2)
        assert not isinstance(missing.value, TransientDownloadError)
        stalled = server.serve("stalled", b"x" * 100, stall_s=10)
        with pytest.raises(TransientDownloadError, match="ReadTimeout"):
            fetch(stalled, timeout_s=0.5)
    with pytest.raises(TransientDownloadError, match="ConnectError"):
        fetch(server.url("closed"), timeout_s=2)  # the server is gone: connection refused
