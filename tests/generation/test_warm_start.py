"""A new API or worker process reads the published histories at startup (``serving.queries.warm``),
and reading a window never loads pandas or pyarrow.compute (0.2 s on a process's first window)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from lottery.games import Game
from serving import queries
from serving.snapshot import SnapshotReader, read_manifest
from tests.serving_fixtures import Published

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_warm_fills_the_window_caches_of_both_games(published: Published) -> None:
    reader = SnapshotReader(published.serving_dir)
    view = reader.current()
    assert view is not None
    queries.warm(reader)
    for game in Game:
        key = (view.manifest.version(game), game.value, queries.WHOLE.validated().scope)
        assert queries._windows.get(key) is not None, game
        assert queries._inputs.get(key) is not None, game


def test_warm_without_a_snapshot_does_nothing(tmp_path: Path) -> None:
    queries.warm(SnapshotReader(tmp_path))  # nothing published: no error, nothing read


def test_warm_on_a_broken_snapshot_logs_and_lets_the_process_start(
    published: Published, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A snapshot that cannot be read is the first request's error to tell, not a startup crash."""
    serving = tmp_path / "serving"
    serving.mkdir()
    for path in published.serving_dir.iterdir():
        if path.is_file():
            (serving / path.name).write_bytes(path.read_bytes())
    manifest = read_manifest(serving)
    assert manifest is not None
    (serving / manifest.snapshot).write_bytes(b"not a DuckDB file")
    with caplog.at_level(logging.WARNING, logger="serving.queries"):
        queries.warm(SnapshotReader(serving))
    assert "warm-up of the window caches failed" in caplog.text


def test_a_new_process_reads_windows_without_pandas(published: Published) -> None:
    """What a worker process imports, then a warm-up: neither pandas nor pyarrow.compute is loaded."""
    code = (
        "import sys, pathlib, api.tasks\n"
        "from serving import queries\n"
        "from serving.snapshot import SnapshotReader\n"
        f"queries.warm(SnapshotReader(pathlib.Path({str(published.serving_dir)!r})))\n"
        "assert len(queries._inputs._items) == 2, queries._inputs._items\n"
        "print(sorted(m for m in ('pandas', 'pyarrow.compute') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
