"""Real Redis for tests: the test command's server (own database numbers, flushed), or a private one.

Under pytest-xdist every worker starts a redis-server of its own (``start_worker_redis``, called from
``tests/conftest.py``) and points ``REDIS_URL`` at it, so the fixed database numbers below never meet
another worker's, in this process or in the subprocesses (uvicorn, Celery, Dagster) that inherit it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.components import missing_component

CACHE_DB = 11  # tests use their own Redis database numbers, flushed around each test
BROKER_DB = 12
RESULTS_DB = 14  # Celery results of the tests that run a worker


def redis_server_url() -> str:
    """``redis://host:port`` of the Redis the test command made sure answers (REDIS_URL)."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return url.rsplit("/", 1)[0] if url.rsplit("/", 1)[-1].isdigit() else url


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A flushed Redis database for the cache (flushed again afterwards)."""
    url = f"{redis_server_url()}/{CACHE_DB}"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:  # pragma: no cover - scripts/test.sh starts one
        pytest.fail(f"no Redis answers at {url} ({exc}); run the tests with scripts/test.sh")
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A redis-server process of the test's own, which the test can stop and start again."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its cache database."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it and wait until it answers."""
        binary = shutil.which("redis-server")
        if binary is None:
            missing_component("redis-server is not installed: cannot stop and restart a private Redis")
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        """Stop it (SIGTERM) and wait for the process to end."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A running private Redis, stopped at the end."""
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the redis-server gets SIGTERM when the pytest worker that started it dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class WorkerRedis:
    """The redis-server of one pytest-xdist worker: its own port and folder, for the whole session."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, workdir: Path) -> None:
        self.proc = proc
        self.port = port
        self.workdir = workdir

    @property
    def url(self) -> str:
        """Database 0 of it (the tests pick their own database numbers from it)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        """Stop it and remove its folder."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_worker_redis(worker: str, ready_s: float = 60.0) -> WorkerRedis:
    """Start a redis-server for xdist worker ``worker`` on a free port; return once it answers.

    Retries on another port if the one picked was taken in between (another worker's process)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("parallel tests need redis-server (apt-get install redis-server); or use -n 0")
    workdir = Path(tempfile.mkdtemp(prefix=f"lotostats-redis-{worker}-"))
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir), "--logfile", str(workdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent,
        )  # fmt: skip
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + ready_s
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                if int(client.info("server")["process_id"]) == proc.pid:  # ours, not one on a reused port
                    client.close()
                    return WorkerRedis(proc, port, workdir)
            except redis.ConnectionError:
                pass
            time.sleep(0.05)
        client.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
    raise RuntimeError(f"redis-server for worker {worker} did not start (see {workdir / 'redis.log'})")
