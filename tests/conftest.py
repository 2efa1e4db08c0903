"""Shared fixtures: FDJ excerpts, the shipped data, DuckDB warehouses in tmp_path, a local HTTP server.

Also the parallel run (pytest-xdist, ``scripts/test.sh`` passes ``-n``): each worker gets a redis-server
of its own, the slow tests are handed out first, and the ``serial`` ones share one worker.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from lottery.games import Game
from tests.components import under_ci
from warehouse.ingest import IngestResult, ingest_game

if TYPE_CHECKING:
    from tests.redis_fixtures import WorkerRedis

pytest_plugins = ["tests.redis_fixtures", "tests.serving_fixtures"]

# Started before the rest in a parallel run: the longest end-to-end tests, so none is left for last.
LONGEST_FIRST = (
    "tests/e2e/",
    "tests/web/",
    "tests/pipelines/test_history_cli.py",
    "tests/pipelines/test_cli.py",
)
# Fixtures that start processes or services: a test using one is slow (out of `-m "not slow"`).
PROCESS_FIXTURES = frozenset({"worker", "private_redis", "platform", "fdj"})
_worker_redis: WorkerRedis | None = None
_reports_dir: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Parallel run: the controller checks redis-server is there; each worker starts its own and points
    REDIS_URL at it (before any test module is imported), so workers never share a database."""
    global _worker_redis, _reports_dir
    # Weekly reports that a materialisation writes without REPORTS_DIR go here, not to the project's reports/.
    _reports_dir = Path(tempfile.mkdtemp(prefix="lotostats-test-reports-"))
    os.environ["REPORTS_DIR"] = str(_reports_dir)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        if (getattr(config.option, "numprocesses", None) or 0) and shutil.which("redis-server") is None:
            raise pytest.UsageError("parallel tests (-n) need redis-server on PATH; install it or use -n 0")
        return
    from tests.redis_fixtures import start_worker_redis  # after pytest_plugins: asserts rewritten

    _worker_redis = start_worker_redis(worker)
    os.environ["REDIS_URL"] = _worker_redis.url


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the worker's redis-server; remove the session's reports folder."""
    global _worker_redis, _reports_dir
    if _reports_dir is not None:
        shutil.rmtree(_reports_dir, ignore_errors=True)
        _reports_dir = None
    if _worker_redis is not None:
        _worker_redis.stop()
        _worker_redis = None


def _uses_a_module_fixture(item: pytest.Item) -> bool:
    """Whether the test takes a module-scoped fixture (a platform, a warehouse built for the module)."""
    info = getattr(item, "_fixtureinfo", None)  # pytest's own record of the test's fixtures
    if info is None:
        return False
    return any(defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values())


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that start processes are slow; serial tests go to one worker; in a parallel run the slow
    tests come first (the longest first)."""
    for item in items:
        if PROCESS_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("serial") is not None:
            item.add_marker(pytest.mark.xdist_group("serial"))
        elif _uses_a_module_fixture(item):  # built once, on one worker, not once per worker
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))  # type: ignore[attr-defined]
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return

    def rank(item: pytest.Item) -> int:
        if item.nodeid.startswith(LONGEST_FIRST):
            return 0
        return 1 if item.get_closest_marker("slow") is not None else 2

    items.sort(key=rank)  # stable: the collection order within each rank


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under CI=true a skipped test is a failed one: CI green must mean every path ran."""
    outcome = yield
    report = outcome.get_result()
    if under_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which counts as a failure: {reason}"


TESTS = Path(__file__).resolve().parent
PROJECT_ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures" / "fdj"
SHIPPED = PROJECT_ROOT / "data" / "fdj"

# Where each FDJ period file lives, relative to data/fdj/ and tests/fixtures/fdj/.
EM_FILES = tuple(
    f"euromillions/{n}"
    for n in (
        "euromillions.csv",
        "euromillions_2.csv",
        "euromillions_3.csv",
        "euromillions_4.csv",
        "euromillions_201902.csv",
        "euromillions_202002.csv",
    )
)
LOTO_FILES = tuple(
    f"loto/{n}"
    for n in (
        "loto.csv",
        "nouveau_loto.csv",
        "loto2017.csv",
        "loto_201902.csv",
        "loto_201911.csv",
        "snapshot_2024-07/loto_201911.csv",
    )
)


def fixture_bytes(rel: str) -> bytes:
    """The bytes of one excerpt under tests/fixtures/fdj/."""
    return (FIXTURES / rel).read_bytes()


def shipped_bytes(rel: str) -> bytes:
    """The bytes of one shipped FDJ file under data/fdj/."""
    return (SHIPPED / rel).read_bytes()


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/fdj/ (tests add or break files in it)."""
    target = tmp_path / "fdj"
    shutil.copytree(FIXTURES, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to an empty warehouse file in tmp_path."""
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


@dataclass(frozen=True)
class ShippedWarehouse:
    """A warehouse built from data/fdj by two identical ingests of both games."""

    path: Path
    first: dict[Game, IngestResult]
    second: dict[Game, IngestResult]

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection (tests only look)."""
        return duckdb.connect(str(self.path), read_only=True)


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory: pytest.TempPathFactory) -> ShippedWarehouse:
    """Ingest the shipped data twice into one warehouse (built once per test session)."""
    path = tmp_path_factory.mktemp("shipped") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        first = {g: ingest_game(connection, g, str(SHIPPED), run_id=f"first-{g}") for g in Game}
        second = {g: ingest_game(connection, g, str(SHIPPED), run_id=f"second-{g}") for g in Game}
    return ShippedWarehouse(path=path, first=first, second=second)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@dataclass(frozen=True)
class LocalServer:
    """A real HTTP server on 127.0.0.1 serving ``root``."""

    root: Path
    base_url: str

    def url(self, name: str) -> str:
        """The URL of a file under ``root``."""
        return f"{self.base_url}/{name}"


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Downloads from 127.0.0.1 go straight there, whatever proxy the environment sets."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def http_server(tmp_path: Path, no_proxy: None) -> Iterator[LocalServer]:
    """Serve tmp_path/www over HTTP on 127.0.0.1, on an ephemeral port."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LocalServer(root=root, base_url=f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
