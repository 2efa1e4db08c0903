"""HTTP round trip of a small generation: POST generate-advanced -> SUCCESS, through a running worker.

    .venv/bin/python -m bench.bench_generation_http [--requests 50] [--count 10]

Builds and publishes the shipped data in a temp folder, starts one uvicorn worker and one Celery
worker (prefork, concurrency 1) on the test command's Redis (databases 13-15, flushed before and
after), then submits ``--requests`` generations one after the other, polling the status URL every
2 ms until SUCCESS. Baseline in the same run: the round trip of ``GET /ping`` on the same server.
Target: p50 under 100 ms for 10 grids. Prints a Markdown table and writes
bench/results/bench_generation_http.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import redis

from bench.common import (
    BIN,
    Column,
    Measure,
    Report,
    Target,
    add_results_argument,
    build,
    ms,
    ratio,
    redis_server,
    start_api,
)
from config.settings import PROJECT_ROOT

DBS = {"REDIS_URL": 13, "CELERY_BROKER_URL": 14, "CELERY_RESULT_BACKEND": 15}
WORKER_START_S = 120.0
TARGET_P50_S = 0.1


def wait_ready(worker: subprocess.Popen[bytes], log: Path) -> None:
    """Until the Celery worker logs `` ready.``; fails if it exits or takes over WORKER_START_S."""
    deadline = time.monotonic() + WORKER_START_S
    while b" ready." not in log.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> None:
    """Run the round trips and print the percentiles."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--count", type=int, default=10)
    add_results_argument(parser)
    args = parser.parse_args(argv)
    if args.requests < 2:
        parser.error("--requests must be at least 2 (percentiles)")
    report = Report.start("bench.bench_generation_http", "Generation over HTTP", args, argv)
    urls = {name: f"{redis_server()}/{db}" for name, db in DBS.items()}
    for url in urls.values():
        redis.Redis.from_url(url).flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        # One client sends every request: the per-client rate limit (429) is off for the bench.
        env = {**os.environ, **urls, "SERVING_DIR": str(build(Path(tmp))), "RATE_LIMIT_GENERATION": "0"}
        log = Path(tmp) / "worker.log"
        worker = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "api.celery_app",
                "worker",
                "--concurrency=1",
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        server, base = start_api(env)
        try:
            wait_ready(worker, log)
            http = httpx.Client(base_url=base)
            ping, trips, worker_ms = [], [], []
            for i in range(args.requests + 3):
                t = time.perf_counter()
                http.get("/ping")
                ping.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                status_url = http.post(
                    "/api/euromillions/generate-advanced", json={"count": args.count, "seed": i}
                ).json()["status_url"]
                while (body := http.get(status_url).json())["state"] not in ("SUCCESS", "FAILURE"):
                    time.sleep(0.002)
                elapsed = (time.perf_counter() - t) * 1000
                assert body["state"] == "SUCCESS", body
                if i >= 3:  # the first requests warm the worker up
                    trips.append(elapsed)
                    worker_ms.append(body["result"]["duration_ms"])
        finally:
            server.terminate()
            worker.terminate()
            server.wait(timeout=10)
            worker.wait(timeout=30)
            for url in urls.values():
                redis.Redis.from_url(url).flushdb()
    table = report.table(
        Column("case", "left"),
        Column("p50"),
        Column("p95"),
        Column("vs `/ping`"),
        Column("target (p50)", "left"),
    )
    base = statistics.median(ping) / 1000
    rows = (
        ("`GET /ping` round trip (baseline)", ping, True),
        (f"POST generate-advanced → SUCCESS, {args.count} grids, polled every 2 ms", trips, True),
        ("of which the task itself (worker-measured)", worker_ms, False),
    )
    for case, values, compare in rows:
        p50, p95 = statistics.median(values) / 1000, statistics.quantiles(values, n=20)[18] / 1000
        target = None
        if case.startswith("POST"):
            target = Target.check(p50, "<", Measure(TARGET_P50_S, "s", 0, display="ms"))
        vs = ratio(p50 / base, 0 if values is ping else None) if compare else None
        table.add(case, ms(p50), ms(p95), vs, target)
    report.notes.append(
        f"{args.requests} generations of {args.count} EuroMillions grids one after the other (3 more "
        "before them warm the worker up), one uvicorn worker and one Celery worker (prefork, concurrency 1)."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
