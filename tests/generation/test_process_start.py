"""How a new API or worker process starts: it reads the published histories into its caches
(``serving.queries.warm``) without loading pandas or pyarrow.compute (0.2 s on a process's first
window), and a snapshot it cannot read never stops it: 503 with the reason, or the snapshot before."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.tasks import GenerationError, WorkerContext, current_view
from config.settings import Settings
from lottery.games import Game
from serving import queries
from serving.snapshot import SnapshotReader, read_manifest
from tests.generation.conftest import Worker
from tests.serving_fixtures import Published

pytestmark = pytest.mark.slow  # new Python processes and a Celery worker

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


def _copy(published: Published, serving: Path) -> Path:
    """A copy of the published serving folder; the path of its snapshot file."""
    serving.mkdir()
    for path in published.serving_dir.iterdir():
        if path.is_file():
            (serving / path.name).write_bytes(path.read_bytes())
    manifest = read_manifest(serving)
    assert manifest is not None
    return serving / manifest.snapshot


def test_warm_on_a_snapshot_without_draws_logs_and_lets_the_process_start(
    published: Published, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A snapshot that opens but cannot be read is the first request's error to tell, not a
    startup crash."""
    snapshot = _copy(published, tmp_path / "serving")
    snapshot.unlink()
    duckdb.connect(str(snapshot)).close()  # a valid DuckDB file without any table
    manifest = tmp_path / "serving" / "manifest.json"  # other data versions: nothing cached for them
    raw = json.loads(manifest.read_text())
    for game in raw["games"].values():
        game["data_version"] = f"test-{uuid.uuid4().hex}"
    manifest.write_text(json.dumps(raw))
    with caplog.at_level(logging.WARNING, logger="serving.queries"):
        queries.warm(SnapshotReader(tmp_path / "serving"))
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


def test_a_corrupt_snapshot_is_a_503_that_says_so_and_no_process_fails_to_start(
    gen_settings: Settings, published: Published, tmp_path: Path
) -> None:
    """A published snapshot file that is not a DuckDB database: the API starts and answers 503 with
    the reason (health included), a submit queues nothing, and a prefork worker starts (its pool
    process's warm-up finds nothing to read) and fails a task with the same reason."""
    snapshot = _copy(published, tmp_path / "serving")
    snapshot.write_bytes(b"not a DuckDB file")
    settings = gen_settings.model_copy(update={"serving_dir": tmp_path / "serving"})
    with TestClient(create_app(settings)) as api:
        for response in (
            api.get("/api/euromillions/quick-stats"),
            api.post("/api/euromillions/generate-advanced", json={"count": 10}),
            api.get("/health"),
        ):
            assert response.status_code == 503, response.text
            assert "serving snapshot cannot be read" in response.text
        assert "publish it again" in api.get("/api/euromillions/stats").json()["detail"][0]["msg"]
    worker = Worker(settings, tmp_path / "worker.log", pool="prefork", concurrency=1)
    worker.start()
    worker.stop()
    assert "serving snapshot cannot be read" in worker.log_text()
    with pytest.raises(GenerationError, match="serving snapshot cannot be read"):
        current_view(WorkerContext(settings))


def test_an_unreadable_publication_leaves_the_one_before_in_force(
    gen_settings: Settings, published: Published, tmp_path: Path
) -> None:
    """A manifest that now names a corrupt file: the snapshot before is still served (health says
    degraded, with the reason); the next good publication is taken and the reason cleared."""
    serving = tmp_path / "serving"
    good = _copy(published, serving)
    manifest = serving / "manifest.json"
    good_text = manifest.read_text()
    # The manifest looked at on every request (SERVING_RECHECK_S=0): each change is seen at once.
    settings = gen_settings.model_copy(update={"serving_dir": serving, "serving_recheck_s": 0})
    with TestClient(create_app(settings)) as api:
        before = api.get("/api/euromillions/quick-stats")
        assert before.status_code == 200
        (serving / "serving-broken.duckdb").write_bytes(b"not a DuckDB file")
        broken = json.loads(good_text) | {"snapshot": "serving-broken.duckdb"}
        _replace(manifest, json.dumps(broken))
        after = api.get("/api/euromillions/quick-stats")
        assert (after.status_code, after.content) == (200, before.content)
        health = api.get("/health")
        assert health.status_code == 200
        assert health.json()["status"] == "degraded"
        assert "cannot be read" in health.json()["checks"]["snapshot"]["problem"]
        _replace(manifest, good_text)  # published again
        health = api.get("/health").json()
        assert "problem" not in health["checks"]["snapshot"]
        assert health["checks"]["snapshot"]["file"] == good.name


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as a publication does: a new file renamed over the old one."""
    fresh = path.with_suffix(".tmp")
    fresh.write_text(text)
    fresh.replace(path)
