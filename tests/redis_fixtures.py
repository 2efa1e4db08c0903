"""Real Redis for tests: the test command's server (own database numbers, flushed), or a private one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.components import missing_component

CACHE_DB = 11  # tests use their own Redis database numbers, flushed around each test
BROKER_DB = 12


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
        deadline = time.monotonic() + 10
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
