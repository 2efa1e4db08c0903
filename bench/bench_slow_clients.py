"""Slow clients: /health and a cached stats GET, quiet and while 1,000 slowloris sockets attack.

    .venv/bin/python -m bench.bench_slow_clients [--sockets 1000] [--requests 400] [--gap 1]
        [--header-timeout 10] [--no-unguarded]

Builds a warehouse and serving snapshot from the shipped data in a temp folder, warms the cache
(the test command's Redis, database 9, flushed before and after) and starts the API as the main
command does (``python -m api.server``, API_HEADER_TIMEOUT_S = ``--header-timeout``, every other
limit at its default) and, unless ``--no-unguarded``, the same API with ``API_CONNECTION_GUARD=false``
(uvicorn's own protocol) beside it. The guard's cost: GETs of both, quiet, in 8 rounds in turn.
Then, against each in turn:

1. quiet: ``--requests`` GETs of /health and of cached quick stats, alternated, one at a time on one
   kept-alive connection (bench.lean_http), half before the attack and half after; p50 and p99;
2. attack: another process opens ``--sockets`` connections, each sending a request head one byte
   every ``--gap`` s and opening a new connection when the server closes it (the attack holds);
   once all are open the same GETs are timed again;
3. the first ``--sockets`` connections: how long until the server closed every one (against the
   header timeout) and how many were answered 408; against the unguarded API, how many are still
   open after twice the header timeout (then the bench closes them).

Loopback only; the attack is bounded in sockets and in time. Raises the soft open-files limit of
its processes when needed (the API raises its own, see api/server.py). Prints the table of
docs/operators/slow-clients.md and writes bench/results/bench_slow_clients.json.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import redis

from bench.common import (
    Column,
    Measure,
    Report,
    add_results_argument,
    build,
    ms,
    progress,
    ratio,
    redis_server,
    start_api,
)
from bench.lean_http import LeanHTTP
from config.settings import Settings
from serving import cache
from serving.snapshot import precomputed_entries

BENCH_DB = 9  # bench_odds 10, bench_api 13, bench_memory 14, tests 11-12
HEALTH = "/health"
STATS = "/api/euromillions/quick-stats?year=2025"
HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"z" * 100_000


def raise_open_files(needed: int) -> None:
    """Raise this process's soft RLIMIT_NOFILE to ``needed`` (up to the hard limit) if it is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (needed if hard == resource.RLIM_INFINITY else min(needed, hard), hard)
        )


# -- the attacker (its own process, so its event loop does not slow the measuring client) ----------


@dataclass
class Wave:
    """What happened to the first ``sockets`` connections."""

    opened: int
    lifetimes: list[float]  # seconds from connect to the server's close, of those it closed
    answered_408: int
    span_s: float  # from the first connect to the last close (when all were closed)


async def one_slowloris(
    addr: tuple[str, int], gap_s: float, stop: Event, on_open: Callable[[], None] = lambda: None
) -> tuple[float | None, bool]:
    """A connection sending ``HEAD`` a byte every ``gap_s``; (seconds until the server closed it, or
    None if the bench stopped first; whether it was answered 408)."""
    reader, writer = await asyncio.open_connection(*addr)
    on_open()
    started, got_408 = time.monotonic(), False
    try:
        for byte in HEAD:
            if stop.is_set():
                return None, got_408
            writer.write(bytes([byte]))
            try:
                data = await asyncio.wait_for(reader.read(4096), gap_s)
            except TimeoutError:
                continue
            got_408 = got_408 or data.startswith(b"HTTP/1.1 408")
            if not data:
                break
    except OSError:
        pass  # reset by the server: closed
    finally:
        writer.close()
    return time.monotonic() - started, got_408


async def attack(addr: tuple[str, int], sockets: int, gap_s: float, events: AttackEvents) -> Wave:
    """``sockets`` slowloris connections, each replaced by a new one when closed, until ``stop``."""
    start = time.monotonic()
    opened = 0
    first: list[tuple[float | None, bool]] = []
    last_close = start

    def on_open() -> None:
        nonlocal opened
        opened += 1
        if opened == sockets:
            events.all_open.set()

    async def slot() -> None:
        nonlocal last_close
        result = await one_slowloris(addr, gap_s, events.stop, on_open)
        first.append(result)
        if result[0] is not None:
            last_close = time.monotonic()
        if len(first) == sockets and all(life is not None for life, _ in first):
            events.wave_closed.set()
        while not events.stop.is_set():
            try:
                await one_slowloris(addr, gap_s, events.stop)
            except OSError:
                await asyncio.sleep(gap_s)

    tasks = [asyncio.ensure_future(slot()) for _ in range(sockets)]
    while not events.stop.is_set():
        await asyncio.sleep(0.1)
    await asyncio.gather(*tasks, return_exceptions=True)
    lifetimes = [life for life, _ in first if life is not None]
    return Wave(
        opened=len(first),
        lifetimes=lifetimes,
        answered_408=sum(got for _, got in first),
        span_s=last_close - start if len(lifetimes) == sockets else float("nan"),
    )


