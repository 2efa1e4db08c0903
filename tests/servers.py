"""A real uvicorn serving the app as the main command starts it (``python -m api.server``), for the
tests that talk to it over HTTP or through a browser."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.redis_fixtures import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def uvicorn(env: dict[str, str], log: Path | None = None, ready_s: float = 30.0) -> Iterator[str]:
    """``python -m api.server`` on a free port with ``env``; yields its base URL once ``/ping`` answers,
    and stops it afterwards."""
    port = free_port()
    out = log.open("wb") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.server", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_s
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/ping", timeout=1)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    raise RuntimeError(f"uvicorn exited ({proc.returncode})") from None
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if log is not None:
            out.close()  # type: ignore[union-attr]
