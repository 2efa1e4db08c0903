"""Where a burst of generations spends its time: one timeline per task, and CPU per process.

    .venv/bin/python -m bench.trace_generation_burst [--burst 50] [--count 10] [--poll-ms 10]

Starts the API and the Celery worker as bench/bench_generation_http.py does (same Redis databases,
flushed), warms them with 5 generations one after the other, then submits ``--burst`` generations
at once (bench/lean_http.py), each polled every ``--poll-ms`` until SUCCESS. Per task: the client's
submit and 202, the worker's "received" and "succeeded" log lines (and Celery's runtime), the
SUCCESS the client saw; the medians of each step, and the CPU time each process used during the
burst (``/proc/<pid>/stat``). Nothing in the code under test is instrumented.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx
import redis

from bench.bench_generation_http import generation_platform
from bench.lean_http import LeanHTTP

LOG_LINE = re.compile(r"\[(\S+ \S+): INFO/\S+\] Task \S+\[([0-9a-f-]+)\] (received|succeeded in (\S+)s)")
TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_S


def children(pid: int) -> list[int]:
    """Direct children of a process (the prefork pool's processes)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


async def burst(base: str, n: int, count: int, poll_s: float) -> dict[str, dict[str, float]]:
    """Submit ``n`` at once; per task id: submit, accepted and seen (epoch seconds) and polls."""
    http = LeanHTTP(base)
    rows: dict[str, dict[str, float]] = {}

    async def one(seed: int) -> None:
        posted = time.time()
        _, body = await http.request(
            "POST", "/api/euromillions/generate-advanced", {"count": count, "seed": seed}
        )
        accepted, polls = time.time(), 0
        while True:
            polls += 1
            state = (await http.request("GET", body["status_url"]))[1]["state"]
            if state in ("SUCCESS", "FAILURE"):
                break
            await asyncio.sleep(poll_s)
        rows[body["task_id"]] = {"post": posted, "accepted": accepted, "seen": time.time(), "polls": polls}

    await asyncio.gather(*(one(20_000 + i) for i in range(n)))
    await http.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    """Run one burst and print its timeline's medians and the CPU per process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--poll-ms", type=float, default=10.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        with generation_platform(Path(tmp)) as platform:
            with httpx.Client(base_url=platform.base) as http:
                for seed in range(5):
                    url = http.post(
                        "/api/euromillions/generate-advanced", json={"count": args.count, "seed": seed}
                    )
                    while http.get(url.json()["status_url"]).json()["state"] != "SUCCESS":
                        time.sleep(0.005)
            redis_pid = int(redis.Redis.from_url(platform.redis_url).info("server")["process_id"])
            worker_pid = platform.worker.pid
            procs = {"API (uvicorn)": platform.server.pid, "worker main": worker_pid, "Redis": redis_pid}
            procs |= {f"worker pool {i + 1}": pid for i, pid in enumerate(children(worker_pid))}
            procs["client"] = os.getpid()
            before = {name: cpu_s(pid) for name, pid in procs.items()}
            started = time.time()
            rows = asyncio.run(burst(platform.base, args.burst, args.count, args.poll_ms / 1000))
            wall = time.time() - started
            used = {name: cpu_s(pid) - before[name] for name, pid in procs.items()}
            time.sleep(0.5)  # the worker's last log lines
        text = platform.log.read_text()
    received, succeeded, runtime = {}, {}, {}
    for match in LOG_LINE.finditer(text):
        at = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if match.group(3) == "received":
            received[match.group(2)] = at
        else:
            succeeded[match.group(2)], runtime[match.group(2)] = at, float(match.group(4))
    ids = [i for i in rows if i in received and i in succeeded]

    def med(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:,.0f} ms"

    t0 = min(r["post"] for r in rows.values())
    trips = [rows[i]["seen"] - rows[i]["post"] for i in ids]
    print(f"{args.burst} generations of {args.count} grids at once, polled every {args.poll_ms:g} ms:")
    print(
        f"  submit -> SUCCESS seen: p50 {med(trips)}, "
        f"p95 {statistics.quantiles(trips, n=20)[18] * 1000:,.0f} ms"
    )
    last_202 = max(r["accepted"] for r in rows.values()) - t0
    print(f"  last 202 after the first submit: {last_202 * 1000:,.0f} ms")
    print("  medians per task:")
    print(f"    submit -> 202: {med([rows[i]['accepted'] - rows[i]['post'] for i in ids])}")
    print(f"    202 -> worker received: {med([received[i] - rows[i]['accepted'] for i in ids])}")
    print(f"    received -> succeeded (log): {med([succeeded[i] - received[i] for i in ids])}")
    print(f"    of which Celery's runtime: {med([runtime[i] for i in ids])}")
    print(
        f"    succeeded -> SUCCESS seen by the client: {med([rows[i]['seen'] - succeeded[i] for i in ids])}"
    )
    print(f"    status polls: {statistics.median(rows[i]['polls'] for i in ids):g}")
    print(f"  CPU during the burst ({wall * 1000:,.0f} ms wall, {os.cpu_count()} cores):")
    for name, seconds in used.items():
        print(f"    {name}: {seconds * 1000:,.0f} ms")


if __name__ == "__main__":
    main()