@dataclass(frozen=True)
class AttackEvents:
    """Between the bench and its attacker: all sockets open, the first wave closed, stop."""

    all_open: Event
    wave_closed: Event
    stop: Event


def attacker(addr: tuple[str, int], sockets: int, gap_s: float, events: AttackEvents, out: Any) -> None:
    """The attacking process: runs ``attack`` and sends its Wave back through ``out``."""
    raise_open_files(sockets + 256)
    out.send(asyncio.run(attack(addr, sockets, gap_s, events)))


# -- the measuring client --------------------------------------------------------------------------


async def timed_gets(base: str, requests: int) -> dict[str, list[float]]:
    """``requests`` GETs of each endpoint, alternated, one at a time on one connection; seconds each."""
    client = LeanHTTP(base, max_connections=1)
    times: dict[str, list[float]] = {HEALTH: [], STATS: []}
    try:
        for _ in range(requests):
            for path in (HEALTH, STATS):
                started = time.perf_counter()
                status, _ = await client.request("GET", path)
                times[path].append(time.perf_counter() - started)
                if status != 200:
                    raise SystemExit(f"GET {path} answered {status}")
    finally:
        await client.close()
    return times


def p(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``."""
    return statistics.quantiles(values, n=1000, method="inclusive")[round(q * 1000) - 1]


@dataclass
class Run:
    """One server's figures: quiet and under attack latencies, and the first wave's fate."""

    quiet: dict[str, list[float]]
    attacked: dict[str, list[float]]
    wave: Wave
    still_open_after_s: float | None


def measure(url: str, args: argparse.Namespace, guarded: bool) -> Run:
    """Quiet GETs, then the attack and the same GETs, then the first wave (see the module docstring)."""
    parts = urlsplit(url)
    addr = (parts.hostname or "127.0.0.1", parts.port or 80)
    quiet = asyncio.run(timed_gets(url, args.requests // 2))  # and as many after the attack
    ctx = multiprocessing.get_context("spawn")
    events = AttackEvents(ctx.Event(), ctx.Event(), ctx.Event())
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=attacker, args=(addr, args.sockets, args.gap, events, send))
    proc.start()
    try:
        if not events.all_open.wait(60):
            raise SystemExit("the attacker did not open its sockets in 60 s")
        opened_at = time.monotonic()
        progress(f"  {args.sockets} slowloris sockets open; timing the GETs under attack")
        attacked = asyncio.run(timed_gets(url, args.requests))
        if guarded:  # the server closes the first wave (bounded wait)
            events.wave_closed.wait(max(0.0, opened_at + 3 * args.header_timeout + 30 - time.monotonic()))
        else:  # nothing closes them: look after twice the header timeout
            time.sleep(max(0.0, opened_at + 2 * args.header_timeout - time.monotonic()))
        still_open_after = time.monotonic() - opened_at
        events.stop.set()
        if not receive.poll(args.gap * 4 + 30):
            raise SystemExit("the attacker did not report")
        wave: Wave = receive.recv()
    finally:
        events.stop.set()
        proc.join(30)
        if proc.is_alive():
            proc.terminate()
    time.sleep(args.gap)  # the server sees the attack's last sockets close
    after = asyncio.run(timed_gets(url, args.requests - args.requests // 2))
    quiet = {path: quiet[path] + after[path] for path in quiet}
    return Run(quiet, attacked, wave, None if guarded else still_open_after)


def interleaved_quiet(urls: dict[str, str], rounds: int, requests: int) -> dict[str, dict[str, list[float]]]:
    """Quiet GETs of every server in turn, ``rounds`` times (the machine's load falls on all alike)."""
    times: dict[str, dict[str, list[float]]] = {name: {HEALTH: [], STATS: []} for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            for path, values in asyncio.run(timed_gets(url, requests // rounds)).items():
                times[name][path] += values
    return times


def cached(url: str) -> None:
    """Ask ``url`` until the API answers it from its cache (a HIT), as the timed GETs will."""
    for _ in range(5):
        if httpx.get(url, timeout=10).headers.get("x-cache") == "HIT":
            return
    raise SystemExit(f"{url} is not answered from the cache")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000, help="slowloris connections at once")
    parser.add_argument("--requests", type=int, default=400, help="timed GETs per endpoint and phase")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between two bytes of a slowloris")
    parser.add_argument(
        "--header-timeout", type=float, default=Settings().api_header_timeout_s, help="API_HEADER_TIMEOUT_S"
    )
    parser.add_argument("--no-unguarded", dest="unguarded", action="store_false")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    if not 1 <= args.sockets <= 5000 or not 0.05 <= args.gap <= 10 or not 1 <= args.header_timeout <= 60:
        raise SystemExit("bounded: 1..5000 sockets, a 0.05..10 s gap, a 1..60 s header timeout")
    raise_open_files(args.sockets + 256)
    report = Report.start("bench.bench_slow_clients", "Slow clients", args, argv)
    redis_url = f"{redis_server()}/{BENCH_DB}"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    runs: dict[str, Run] = {}
    servers: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            serving = build(Path(tmp))
            cache.warm(
                client, precomputed_entries(serving, Settings(serving_dir=serving, redis_url=redis_url))
            )
            env = {
                **os.environ,
                "SERVING_DIR": str(serving),
                "REDIS_URL": redis_url,
                "API_HEADER_TIMEOUT_S": str(args.header_timeout),
            }
            try:
                for name, switch in [("guarded", "true")] + (
                    [("unguarded", "false")] if args.unguarded else []
                ):
                    servers[name] = start_api({**env, "API_CONNECTION_GUARD": switch})
                urls = {name: url for name, (_, url) in servers.items()}
                for url in urls.values():
                    cached(url + STATS)
                    asyncio.run(timed_gets(url, 20))  # warm-up
                if args.unguarded:
                    progress("quiet, both APIs in turn")
                    quiet = interleaved_quiet(urls, 8, args.requests)
                for name, url in urls.items():
                    progress(f"{name} API (API_CONNECTION_GUARD={name == 'guarded'})")
                    runs[name] = measure(url, args, guarded=name == "guarded")
            finally:
                for server, _ in servers.values():
                    server.terminate()
                for server, _ in servers.values():
                    server.wait(timeout=20)
    finally:
        client.flushdb()
    tables(report, runs, args)
    if args.unguarded:
        report.figure(
            "guard's cost when quiet: p50 guarded / unguarded, /health",
            ratio(p(quiet["guarded"][HEALTH], 0.5) / p(quiet["unguarded"][HEALTH], 0.5)),
        )
        report.figure(
            "guard's cost when quiet: p50 guarded / unguarded, quick stats",
            ratio(p(quiet["guarded"][STATS], 0.5) / p(quiet["unguarded"][STATS], 0.5)),
        )
    report.finish(args.results_dir)


def tables(report: Report, runs: dict[str, Run], args: argparse.Namespace) -> None:
    """The latency table and the first wave's figures."""
    table = report.table(
        Column("API", "left"),
        Column("GET", "left"),
        Column("quiet p50"),
        Column("quiet p99"),
        Column("attacked p50"),
        Column("attacked p99"),
        Column("p99 attacked / quiet"),
    )
    for name, run in runs.items():
        for path in (HEALTH, STATS):
            quiet, attacked = run.quiet[path], run.attacked[path]
            table.add(
                name,
                f"`{path}`",
                ms(p(quiet, 0.5), 2),
                ms(p(quiet, 0.99), 2),
                ms(p(attacked, 0.5), 2),
                ms(p(attacked, 0.99), 2),
                ratio(p(attacked, 0.99) / p(quiet, 0.99)),
            )
    guarded = runs["guarded"].wave
    timeout = Measure(args.header_timeout, "s", 0, display="s")
    report.figure(
        f"guarded: first {guarded.opened} slowloris sockets closed by the server",
        Measure(len(guarded.lifetimes), "sockets", 0),
    )
    report.figure(
        f"guarded: all closed this long after the attack began (API_HEADER_TIMEOUT_S {timeout.text()})",
        Measure(guarded.span_s, "s", 1, display="s"),
    )
    if guarded.lifetimes:
        report.figure(
            "guarded: one socket's life from connect to close, median",
            Measure(statistics.median(guarded.lifetimes), "s", 1, display="s"),
        )
        report.figure("guarded: one socket's life, max", Measure(max(guarded.lifetimes), "s", 1, display="s"))
    report.figure("guarded: answered 408 before the close", Measure(guarded.answered_408, "sockets", 0))
    if "unguarded" in runs:
        run = runs["unguarded"]
        still = run.wave.opened - len(run.wave.lifetimes)
        report.figure(
            f"unguarded: of {run.wave.opened}, still open {run.still_open_after_s:.0f} s after they opened",
            Measure(still, "sockets", 0),
        )
    report.notes.append(
        f"{args.requests} GETs per endpoint and phase (quiet: half before the attack, half after), one at "
        "a time on one kept-alive connection; the guard's cost: both APIs up, 8 rounds in turn "
        f"(bench.lean_http); the attack: {args.sockets} connections from another process, each sending "
        f"a request head a byte every {args.gap:g} s and replaced when closed; loopback."
    )


if __name__ == "__main__":
    main()
