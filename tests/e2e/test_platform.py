"""The main command, run like a user: all comes up, a dropped file is served, Ctrl-C ends it all."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from tests.e2e.test_pipeline_to_http import add_draw
from tests.redis_fixtures import BROKER_DB, RESULTS_DB, free_port, redis_server_url
from tests.serving_fixtures import PROJECT_ROOT, SHIPPED

pytestmark = pytest.mark.slow


def processes_with(marker: str) -> list[int]:
    """Pids of live processes whose environment mentions ``marker`` (our temp folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                state = (entry / "stat").read_text().split(")")[-1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            continue
    return found


def wait_for(predicate, timeout: float, what: str, log: Path) -> None:
    """Poll ``predicate`` until true, or fail with the platform's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{what} not within {timeout} s; log tail:\n{log.read_text()[-4000:]}")


def test_main_command_runs_the_platform_and_ctrl_c_stops_every_child(tmp_path: Path, redis_url: str) -> None:
    """scripts/run.sh: UI + API + worker up, cached answer, a generation, the inbox, then a clean SIGINT."""
    marker = str(tmp_path)
    ui, api = free_port(), free_port()
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "SERVING_DIR": str(tmp_path / "serving"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "INBOX_DIR": str(tmp_path / "inbox"),
        "REPORTS_DIR": str(tmp_path / "reports"),
        "INBOX_POLL_S": "2",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": f"{redis_server_url()}/{BROKER_DB}",
        "CELERY_RESULT_BACKEND": f"{redis_server_url()}/{RESULTS_DB}",
        "DAGSTER_PORT": str(ui),
        "API_PORT": str(api),
        "LOTOSTATS_TEST_MARKER": marker,
    }
    log = tmp_path / "platform.log"
    proc = subprocess.Popen(
        ["bash", str(PROJECT_ROOT / "scripts" / "run.sh")],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: b"all services up" in log.read_bytes(), 600, "all services up", log)
        graphql = httpx.post(f"http://127.0.0.1:{ui}/graphql", json={"query": "{ version }"}, timeout=10)
        assert graphql.status_code == 200
        assert graphql.json()["data"]["version"]
        http = httpx.Client(base_url=f"http://127.0.0.1:{api}", timeout=10)
        quick = http.get("/api/euromillions/quick-stats", params={"year": 2025})
        assert (quick.status_code, quick.headers["x-cache"]) == (200, "HIT")
        before = quick.json()["data_version"]

        report = http.get("/api/euromillions/reports/latest")  # the first materialisation wrote it
        assert report.status_code == 200
        assert report.headers["content-type"].startswith("text/html")
        assert "data:image/png;base64," in report.text
        assert http.get("/api/loto/reports/latest", params={"format": "markdown"}).text.startswith("## Loto")

        task = http.post("/api/loto/generate-advanced", json={"count": 5, "seed": 1}).json()
        wait_for(lambda: http.get(task["status_url"]).json()["state"] == "SUCCESS", 60, "a generation", log)
        assert len(http.get(task["status_url"]).json()["result"]["grids"]) == 5

        # A user drops FDJ's newest file, with one more draw, in the inbox: no other step.
        staged = tmp_path / "staged.csv"
        shutil.copy(SHIPPED / "euromillions" / "euromillions_202002.csv", staged)
        add_draw(staged, "22/05/2026", "20/08/2026", "26041", [3, 14, 27, 33, 48], [6, 11])
        inbox = tmp_path / "inbox"
        inbox.mkdir(exist_ok=True)
        shutil.move(staged, inbox / "euromillions_202002.csv")
        wait_for(
            lambda: http.get("/api/euromillions/draws/latest").json()["draw_date"] == "2026-05-22",
            120,
            "the dropped draw in /draws/latest",
            log,
        )
        after = http.get("/api/euromillions/quick-stats", params={"year": 2025})
        assert after.headers["x-cache"] == "HIT"
        assert after.json()["data_version"] != before
        wait_for(lambda: any((inbox / "archive").glob("*euromillions_202002.csv")), 60, "archiving", log)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"the main command did not stop on SIGINT; log tail:\n{log.read_text()[-4000:]}")
    assert proc.returncode == 0, log.read_text()[-4000:]
    assert b"every service stopped" in log.read_bytes()
    # One instance configuration: nothing in the project root for `dagster dev` to warn about.
    assert b"Found a dagster instance configuration" not in log.read_bytes()
    assert (Path(env["DAGSTER_HOME"]) / "dagster.yaml").read_text().startswith("# lotostats:")
    deadline = time.monotonic() + 10
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with(marker) == [], "children left running"
    with duckdb.connect(env["WAREHOUSE_PATH"]) as con:  # read-write: nothing holds the lock
        assert con.execute("SELECT count(*) FROM draws WHERE game = 'euromillions'").fetchall()[0][0] == 1948
