"""Shared set-up for the benchmarks that run the platform's processes on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import httpx

from lottery.games import Game
from lottery.stats.engine import DrawSet
from lottery.stats.models import StatsFilter
from warehouse.ingest import ingest_game
from warehouse.serving import publish
from warehouse.settings import PROJECT_ROOT
from warehouse.snapshots import write_snapshot
from warehouse.statistics import load_window

BIN = Path(sys.executable).parent


def build(root: Path) -> Path:
    """Warehouse, today's statistics and a published snapshot from the shipped data; the serving folder."""
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    for game in Game:
        ingest_game(con, game, str(PROJECT_ROOT / "data" / "fdj"))
        write_snapshot(con, game, date.today())
    publish(con, root / "serving")
    con.close()
    return root / "serving"


def redis_server() -> str:
    """``redis://host:port`` of REDIS_URL (the benchmarks pick their own database numbers)."""
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_api(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """One uvicorn worker on a free port; returns the process and its base URL once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=PROJECT_ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{url}/ping", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("uvicorn did not start")


def median_s(fn: Callable[[], object], repeat: int, warmup: bool = True) -> float:
    """Median seconds of ``repeat`` calls (after one untimed call when ``warmup``)."""
    if warmup:
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def shipped_draws(source: str, game: Game = Game.EUROMILLIONS) -> DrawSet:
    """Every main-formula draw of ``game`` in ``source``, through a throw-away warehouse."""
    with tempfile.TemporaryDirectory() as tmp, duckdb.connect(str(Path(tmp) / "bench.duckdb")) as con:
        result = ingest_game(con, game, source)
        if result.failed:
            raise SystemExit(f"ingest failed: {[f.error for f in result.failed]}")
        return load_window(con, game, StatsFilter())
