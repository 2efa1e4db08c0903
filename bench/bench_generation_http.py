"""HTTP round trip of generations: POST generate-advanced -> SUCCESS, through a running worker.

    .venv/bin/python -m bench.bench_generation_http [--requests 50] [--count 10] [--burst 50] [--flood 500]

Builds and publishes the shipped data in a temp folder, starts one uvicorn worker and the Celery
worker as scripts/run.sh starts it (``celery -A api.celery_app worker -l INFO``: the pool settings
come from api/celery_app.py) on the test command's Redis (databases 13-15, flushed before and
after), then: ``--requests`` generations one after the other, polling every 2 ms until SUCCESS
(target: p50 under 100 ms for 10 grids); 28 submits of ad-hoc windows never asked before, timed
to the 202, each left to finish before the next (target: median under 5 ms); ``--burst``
generations submitted at once from one asyncio
client (bench/lean_http.py: httpx's AsyncClient used more CPU than the server on 2 cores), each
polled every 10 ms (target: p95 submit -> SUCCESS under 300 ms); ``--flood`` at once,
polled every 100 ms, counted by outcome (target: none lost). Baseline in the same run: the round
trip of ``GET /ping`` on the same server. Prints a Markdown table and writes
bench/results/bench_generation_http.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
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
    progress,
    ratio,
    redis_server,
    start_api,
)
from bench.lean_http import LeanHTTP, LeanHTTPError
from config.settings import PROJECT_ROOT

DBS = {"REDIS_URL": 13, "CELERY_BROKER_URL": 14, "CELERY_RESULT_BACKEND": 15}
WORKER_START_S = 120.0
TARGET_P50_S = 0.1
TARGET_BURST_P95_S = 0.3
TARGET_ADHOC_P50_S = 0.005
POLL_S = 0.01
FLOOD_POLL_S = 0.1
FLOOD_DEADLINE_S = 120.0


@dataclass
class Burst:
    """Submit -> final state of each generation of a burst, and how they ended."""

    trips: list[float] = field(default_factory=list)  # ms, successes only
    succeeded: int = 0
    failed: int = 0
    unfinished: int = 0
    wall_s: float = 0.0


async def burst_run(base: str, n: int, count: int, poll_s: float, deadline_s: float = 60.0) -> Burst:
    """``n`` generations submitted at once, each polled every ``poll_s`` until SUCCESS or FAILURE."""
    out = Burst()
    http = LeanHTTP(base, max_connections=min(n, 100))

    async def one(seed: int) -> None:
        t = time.perf_counter()
        try:
            status, body = await http.request(
                "POST", "/api/euromillions/generate-advanced", {"count": count, "seed": seed}
            )
        except LeanHTTPError:
            out.failed += 1
            return
        if status != 202:
            out.failed += 1
            return
        url = body["status_url"]
        while time.perf_counter() - t < deadline_s:
            try:
                state = (await http.request("GET", url))[1]["state"]
            except LeanHTTPError:  # a keep-alive connection the server closed: poll again
                continue
            if state in ("SUCCESS", "FAILURE"):
                if state == "SUCCESS":
                    out.succeeded += 1
                    out.trips.append((time.perf_counter() - t) * 1000)
                else:
                    out.failed += 1
                return
            await asyncio.sleep(poll_s)
        out.unfinished += 1

    started = time.perf_counter()
    await asyncio.gather(*(one(10_000 + i) for i in range(n)))
    out.wall_s = time.perf_counter() - started
    await http.close()
    progress(
        f"{n} at once: {out.succeeded} SUCCESS, {out.failed} other, {out.unfinished} unfinished, "
        f"{out.wall_s:.1f} s"
    )
    return out


def worker_config() -> str:
    """The worker's pool settings, as api.celery_app configures them."""
    from api.celery_app import app

    conf = app.conf
    return (
        f"prefork pool, concurrency {conf.worker_concurrency}, prefetch multiplier "
        f"{conf.worker_prefetch_multiplier}, acks_late {conf.task_acks_late}"
    )


def wait_ready(worker: subprocess.Popen[bytes], log: Path) -> None:
    """Until the Celery worker logs `` ready.``; fails if it exits or takes over WORKER_START_S."""
    deadline = time.monotonic() + WORKER_START_S
    while b" ready." not in log.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)


@dataclass
class Platform:
    """What :func:`generation_platform` runs: the API's base URL, its process, the worker's, its log."""

    base: str
    server: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    log: Path
    redis_url: str


