"""End to end, like a user: the Dagster CLI builds and publishes, uvicorn serves over HTTP.

Real Redis (the test's own database), real DuckDB files, real subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from lottery.games import Game
from lottery.stats.models import StatsFilter
from tests.redis_fixtures import BROKER_DB, redis_server_url
from tests.servers import uvicorn
from tests.serving_fixtures import SHIPPED
from warehouse.statistics import compute_quick

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def add_draw(
    csv_path: Path, day: str, deadline: str, draw_id: str, balls: list[int], stars: list[int]
) -> None:
    """Insert one new EuroMillions draw at the top of FDJ's newest-first 2020+ file (as FDJ would)."""
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(";")
    fields = lines[1].rstrip("\n").split(";")
    col = {name: i for i, name in enumerate(header)}
    fields[col["annee_numero_de_tirage"]] = draw_id
    fields[col["jour_de_tirage"]] = "VENDREDI"
    fields[col["date_de_tirage"]] = day
    fields[col["date_de_forclusion"]] = deadline
    for i, b in enumerate(balls, start=1):
        fields[col[f"boule_{i}"]] = str(b)
    for i, s in enumerate(stars, start=1):
        fields[col[f"etoile_{i}"]] = str(s)
    fields[col["boules_gagnantes_en_ordre_croissant"]] = "-" + "-".join(map(str, sorted(balls))) + "-"
    fields[col["etoiles_gagnantes_en_ordre_croissant"]] = "-" + "-".join(map(str, sorted(stars))) + "-"
    csv_path.write_text(lines[0] + ";".join(fields) + "\n" + "".join(lines[1:]), encoding="utf-8")


@pytest.fixture
def env(tmp_path: Path, redis_url: str) -> dict[str, str]:
    """Environment of a user's deployment, all under tmp_path, with the test's Redis database."""
    source = tmp_path / "fdj"
    shutil.copytree(SHIPPED, source)
    for p in source.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (tmp_path / "dagster").mkdir()
    return {
        **os.environ,
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "SERVING_DIR": str(tmp_path / "serving"),
        "FDJ_SOURCE": str(source),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": f"{redis_server_url()}/{BROKER_DB}",
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }


def materialize(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``dagster asset materialize --select '*'`` as a user types it."""
    return subprocess.Popen(
        [str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def finish(proc: subprocess.Popen[bytes]) -> None:
    """Wait for a materialisation and fail with its log if it failed."""
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out.decode()[-3000:]


@pytest.fixture
def api(env: dict[str, str]) -> Iterator[str]:
    """uvicorn serving the app on a free port; yields its base URL."""
    with uvicorn(env) as base:
        yield base


def test_pipeline_cli_then_http_then_a_new_draw(env: dict[str, str], api: str) -> None:
    """Build with the CLI, read over HTTP, drop a new draw in, rebuild while the API serves."""
    http = httpx.Client(base_url=api, timeout=10)
    assert http.get("/api/euromillions/quick-stats").status_code == 503  # nothing published yet
    finish(materialize(env))

    first = http.get("/api/euromillions/quick-stats", params={"year": 2025})
    assert first.status_code == 200
    assert first.headers["x-cache"] == "HIT"  # cache_warm filled it
    with duckdb.connect(env["WAREHOUSE_PATH"], read_only=True) as con:
        engine = compute_quick(con, Game.EUROMILLIONS, StatsFilter(year=2025))
    assert first.json() == json.loads(engine.model_dump_json())
    before_all = http.get("/api/euromillions/quick-stats").json()
    assert before_all["draw_count"] == 1947

    add_draw(
        Path(env["FDJ_SOURCE"]) / "euromillions" / "euromillions_202002.csv",
        "22/05/2026",
        "20/08/2026",
        "26041",
        [3, 14, 27, 33, 48],
        [6, 11],
    )
    # Rebuild while the API keeps answering: it never opens the warehouse being written.
    proc = materialize(env)
    answered = 0
    while proc.poll() is None:
        for url in ("/api/euromillions/quick-stats?year=2025", "/api/euromillions/stats?last=10", "/health"):
            response = http.get(url)
            assert response.status_code == 200, (url, response.text)
            answered += 1
        time.sleep(0.05)
    finish(proc)
    assert answered >= 30

    after_all = http.get("/api/euromillions/quick-stats")
    assert after_all.headers["x-cache"] == "HIT"
    body = after_all.json()
    assert body["draw_count"] == 1948
    assert body["last_draw"] == {"draw_date": "2026-05-22", "numbers": [3, 14, 27, 33, 48], "bonus": [6, 11]}
    assert body["data_version"] != before_all["data_version"]
    after_2025 = http.get("/api/euromillions/quick-stats", params={"year": 2025}).json()
    assert after_2025["data_version"] == body["data_version"] != first.json()["data_version"]
    latest = http.get("/api/euromillions/draws/latest").json()
    assert (latest["draw_date"], latest["balls_drawn"]) == ("2026-05-22", [3, 14, 27, 33, 48])
