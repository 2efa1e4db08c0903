"""kill -9 of one platform process under light load: the rest keeps serving, the supervisor brings it back.

One platform (scripts/supervise.py: real Redis, ``dagster dev``, uvicorn, a Celery worker) is started
for the module, from an already published snapshot (no first materialisation). Each case kills one
process with SIGKILL while a thread sends a few requests a second to the API, then polls (generous
timeouts, no timing assertion) until that process is replaced and answers. The last case stops the
platform with SIGINT and checks that no process of it is left.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis

from api.celery_app import create_celery
from config.settings import Settings
from serving.jobs import TERMINAL, JobStore
from tests.e2e.test_platform import processes_with
from tests.redis_fixtures import BROKER_DB, CACHE_DB, free_port, redis_server_url
from tests.serving_fixtures import PROJECT_ROOT, Published

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # the first case also starts the platform

BIG = {"strategy": "combination_based", "count": 10_000}  # seconds of work for a pool process
COMES_BACK_S = 240  # generous: a restart of `dagster dev` loads both code locations on a busy machine


@dataclass
class Platform:
    """The supervisor process and how to reach what it runs."""

    proc: subprocess.Popen[bytes]
    log: Path
    marker: str
    api: str
    ui: str
    redis_url: str
    broker_url: str

    def log_tail(self) -> str:
        """The end of the platform's output, for failure messages."""
        return self.log.read_text(errors="replace")[-6000:]

    def wait_for(self, predicate: Callable[[], bool], what: str, timeout: float = COMES_BACK_S) -> None:
        """Poll ``predicate`` until true, or fail with the platform's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if predicate():
                    return
            except (httpx.HTTPError, redis.RedisError, OSError):
                pass
            assert self.proc.poll() is None, f"the supervisor exited; log tail:\n{self.log_tail()}"
            time.sleep(0.5)
        pytest.fail(f"{what} not within {timeout} s; log tail:\n{self.log_tail()}")

    def child(self, needle: str, parent: int | None = None) -> int | None:
        """The pid of the live process whose command line holds ``needle``, child of ``parent``
        (the supervisor by default)."""
        parent = self.proc.pid if parent is None else parent
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
            if stat[0] != "Z" and int(stat[1]) == parent and needle in cmdline:
                return int(entry.name)
        return None

    def ui_answers(self) -> bool:
        """Whether the Dagster webserver answers GraphQL."""
        return httpx.post(f"{self.ui}/graphql", json={"query": "{ version }"}, timeout=5).status_code == 200

    def daemon_healthy(self) -> bool:
        """Whether the UI reports a fresh heartbeat of the daemon's sensor loop."""
        query = '{ instance { daemonHealth { daemonStatus(daemonType: "SENSOR") { healthy } } } }'
        answer = httpx.post(f"{self.ui}/graphql", json={"query": query}, timeout=5)
        return answer.json()["data"]["instance"]["daemonHealth"]["daemonStatus"]["healthy"] is True

    def worker_answers(self) -> bool:
        """Whether a Celery worker answers a ping."""
        celery = create_celery(Settings(redis_url=self.redis_url, celery_broker_url=self.broker_url))
        try:
            return bool(celery.control.ping(timeout=2.0))
        finally:
            celery.close()


