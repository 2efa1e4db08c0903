"""A publish killed mid-way (kill -9) leaves its temporary snapshot and WAL; the next publish removes them."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from serving.snapshot import LOCK, publish, read_manifest
from tests.conftest import FIXTURES, PROJECT_ROOT
from warehouse.ingest import ingest_game

pytestmark = pytest.mark.slow  # a publish in another process, killed

# Publishes like Dagster does, but stops for good once the first table is in the temporary file and
# the second one only in its write-ahead log (as a kill at any moment of a publish may leave them).
PAUSING_PUBLISH = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import duckdb
    from serving.snapshot import publish

    class Pausing:
        def __init__(self, con):
            self.con = con
        def execute(self, sql, *args):
            result = self.con.execute(sql, *args)
            if sql.lstrip().startswith("CREATE TABLE serving.draws"):
                self.con.execute("CHECKPOINT serving")
            if sql.lstrip().startswith("CREATE TABLE serving.prize_tiers"):
                print("PAUSED", flush=True)
                time.sleep(120)
            return result

    con = duckdb.connect(sys.argv[1])
    publish(Pausing(con), Path(sys.argv[2]))
    """
)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A warehouse holding the fixture excerpts of both games."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        for game in Game:
            ingest_game(con, game, str(FIXTURES))
    return path


def kill_mid_publish(warehouse: Path, serving: Path) -> None:
    """Start a publish in another process and kill -9 it once its temporary file is being written."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSING_PUBLISH, str(warehouse), str(serving)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # bounded: the child prints within seconds or dies (EOF)
        assert line.strip() == b"PAUSED", line
        with (serving / LOCK).open("a") as handle, pytest.raises(BlockingIOError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a live publish holds the lock
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)


def test_killed_publish_leftovers_are_removed_by_the_next_publish(warehouse: Path, tmp_path: Path) -> None:
    """The .tmp snapshot (and its WAL) of the killed publish go; the manifest's snapshot stays and serves."""
    serving = tmp_path / "serving"
    with duckdb.connect(str(warehouse)) as con:
        first = publish(con, serving)
    kill_mid_publish(warehouse, serving)
    leftovers = sorted(p.name for p in serving.glob(".serving-*.tmp*"))
    assert [name.rsplit(".tmp", 1)[1] for name in leftovers] == ["", ".wal"], leftovers  # file + its WAL
    (serving / ".manifest.json.dead1234.tmp").write_text("{}")  # killed between the two manifest writes
    assert read_manifest(serving) == first  # readers never saw the killed publish

    with duckdb.connect(str(warehouse)) as con:
        second = publish(con, serving)
    assert sorted(p.name for p in serving.iterdir() if p.name.startswith(".") and p.name != LOCK) == []
    assert sorted(p.name for p in serving.glob("serving-*.duckdb")) == sorted(
        [first.snapshot, second.snapshot]
    )
    assert read_manifest(serving) == second
    with duckdb.connect(str(serving / second.snapshot), read_only=True) as snap:
        assert snap.execute("SELECT count(*) FROM draws").fetchone() == (37,)
