"""Load test of the cached API next to a constant endpoint of the same app, in the same run.

    .venv/bin/python -m bench.bench_api [--duration 10] [--connections 32]

Builds a warehouse and serving snapshot from the shipped data in a temp folder, warms the cache
(the test command's Redis, database 13, flushed before and after), starts one uvicorn worker on
127.0.0.1, then runs ``wrk`` (Debian package ``wrk``) against ``/ping`` (constant bytes: the
baseline) and ``/api/euromillions/quick-stats?year=2025`` (cached). Also times cache misses (ad-hoc
date windows, never cached before) one by one. Every load is bounded in time and stays on loopback.
Prints the README's table and writes bench/results/bench_api.json (see bench.common.Report).
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

from bench.common import (
    Column,
    Measure,
    Report,
    Target,
    add_results_argument,
    build,
    ms,
    progress,
    ratio,
    redis_server,
    start_api,
)
from config.settings import Settings
from serving import cache
from serving.snapshot import precomputed_entries

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


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    add_results_argument(parser)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: on Debian/Ubuntu `sudo apt-get install -y wrk` (package wrk)")
    report = Report.start("bench.bench_api", "API", args, argv)
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
    progress(f"wrk -t2 -c{args.connections} -d{args.duration}s done")
    tables(report, bare, cached, args)
    limit = Measure(0.05, "s", 0, display="ms")
    full_miss, quick_miss = statistics.median(misses) / 1000, statistics.median(quick_misses) / 1000
    later = max(misses[1:]) / 1000
    report.figure(
        f"full-stats miss, ad-hoc window (computed from the snapshot, then stored), median of {len(misses)}",
        ms(full_miss, 1, target=Target.check(full_miss, "<", limit)),
    )
    report.figure("the first of them, just after start-up (cold code paths)", ms(misses[0] / 1000, 1))
    report.figure("the slowest of the others", ms(later, 1, target=Target.check(later, "<", limit)))
    report.figure(
        f"quick-stats miss, precomputed payload read from the snapshot, median of {len(quick_misses)}",
        ms(quick_miss, 1, target=Target.check(quick_miss, "<", limit)),
    )
    report.finish(args.results_dir)


def tables(
    report: Report, bare: dict[str, float], cached: dict[str, float], args: argparse.Namespace
) -> None:
    """The README's table: req/s and latency of /ping and of a cached hit, and their ratios."""
    report.notes.append(
        f"`wrk -t2 -c{args.connections} -d{args.duration}s --latency`, one uvicorn worker, 127.0.0.1; "
        f"non-2xx responses: {bare['non2xx']:.0f} on `/ping`, {cached['non2xx']:.0f} on quick-stats."
    )
    table = report.table(Column("endpoint", "left"), Column("req/s"), Column("p50"), Column("p99"))
    for name, r in (
        ("`/ping` (baseline)", bare),
        ("`/api/euromillions/quick-stats?year=2025` (HIT)", cached),
    ):
        table.add(name, Measure(r["rps"], "req/s", 0), ms(r["p50"] / 1000, 2), ms(r["p99"] / 1000, 2))
    throughput = 100 * cached["rps"] / bare["rps"]
    p99 = cached["p99"] / bare["p99"]
    table.add(
        "ratio",
        Measure(throughput, "%", 0, bold=True, target=Target.check(throughput, "≥", Measure(70, "%", 0))),
        None,
        ratio(p99, 2, bold=True, target=Target.check(p99, "≤", ratio(1.5, 1))),
    )


if __name__ == "__main__":
    main()