@contextlib.contextmanager
def generation_platform(tmp: Path) -> Iterator[Platform]:
    """A snapshot of the shipped data, a Celery worker started as ``scripts/run.sh`` starts it and one
    uvicorn, on the bench's own Redis databases (flushed before and after). One client sends every
    request, so the per-client rate limit (429) is off."""
    urls = {name: f"{redis_server()}/{db}" for name, db in DBS.items()}
    for url in urls.values():
        redis.Redis.from_url(url).flushdb()
    env = {**os.environ, **urls, "SERVING_DIR": str(build(tmp)), "API_BUDGET_GENERATION_GRIDS": "0"}
    log = tmp / "worker.log"
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "api.celery_app", "worker", "-l", "INFO"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server, base = start_api(env)
    try:
        wait_ready(worker, log)
        yield Platform(base, server, worker, log, urls["REDIS_URL"])
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=10)
        worker.wait(timeout=30)
        for url in urls.values():
            redis.Redis.from_url(url).flushdb()


def main(argv: list[str] | None = None) -> None:
    """Run the round trips and print the percentiles."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--burst", type=int, default=50, help="generations submitted at once (timed)")
    parser.add_argument("--flood", type=int, default=500, help="generations submitted at once (none lost)")
    parser.add_argument("--poll-ms", type=float, default=POLL_S * 1000, help="status polls of the burst")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    if args.requests < 2:
        parser.error("--requests must be at least 2 (percentiles)")
    report = Report.start("bench.bench_generation_http", "Generation over HTTP", args, argv)
    with tempfile.TemporaryDirectory() as tmp, generation_platform(Path(tmp)) as platform:
        base = platform.base
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
        adhoc = []
        for day in range(1, 29):  # windows never asked before: the submit check reads them
            t = time.perf_counter()
            r = http.post(
                "/api/euromillions/generate-advanced",
                json={"count": args.count, "window": {"from": f"2019-02-{day:02d}", "to": "2024-06-30"}},
            )
            adhoc.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 202, r.text
            # untimed: the worker finishes it before the next submit (and before the burst), so
            # the next 202 is not timed against a worker reading this window on the other core
            while (body := http.get(r.json()["status_url"]).json())["state"] not in (
                "SUCCESS",
                "FAILURE",
            ):
                time.sleep(0.002)
            assert body["state"] == "SUCCESS", body
        burst = asyncio.run(burst_run(base, args.burst, args.count, args.poll_ms / 1000))
        flood = asyncio.run(burst_run(base, args.flood, args.count, FLOOD_POLL_S, FLOOD_DEADLINE_S))
    table = report.table(
        Column("case", "left"),
        Column("p50"),
        Column("p95"),
        Column("vs `/ping`"),
        Column("target (p50; p95 for the burst)", "left"),
    )
    base = statistics.median(ping) / 1000
    rows = (
        ("`GET /ping` round trip (baseline)", ping, True),
        (f"POST generate-advanced → SUCCESS, {args.count} grids, polled every 2 ms", trips, True),
        ("of which the task itself (worker-measured)", worker_ms, False),
    )
    rows += (
        (
            f"POST → SUCCESS, {args.burst} submitted at once, {args.count} grids each, polled every "
            f"{args.poll_ms:g} ms",
            burst.trips,
            True,
        ),
        (f"POST of an ad-hoc window never asked before → 202, one at a time ({len(adhoc)})", adhoc, True),
    )
    for case, values, compare in rows:
        p50, p95 = statistics.median(values) / 1000, statistics.quantiles(values, n=20)[18] / 1000
        target = None
        if case.startswith("POST generate-advanced"):
            target = Target.check(p50, "<", Measure(TARGET_P50_S, "s", 0, display="ms"))
        elif case.startswith(f"POST → SUCCESS, {args.burst}"):
            target = Target.check(p95, "<", Measure(TARGET_BURST_P95_S, "s", 0, display="ms"))
        elif case.startswith("POST of an ad-hoc"):
            target = Target.check(p50, "<", Measure(TARGET_ADHOC_P50_S, "s", 0, display="ms"))
        vs = ratio(p50 / base, 0 if values is ping else None) if compare else None
        table.add(case, ms(p50), ms(p95), vs, target)
    lost = args.flood - flood.succeeded
    report.figure(
        f"{args.flood} submitted at once: SUCCESS {flood.succeeded}, other outcomes {flood.failed}, "
        f"no answer within {FLOOD_DEADLINE_S:.0f} s {flood.unfinished}; all done in",
        Measure(flood.wall_s, "s", 1, display="s"),
    )
    report.figure(
        f"{args.flood} at once: lost (submitted, never SUCCESS)",
        Measure(lost, "n", 0, target=Target.check(lost, "≤", Measure(0, "n", 0))),
    )
    report.figure(f"{args.flood} at once: submit → SUCCESS p50", ms(statistics.median(flood.trips) / 1000))
    report.notes.append(
        f"{args.requests} generations of {args.count} EuroMillions grids one after the other (3 more "
        f"before them warm the worker up), then {args.burst} and {args.flood} submitted at once from one "
        f"asyncio client; one uvicorn worker and the Celery worker as `scripts/run.sh` starts it "
        f"(`celery -A api.celery_app worker`: {worker_config()})."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
