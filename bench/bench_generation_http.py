"""HTTP round trip of a small generation: POST generate-advanced -> SUCCESS, through a running worker.

    .venv/bin/python -m bench.bench_generation_http [--requests 50] [--count 10]

Builds and publishes the shipped data in a temp folder, starts one uvicorn worker and one Celery
worker (prefork, concurrency 1) on the test command's Redis (databases 13-15, flushed before and
after), then submits ``--requests`` generations one after the other, polling the status URL every
2 ms until SUCCESS. Baseline in the same run: the round trip of ``GET /ping`` on the same server.
Target: p50 under 100 ms for 10 grids.
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

from bench.common import BIN, build, redis_server, start_api
from warehouse.settings import PROJECT_ROOT

DBS = {"REDIS_URL": 13, "CELERY_BROKER_URL": 14, "CELERY_RESULT_BACKEND": 15}


def main() -> None:
    """Run the round trips and print the percentiles."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    urls = {name: f"{redis_server()}/{db}" for name, db in DBS.items()}
    for url in urls.values():
        redis.Redis.from_url(url).flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **urls, "SERVING_DIR": str(build(Path(tmp)))}
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
            while b" ready." not in log.read_bytes():
                time.sleep(0.1)
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
    q = statistics.quantiles(trips, n=20)
    print(f"{args.requests} generations of {args.count} EuroMillions grids, one after the other")
    print(f"GET /ping round trip (baseline): p50 {statistics.median(ping):.2f} ms")
    print(
        f"submit -> SUCCESS round trip:     p50 {statistics.median(trips):.1f} ms, p95 {q[18]:.1f} ms "
        f"(target p50 < 100 ms); {statistics.median(trips) / statistics.median(ping):.0f}x /ping"
    )
    print(f"  of which the task itself (worker-measured): p50 {statistics.median(worker_ms):.1f} ms")


if __name__ == "__main__":
    main()
