"""Load test of the cached API against its floor: a bare ASGI app serving the same bytes.

    .venv/bin/python -m bench.bench_api [--duration 5] [--connections 32] [--rounds 3]

Builds a warehouse and serving snapshot from the shipped data in a temp folder, warms the cache
(the test command's Redis, database 13, flushed before and after), times cache misses (ad-hoc date
windows, never cached before) one by one on one uvicorn worker, then, with 1 and then 2 uvicorn
workers, runs ``wrk`` (Debian package ``wrk``: ``apt-get install -y wrk``; the bench exits saying
so when it is missing), in rounds, in turn against the floor (``bench/floor_app.py``: the cached
quick-stats and full-stats bodies with the API's headers, nothing else) and against ``/ping``,
cached quick stats and cached full stats of the API (all up at once). Every load is bounded in time
and stays on loopback. Prints the README's table and writes bench/results/bench_api.json (see
bench.common.Report).
"""

from __future__ import annotations

import argparse
import json
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


QUICK = "/api/euromillions/quick-stats?year=2025"
FULL = "/api/euromillions/stats?year=2025"


SERVER_HEADERS = frozenset({"date", "server"})  # uvicorn adds them to every answer, the floor's too


def hit_answer(url: str) -> tuple[bytes, list[tuple[str, str]]]:
    """The body and headers (but uvicorn's own) of a cached answer, asked until the in-process
    layer answers it."""
    for _ in range(5):
        r = httpx.get(url)
        if r.headers["x-cache"] == "HIT":
            return r.content, [(k, v) for k, v in r.headers.items() if k not in SERVER_HEADERS]
    raise AssertionError(f"{url} is not a HIT: {r.headers}")


def median_run(results: list[dict[str, float]]) -> dict[str, float]:
    """Per figure, the median over the rounds."""
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def interleaved_runs(
    env: dict[str, str],
    answers: dict[str, tuple[bytes, list[tuple[str, str]]]],
    tmp: Path,
    workers: int,
    args: argparse.Namespace,
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """The API and one floor per answer (bench.floor_app: the same body and headers), ``workers``
    processes each, all up at once; wrk against each in turn, ``--rounds`` times, so the machine's
    load falls on both alike."""
    servers = []
    try:
        floors = {}
        for name, (body, headers) in answers.items():
            path, headers_path = tmp / f"floor-{name}.json", tmp / f"floor-{name}-headers.json"
            path.write_bytes(body)
            headers_path.write_text(json.dumps(headers))
            floor_env = {**env, "FLOOR_BODY": str(path), "FLOOR_HEADERS": str(headers_path)}
            proc, url = start_api(floor_env, "bench.floor_app:app", workers)
            servers.append(proc)
            floors[name] = url + "/"
        proc, url = start_api(env, workers=workers)
        servers.append(proc)
        api = {"ping": url + "/ping", "quick": url + QUICK, "full": url + FULL}
        for path in (QUICK, FULL):
            for _ in range(20):  # every process fills its in-process layer
                httpx.get(url + path)
        targets = [("api", "ping")] + [(side, name) for name in answers for side in ("floor", "api")]
        for side, name in targets:  # warm-up
            wrk((floors if side == "floor" else api)[name], 2, args.connections)
        results: dict[tuple[str, str], list[dict[str, float]]] = {t: [] for t in targets}
        for _ in range(args.rounds):
            for side, name in targets:
                results[(side, name)].append(
                    wrk((floors if side == "floor" else api)[name], args.duration, args.connections)
                )
        runs = {name: median_run(results[("api", name)]) for side, name in targets if side == "api"}
        floor = {name: median_run(results[("floor", name)]) for name in answers}
        return runs, floor
    finally:
        for proc in servers:
            proc.terminate()
        for proc in servers:
            proc.wait(timeout=20)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per endpoint, interleaved")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: on Debian/Ubuntu `sudo apt-get install -y wrk` (package wrk)")
    report = Report.start("bench.bench_api", "API", args, argv)
    redis_url = f"{redis_server()}/{BENCH_DB}"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    runs: dict[int, dict[str, dict[str, float]]] = {}
    floors: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        serving = build(Path(tmp))
        settings = Settings(serving_dir=serving, redis_url=redis_url)
        cache.warm(client, precomputed_entries(serving, settings))
        env = {**os.environ, "SERVING_DIR": str(serving), "REDIS_URL": redis_url}
        server, url = start_api(env)
        try:
            answers = {"quick": hit_answer(url + QUICK), "full": hit_answer(url + FULL)}
            misses, quick_misses = miss_times(client, url)
        finally:
            server.terminate()
            server.wait(timeout=10)
        try:
            for workers in (1, 2):
                progress(f"{workers} worker(s): the floors and the API, {args.rounds} rounds")
                runs[workers], floors[workers] = interleaved_runs(env, answers, Path(tmp), workers, args)
        finally:
            client.flushdb()
    progress(f"wrk -t2 -c{args.connections} -d{args.duration}s done")
    tables(report, runs, floors, {name: body for name, (body, _) in answers.items()}, args)
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