@dataclass
class Load:
    """A few requests a second to the API's /health and a cached statistic, each answer noted."""

    api: str
    answers: list[tuple[float, str, int | str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Until stopped: /health then quick stats, 0.2 s apart."""
        with httpx.Client(base_url=self.api, timeout=5) as http:
            while not self.stop.is_set():
                for path in ("/health", "/api/euromillions/quick-stats?year=2025"):
                    try:
                        outcome: int | str = http.get(path).status_code
                    except httpx.HTTPError as exc:
                        outcome = type(exc).__name__
                    self.answers.append((time.monotonic(), path, outcome))
                    self.stop.wait(0.2)

    def between(self, start: float, end: float) -> list[tuple[str, int | str]]:
        """The answers received between two instants."""
        return [(path, outcome) for t, path, outcome in self.answers if start <= t <= end]


@pytest.fixture
def load(platform: Platform) -> Iterator[Load]:
    """Light load on the API for the length of one test."""
    running = Load(platform.api)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    yield running
    running.stop.set()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def platform(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """scripts/supervise.py on a copy of the published snapshot, until "all services up"; SIGINT after."""
    root = tmp_path_factory.mktemp("supervised")
    shutil.copytree(published.serving_dir, root / "serving")
    shutil.copy(published.warehouse, root / "warehouse.duckdb")
    (root / "dagster").mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", root / "dagster" / "dagster.yaml")
    ui, api = free_port(), free_port()
    redis_url = f"{redis_server_url()}/{CACHE_DB}"
    broker_url = f"{redis_server_url()}/{BROKER_DB}"
    redis.Redis.from_url(redis_url).flushdb()
    redis.Redis.from_url(broker_url).flushdb()
    env = {
        **os.environ,
        "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
        "SERVING_DIR": str(root / "serving"),
        "DAGSTER_HOME": str(root / "dagster"),
        "INBOX_DIR": str(root / "inbox"),
        "REPORTS_DIR": str(root / "reports"),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": f"{redis_server_url()}/14",
        "DAGSTER_PORT": str(ui),
        "API_PORT": str(api),
        # A job whose worker is killed is final within seconds, whatever it was doing.
        "JOB_HEARTBEAT_TIMEOUT_S": "5",
        "JOB_QUEUE_TIMEOUT_S": "60",
        "CELERY_VISIBILITY_TIMEOUT_S": "10",
        "LOTOSTATS_TEST_MARKER": str(root),
    }
    log = root / "platform.log"
    proc = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "supervise.py")],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    running = Platform(
        proc, log, str(root), f"http://127.0.0.1:{api}", f"http://127.0.0.1:{ui}", redis_url, broker_url
    )
    try:
        running.wait_for(lambda: b"all services up" in log.read_bytes(), "all services up", timeout=300)
        yield running
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                proc.kill()
        for pid in processes_with(str(root)):
            os.kill(pid, signal.SIGKILL)


def kill9(pid: int | None) -> int:
    """SIGKILL ``pid`` (which must be known); returns it."""
    assert pid is not None, "the process to kill is not running"
    os.kill(pid, signal.SIGKILL)
    return pid


def test_killed_worker_is_restarted_while_the_api_serves_and_its_jobs_end_final(
    platform: Platform, load: Load
) -> None:
    """kill -9 of the worker's main process while it holds big generations: /health and cached stats
    keep answering 200, every job record ends SUCCESS or FAILURE, and the new worker runs a new one."""
    http = httpx.Client(base_url=platform.api, timeout=10)
    store = JobStore(redis.Redis.from_url(platform.redis_url), ttl_s=300)
    worker = platform.child("api.celery_app")
    tasks = []
    for _ in range(4):  # two run (the pool), the others wait in the worker or the queue
        submitted = http.post("/api/euromillions/generate-advanced", json=BIG)
        assert submitted.status_code == 202, submitted.text
        tasks.append(submitted.json())

    def one_started() -> bool:
        records = [store.get(t["task_id"]) for t in tasks]
        return any(r is not None and r.state != "PENDING" for r in records)

    platform.wait_for(one_started, "a generation started by the worker", timeout=60)
    kill9(worker)
    killed_at = time.monotonic()
    states = [getattr(store.get(t["task_id"]), "state", None) for t in tasks]
    held = [state for state in states if state not in TERMINAL]
    assert held, "the worker finished every job before it was killed: nothing was tested"

    def all_final() -> bool:
        return all(http.get(t["status_url"]).json()["state"] in TERMINAL for t in tasks)

    platform.wait_for(all_final, "the jobs of the killed worker in a final state")
    for task in tasks:
        record = store.get(task["task_id"])
        assert record is not None
        assert record.state in TERMINAL, record

    platform.wait_for(lambda: platform.child("api.celery_app") not in (None, worker), "a new worker process")
    platform.wait_for(platform.worker_answers, "the restarted worker answering a ping")
    back_at = time.monotonic()
    again = http.post("/api/loto/generate-advanced", json={"count": 5, "seed": 1}).json()
    platform.wait_for(lambda: http.get(again["status_url"]).json()["state"] == "SUCCESS", "a new generation")

    while_down = load.between(killed_at, back_at)
    assert while_down, "no request was sent while the worker was down"
    assert {outcome for _, outcome in while_down} == {200}, while_down
    assert {path for path, _ in while_down} == {"/health", "/api/euromillions/quick-stats?year=2025"}
    assert f"worker (pid {worker}) died unexpectedly: killed by SIGKILL" in platform.log.read_text()


def test_killed_api_is_restarted_while_the_ui_and_the_worker_keep_answering(
    platform: Platform, load: Load
) -> None:
    """kill -9 of uvicorn: the UI and the worker answer while it is down; /health answers again."""
    api = kill9(platform.child("api.server"))
    killed_at = time.monotonic()
    assert platform.ui_answers()
    assert platform.worker_answers()
    platform.wait_for(lambda: platform.child("api.server") not in (None, api), "a new API process")
    platform.wait_for(
        lambda: httpx.get(f"{platform.api}/health", timeout=5).status_code == 200, "the API's /health"
    )
    platform.wait_for(lambda: load.between(killed_at, time.monotonic())[-2:] == [
        ("/health", 200), ("/api/euromillions/quick-stats?year=2025", 200)
    ], "the load's requests answered again")  # fmt: skip
    assert f"api (pid {api}) died unexpectedly: killed by SIGKILL" in platform.log.read_text()


def dagster_dev(platform: Platform) -> int | None:
    """The supervisor's ``dagster dev`` process."""
    return platform.child(" dev -w workspace.yaml")


def test_killed_dagster_daemon_is_back_while_the_api_serves(platform: Platform, load: Load) -> None:
    """kill -9 of the ``dagster-daemon`` child of ``dagster dev``: ``dagster dev`` sees it gone and
    exits, the supervisor restarts it; the daemon reports healthy again, the API answered throughout."""
    dev = dagster_dev(platform)
    assert dev is not None
    daemon = kill9(platform.child("dagster._daemon run", parent=dev))
    killed_at = time.monotonic()
    platform.wait_for(lambda: dagster_dev(platform) not in (None, dev), "a new dagster dev")
    new_dev = dagster_dev(platform)
    platform.wait_for(
        lambda: platform.child("dagster._daemon run", parent=new_dev) not in (None, daemon), "a new daemon"
    )
    platform.wait_for(platform.ui_answers, "the Dagster UI")
    platform.wait_for(platform.daemon_healthy, "a healthy daemon heartbeat")
    answers = load.between(killed_at, time.monotonic())
    assert answers, "no request was sent while Dagster was down"
    assert {outcome for _, outcome in answers} == {200}, answers
    assert f"dagster (pid {dev}) died unexpectedly" in platform.log.read_text()


def test_killed_dagster_dev_is_restarted_with_nothing_of_its_group_left(
    platform: Platform, load: Load
) -> None:
    """kill -9 of ``dagster dev`` itself: its orphaned webserver, daemon and code servers are stopped,
    a new one serves the UI on the same port and its daemon is healthy; the API answered throughout."""
    dev = kill9(dagster_dev(platform))
    killed_at = time.monotonic()
    platform.wait_for(lambda: dagster_dev(platform) not in (None, dev), "a new dagster dev")

    def old_group_gone() -> bool:
        try:
            os.killpg(dev, 0)
        except ProcessLookupError:
            return True
        return False

    assert old_group_gone(), "the supervisor started a new dagster dev beside the old one's children"
    platform.wait_for(platform.ui_answers, "the Dagster UI")
    platform.wait_for(platform.daemon_healthy, "a healthy daemon heartbeat")
    answers = load.between(killed_at, time.monotonic())
    assert answers, "no request was sent while Dagster was down"
    assert {outcome for _, outcome in answers} == {200}, answers
    assert f"dagster (pid {dev}) died unexpectedly: killed by SIGKILL" in platform.log.read_text()


def test_sigint_after_the_restarts_stops_every_process(platform: Platform) -> None:
    """Ctrl-C still ends it all: the restarted services, the worker's pool, dagster's subprocesses."""
    assert platform.worker_answers()
    platform.proc.send_signal(signal.SIGINT)
    try:
        platform.proc.wait(timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the supervisor did not stop on SIGINT; log tail:\n{platform.log_tail()}")
    assert platform.proc.returncode == 0, platform.log_tail()
    assert b"every service stopped" in platform.log.read_bytes()
    deadline = time.monotonic() + 10
    while processes_with(platform.marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_with(platform.marker) == [], "processes left running"
