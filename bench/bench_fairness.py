"""Fairness under a flood: one client sends maximal inline checks, another keeps reading.

    .venv/bin/python -m bench.bench_fairness [--seconds 15] [--flooders 4]

Builds a serving snapshot from the shipped data in a temp folder and starts one uvicorn worker as the
platform does, trusting 127.0.0.1 as its proxy (``API_TRUSTED_PROXIES``) so that the bench names its
two clients by ``X-Forwarded-For``. The reader sends ``/health`` and a cached quick-stats GET one
after the other on one keep-alive connection; the flooder runs ``--flooders`` connections that each
post the largest check answered inline (2,000 tickets x the last 1,000 draws = 2 M cells, the
default CHECK_DIRECT_MAX_CELLS) as fast as they are answered. Four phases of ``--seconds`` each:
the reader alone (the baseline), the reader under the flood with the check budget of the defaults,
then the same two with the check budget off. Printed: the reader's p50/p99 per phase and their ratio
to the baseline measured in the same run (over the whole phase, which holds the flooder's first burst
of a full budget, and over its second half, once the budget is spent and refills at its rate), the
checks the flooder got answered (200) and refused (429), and the API process's CPU (user + system,
in % of one core).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import redis

from bench.common import Column, Report, add_results_argument, build, ms, ratio, redis_server, start_api
from config.settings import Settings

CACHE_DB, BROKER_DB = 7, 8
READER, FLOODER = "198.51.100.1", "203.0.113.66"
READS = ("/health", "/api/euromillions/quick-stats?year=2024")
TICKETS, LAST = 2_000, 1_000


def check_body(seed: int) -> bytes:
    """2,000 random EuroMillions tickets over the last 1,000 draws."""
    rng = random.Random(seed)
    tickets = [
        {"numbers": sorted(rng.sample(range(1, 51), 5)), "bonus": sorted(rng.sample(range(1, 10), 2))}
        for _ in range(TICKETS)
    ]
    return json.dumps({"tickets": tickets, "window": {"last": LAST}}).encode()


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Phase:
    """One phase: the reader's latencies per path, the flooder's statuses, the API's CPU."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.latency: dict[str, list[float]] = {path: [] for path in READS}
        self.late: dict[str, list[float]] = {path: [] for path in READS}  # the phase's second half
        self.flood: Counter[int] = Counter()
        self.cpu_share = 0.0


def run_phase(name: str, host: str, port: int, pid: int, seconds: float, flooders: int) -> Phase:
    """The reader for ``seconds``, with ``flooders`` flooding connections beside it (0: none)."""
    phase = Phase(name)
    stop = threading.Event()
    lock = threading.Lock()

    def flood(i: int) -> None:
        body = check_body(i)
        headers = {"content-type": "application/json", "x-forwarded-for": FLOODER}
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while not stop.is_set():
            conn.request("POST", "/api/euromillions/check", body, headers)
            response = conn.getresponse()
            response.read()
            with lock:
                phase.flood[response.status] += 1
            if response.status == 429:  # as a client that honours Retry-After would, but no longer
                stop.wait(min(1.0, float(response.headers.get("retry-after", "1"))))
        conn.close()

    threads = [threading.Thread(target=flood, args=(i,), daemon=True) for i in range(flooders)]
    for thread in threads:
        thread.start()
    time.sleep(0.5 if flooders else 0)
    conn = http.client.HTTPConnection(host, port, timeout=60)
    cpu_before, started = cpu_s(pid), time.monotonic()
    k = 0
    while time.monotonic() - started < seconds:
        path = READS[k % len(READS)]
        t0 = time.perf_counter()
        conn.request("GET", path, headers={"x-forwarded-for": READER})
        response = conn.getresponse()
        response.read()
        phase.latency[path].append(time.perf_counter() - t0)
        if time.monotonic() - started > seconds / 2:
            phase.late[path].append(phase.latency[path][-1])
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        k += 1
        time.sleep(0.002)  # a reader, not a second flood
    phase.cpu_share = (cpu_s(pid) - cpu_before) / (time.monotonic() - started)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    conn.close()
    return phase


def late_worst(phase: Phase, alone: Phase) -> float:
    """The worse of the two reads' p99 ratio, second half of ``phase`` to second half alone."""
    return max(percentile(phase.late[p], 0.99) / percentile(alone.late[p], 0.99) for p in READS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    parser.add_argument("--flooders", type=int, default=4, help="the flooder's concurrent connections")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_fairness", "Fairness under a flood of maximal checks", args, argv)
    budget = Settings().api_budget_check_cells
    phases: list[Phase] = []
    base = redis_server()
    with tempfile.TemporaryDirectory() as tmp:
        serving = build(Path(tmp))
        for budget_on in (True, False):
            for db in (CACHE_DB, BROKER_DB):
                redis.Redis.from_url(f"{base}/{db}").flushdb()
            env = {
                **os.environ,
                "SERVING_DIR": str(serving),
                "REDIS_URL": f"{base}/{CACHE_DB}",
                "CELERY_BROKER_URL": f"{base}/{BROKER_DB}",
                "API_TRUSTED_PROXIES": '["127.0.0.1"]',
                "API_BUDGET_CHECK_CELLS": str(budget if budget_on else 0),
            }
            api, url = start_api(env)
            host, port = url.removeprefix("http://").split(":")
            try:
                run_phase("warm-up", host, int(port), api.pid, 2, 0)
                label = f"check budget {budget:,} cells / min" if budget_on else "check budget off"
                phases.append(run_phase(f"reader alone ({label})", host, int(port), api.pid, args.seconds, 0))
                phases.append(
                    run_phase(
                        f"under the flood ({label})", host, int(port), api.pid, args.seconds, args.flooders
                    )
                )
            finally:
                api.terminate()
                api.wait(timeout=15)
        for db in (CACHE_DB, BROKER_DB):
            redis.Redis.from_url(f"{base}/{db}").flushdb()
    table = report.table(
        Column("phase", "left"),
        *(Column(f"{p} p50") for p in READS),
        *(Column(f"{p} p99") for p in READS),
        Column("p99 / alone"),
        Column("second half: p99 / alone"),
        Column("flooder's checks 200"),
        Column("refused 429"),
        Column("API CPU (% of a core)"),
    )
    for alone, flooded in (phases[0:2], phases[2:4]):
        for phase in (alone, flooded):
            worst = max(
                percentile(phase.latency[p], 0.99) / percentile(alone.latency[p], 0.99) for p in READS
            )
            table.add(
                phase.name,
                *(ms(percentile(phase.latency[p], 0.5)) for p in READS),
                *(ms(percentile(phase.latency[p], 0.99)) for p in READS),
                ratio(worst),
                ratio(late_worst(phase, alone)),
                str(phase.flood[200]),
                str(phase.flood[429]),
                f"{100 * phase.cpu_share:.0f} %",
            )
    alone, flooded = phases[0], phases[1]
    worst = max(percentile(flooded.latency[p], 0.99) / percentile(alone.latency[p], 0.99) for p in READS)
    report.figure("reader's p99 under the flood, budget on, / alone", ratio(worst))
    report.figure(
        "the same once the budget is spent (the phase's second half)", ratio(late_worst(flooded, alone))
    )
    report.figure(
        "flooder's CPU share, budget on / off (API CPU under flood)",
        ratio(phases[1].cpu_share / max(phases[3].cpu_share, 1e-9)),
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