def miss_times(client: redis.Redis, url: str) -> tuple[list[float], list[float]]:
    """Milliseconds of full-stats misses on ad-hoc windows and of quick-stats misses, one by one."""
    misses = []
    with httpx.Client(base_url=url) as http:
        for day in range(1, 29):
            started = time.perf_counter()
            r = http.get("/api/euromillions/stats", params={"from": f"2019-02-{day:02d}", "to": "2024-06-30"})
            misses.append((time.perf_counter() - started) * 1000)
            assert r.headers["x-cache"] == "MISS", r.headers
        quick_misses = []
        client.delete(*client.keys("lotostats:v2:loto:quick:*"))  # un-warm Loto's quick stats
        for year in range(2009, 2026):
            started = time.perf_counter()
            r = http.get("/api/loto/quick-stats", params={"year": year})
            quick_misses.append((time.perf_counter() - started) * 1000)
            assert r.headers["x-cache"] == "MISS", r.headers
    return misses, quick_misses


def tables(
    report: Report,
    runs: dict[int, dict[str, dict[str, float]]],
    floors: dict[int, dict[str, dict[str, float]]],
    bodies: dict[str, bytes],
    args: argparse.Namespace,
) -> None:
    """The README's table: req/s and latency of the floor, /ping and the cached hits, and the ratios."""
    non2xx = sum(r["non2xx"] for w in (runs, floors) for by in w.values() for r in by.values())
    report.notes.append(
        f"`wrk -t2 -c{args.connections} -d{args.duration}s --latency`, 127.0.0.1, the same uvicorn for "
        f"all, medians of {args.rounds} rounds run in turn against each server; the floor is "
        f"`bench/floor_app.py` (a bare ASGI app returning the same bytes with the same headers, "
        "the security headers included: "
        f"{len(bodies['quick']):,} B quick, {len(bodies['full']):,} B full); non-2xx responses: "
        f"{non2xx:.0f}."
    )
    table = report.table(
        Column("uvicorn workers", "left"),
        Column("endpoint", "left"),
        Column("req/s"),
        Column("p50"),
        Column("p99"),
        Column("req/s vs floor"),
        Column("p99 vs floor"),
    )
    for workers in sorted(runs):
        api, floor = runs[workers], floors[workers]
        table.add(
            str(workers),
            "`/ping` (through FastAPI)",
            Measure(api["ping"]["rps"], "req/s", 0),
            ms(api["ping"]["p50"] / 1000, 2),
            ms(api["ping"]["p99"] / 1000, 2),
            Measure(100 * api["ping"]["rps"] / floor["quick"]["rps"], "%", 0),
            None,
        )
        for name, label in (("quick", QUICK), ("full", FULL)):
            f, r = floor[name], api[name]
            table.add(
                str(workers),
                f"floor: bare ASGI, the {name} body",
                Measure(f["rps"], "req/s", 0),
                ms(f["p50"] / 1000, 2),
                ms(f["p99"] / 1000, 2),
                Measure(100, "%", 0),
                ratio(1, 0),
            )
            share, p99 = 100 * r["rps"] / f["rps"], r["p99"] / f["p99"]
            table.add(
                str(workers),
                f"`{label}` (HIT)",
                Measure(r["rps"], "req/s", 0),
                ms(r["p50"] / 1000, 2),
                ms(r["p99"] / 1000, 2),
                Measure(share, "%", 0, bold=True, target=Target.check(share, "≥", Measure(50, "%", 0))),
                ratio(p99, 2, bold=True, target=Target.check(p99, "≤", ratio(2, 0))),
            )


if __name__ == "__main__":
    main()
