"""Load test of the cached API next to a constant endpoint of the same app, in the same run.

    .venv/bin/python -m bench.bench_api [--duration 10] [--connections 32]

Builds a warehouse and serving snapshot from the shipped data in a temp folder, warms the cache
(the test command's Redis, database 13, flushed before and after), starts one uvicorn worker on
127.0.0.1, then runs ``wrk`` (Debian package ``wrk``) against ``/ping`` (constant bytes: the
baseline) and ``/api/euromillions/quick-stats?year=2025`` (cached). Also times cache misses (ad-hoc
date windows, never cached before) one by one. Every load is bounded in time and stays on loopback.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import redis

from bench.common import build, redis_server, start_api
from warehouse import cache
from warehouse.serving import precomputed_entries
from warehouse.settings import Settings

BENCH_DB = 13


def wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    """Requests/s and latency percentiles from one wrk run."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non2xx": float(errors.group(1)) if errors else 0.0}


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    redis_url = f"{redis_server()}/{BENCH_DB}"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        serving = build(Path(tmp))
        settings = Settings(serving_dir=serving, redis_url=redis_url)
        cache.warm(client, precomputed_entries(serving, settings))
        env = {**os.environ, "SERVING_DIR": str(serving), "REDIS_URL": redis_url}
        server, url = start_api(env)
        try:
            quick = f"{url}/api/euromillions/quick-stats?year=2025"
            assert httpx.get(quick).headers["x-cache"] == "HIT"
            wrk(f"{url}/ping", 2, args.connections)  # warm-up
            bare = wrk(f"{url}/ping", args.duration, args.connections)
            cached = wrk(quick, args.duration, args.connections)
            misses = []
            with httpx.Client(base_url=url) as http:
                for day in range(1, 29):
                    started = time.perf_counter()
                    r = http.get(
                        "/api/euromillions/stats", params={"from": f"2019-02-{day:02d}", "to": "2024-06-30"}
                    )
                    misses.append((time.perf_counter() - started) * 1000)
                    assert r.headers["x-cache"] == "MISS", r.headers
                quick_misses = []
                client.delete(*client.keys("lotostats:v2:loto:quick:*"))  # un-warm Loto's quick stats
                for year in range(2009, 2026):
                    started = time.perf_counter()
                    r = http.get("/api/loto/quick-stats", params={"year": year})
                    quick_misses.append((time.perf_counter() - started) * 1000)
                    assert r.headers["x-cache"] == "MISS", r.headers
        finally:
            server.terminate()
            server.wait(timeout=10)
            client.flushdb()
    print(f"wrk -t2 -c{args.connections} -d{args.duration}s, one uvicorn worker, 127.0.0.1")
    print(f"{'endpoint':<44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, r in (
        ("/ping (constant bytes, baseline)", bare),
        ("quick-stats?year=2025 (cached, HIT)", cached),
    ):
        print(f"{name:<44} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['non2xx']:>8.0f}")
    print(f"throughput ratio cached / baseline: {cached['rps'] / bare['rps']:.0%}  (target >= 70%)")
    print(f"p99 ratio cached / baseline: {cached['p99'] / bare['p99']:.2f}x  (target <= 1.5x)")
    full_miss, quick_miss = statistics.median(misses), statistics.median(quick_misses)
    print(f"full-stats miss, ad-hoc window (computed from the snapshot): median {full_miss:.1f} ms, ", end="")
    print(f"max {max(misses):.1f} ms over {len(misses)}  (target < 50 ms)")
    print(f"quick-stats miss, precomputed payload read from the snapshot: median {quick_miss:.1f} ms")


if __name__ == "__main__":
    main()
