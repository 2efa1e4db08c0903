"""A real Celery worker process for the generation tests (solo pool, its own queue and databases)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.redis_fixtures import BROKER_DB, RESULTS_DB, redis_server_url
from tests.serving_fixtures import Published

BIN = Path(sys.executable).parent
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """``celery -A api.celery_app worker`` on one queue, as a subprocess (group) we can kill.

    ``pool`` is ``solo`` (one process) or ``prefork`` with ``concurrency`` children.
    """

    def __init__(self, settings: Settings, log: Path, pool: str = "solo", concurrency: int = 1) -> None:
        self.settings = settings
        self.log = log
        self.pool = pool
        self.concurrency = concurrency
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it says it is ready."""
        env = {
            **os.environ,
            "REDIS_URL": self.settings.redis_url,
            "CELERY_BROKER_URL": self.settings.celery_broker_url,
            "CELERY_RESULT_BACKEND": self.settings.celery_result_backend,
            "CELERY_QUEUE": self.settings.celery_queue,
            "SERVING_DIR": str(self.settings.serving_dir),
            "JOB_HEARTBEAT_TIMEOUT_S": str(self.settings.job_heartbeat_timeout_s),
            "JOB_QUEUE_TIMEOUT_S": str(self.settings.job_queue_timeout_s),
            "CELERY_VISIBILITY_TIMEOUT_S": str(self.settings.celery_visibility_timeout_s),
            "CACHE_TTL_GENERATION_S": str(self.settings.cache_ttl_generation_s),
            "TASK_TIME_LIMIT_S": str(self.settings.task_time_limit_s),
        }
        out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "api.celery_app",
                "worker",
                "-Q",
                self.settings.celery_queue,
                f"--pool={self.pool}",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{uuid.uuid4().hex[:6]}@%h",
                "-l",
                "INFO",
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the pool's children too
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b" ready." in self.log.read_bytes():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready in 60 s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL to every process of the worker: it dies mid-task without a chance to report."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def pause(self) -> None:
        """SIGSTOP to every process of the worker: frozen where it is (then ``kill`` it)."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT: a paused worker goes on where it was."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGCONT)

    def log_text(self) -> str:
        """What the worker logged so far."""
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """Warm shutdown (SIGTERM) if it still runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def generation_settings(published: Published, redis_url: str, queue: str, **extra: object) -> Settings:
    """Settings for the API and the worker of one test: own queue, broker, results and cache databases."""
    server = redis_server_url()
    for db in (BROKER_DB, RESULTS_DB):
        redis.Redis.from_url(f"{server}/{db}").flushdb()
    return Settings(
        serving_dir=published.serving_dir,
        redis_url=redis_url,
        celery_broker_url=f"{server}/{BROKER_DB}",
        celery_result_backend=f"{server}/{RESULTS_DB}",
        celery_queue=queue,
        **extra,
    )


@pytest.fixture
def gen_settings(published: Published, redis_url: str) -> Settings:
    """Settings with a fresh queue."""
    return generation_settings(published, redis_url, f"lotostats.test.{uuid.uuid4().hex[:8]}")


@pytest.fixture
def worker(gen_settings: Settings, tmp_path: Path) -> Iterator[Worker]:
    """A running worker on the test's queue."""
    w = Worker(gen_settings, tmp_path / "worker.log")
    w.start()
    yield w
    w.stop()


@pytest.fixture
def api(gen_settings: Settings) -> Iterator[TestClient]:
    """The app, talking to the same broker, results and job store as the worker."""
    with TestClient(create_app(gen_settings)) as client:
        yield client
