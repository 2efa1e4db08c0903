"""Statistics engine timings: shipped EuroMillions history and 10 million synthetic draws.

    .venv/bin/python -m bench.bench_stats [--repeat 5] [--synthetic 10000000] [--synthetic-repeat 3]

Every timing is the median of several runs (time.perf_counter) and is printed with its ratio to a
plain ``SELECT count(*) FROM draws WHERE game = 'euromillions'`` timed in the same run, so the ratio
is what to compare across machines.

* Shipped history: a temporary warehouse is built from data/fdj. "warm" times repeated calls on one
  open connection. "cold" times opening a fresh connection (a fresh DuckDB instance: every other
  connection is closed first) plus the first call, with the engine's in-process caches cleared, so
  it is a fresh process minus the Python imports; its ratio is to a cold count(*) measured the
  same way.
* Synthetic: 10M uniformly random valid EuroMillions draws (5 distinct of 1..50 and 2 distinct of
  1..12 per row, by rejection sampling, which is uniform over combinations), on ascending dates
  from 2016-09-27 to today (about 2,700 draws a day: the engine only needs ascending dates, and all
  of them fall in the 12-star era). The engine is timed on that numpy DrawSet directly. The same rows
  are loaded into a DuckDB table ``draws(game, draw_date, numbers INTEGER[], bonus INTEGER[])``
  (the warehouse columns the statistics read; no primary key, since dates repeat) for the count(*)
  baseline and for the warehouse side (load_window and data_version), then compute_quick and
  compute_full end to end on that table (window read + data version + engine), each the median of
  ``--synthetic-repeat`` runs, with the CPU time of every thread beside it (DuckDB reads with
  several) and the peak memory numpy and Python allocate during one full-stats run (tracemalloc;
  DuckDB's own buffers are not in it, the process's peak RSS is printed last).

Prints the README's table and writes bench/results/bench_stats.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from bench.common import Column, Measure, Report, Target, add_results_argument, median_s, progress, ratio
from config.settings import PROJECT_ROOT
from lottery.games import Game
from lottery.stats import engine
from lottery.stats.engine import DrawSet, full_stats, quick_stats
from lottery.stats.models import StatsFilter
from tests.stats import engine_before
from warehouse.ingest import ingest_game
from warehouse.statistics import compute_full, compute_quick, data_version, load_window

EM = Game.EUROMILLIONS
COUNT_SQL = "SELECT count(*) FROM draws WHERE game = 'euromillions'"
ALL = StatsFilter()


def count_rows(con: duckdb.DuckDBPyConnection) -> int:
    """The baseline query."""
    return con.execute(COUNT_SQL).fetchall()[0][0]


def cold_s(path: Path, fn: Callable[[duckdb.DuckDBPyConnection], object], repeat: int) -> float:
    """Median seconds of: fresh connection (fresh DuckDB instance) + first call, caches cleared."""
    times = []
    for _ in range(repeat):
        engine.sum_distribution.cache_clear()
        for cached in (engine._valid_codes, engine._colex, engine._binomials):
            cached.cache_clear()
        start = time.perf_counter()
        con = duckdb.connect(str(path), read_only=True)
        fn(con)
        times.append(time.perf_counter() - start)
        con.close()
    return statistics.median(times)


def random_draws(rng: np.random.Generator, n: int, k: int, top: int) -> np.ndarray:
    """``n`` sorted rows of ``k`` distinct balls of 1..top, uniform over combinations."""
    out = rng.integers(1, top + 1, size=(n, k), dtype=np.int16)
    out.sort(axis=1)
    while True:
        bad = np.flatnonzero((np.diff(out, axis=1) == 0).any(axis=1))
        if not bad.size:
            return out
        redo = rng.integers(1, top + 1, size=(bad.size, k), dtype=np.int16)
        redo.sort(axis=1)
        out[bad] = redo


def synthetic_drawset(n: int, seed: int = 20260519) -> DrawSet:
    """``n`` fair EuroMillions draws on ascending dates from 2016-09-27 to today."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2016-09-27")
    days = int((np.datetime64(date.today().isoformat()) - start).astype(int)) + 1
    dates = start + (np.arange(n, dtype=np.int64) * days // n).astype("timedelta64[D]")
    return DrawSet(
        game=EM, dates=dates, numbers=random_draws(rng, n, 5, 50), bonus=random_draws(rng, n, 2, 12)
    )


def load_synthetic(con: duckdb.DuckDBPyConnection, ds: DrawSet) -> None:
    """The DrawSet as a ``draws`` table with the warehouse's column types."""
    epoch_days = ds.dates.astype("datetime64[D]").astype(np.int64).astype(np.int32)
    stage = {"d": epoch_days}
    stage |= {f"n{i}": ds.numbers[:, i] for i in range(ds.numbers.shape[1])}
    stage |= {f"b{i}": ds.bonus[:, i] for i in range(ds.bonus.shape[1])}
    con.register("stage", stage)
    try:
        con.execute(
            "CREATE TABLE draws AS SELECT 'euromillions' AS game, DATE '1970-01-01' + d AS draw_date, "
            "[n0, n1, n2, n3, n4]::INTEGER[] AS numbers, [b0, b1]::INTEGER[] AS bonus FROM stage"
        ).fetchall()
    finally:
        con.unregister("stage")


class Rows:
    """The README's table: case, median, ratio to the count(*) baseline of its group, target."""

    def __init__(self, report: Report) -> None:
        self.table = report.table(
            Column("case", "left"), Column("median"), Column("vs `count(*)`"), Column("target", "left")
        )

    def add(
        self,
        case: str,
        seconds: float,
        baseline: float | None,
        target_ms: float | None = None,
        approx: bool = False,
    ) -> None:
        """One row; ``baseline`` None leaves the ratio empty, ``target_ms`` None the target."""
        target = None
        if target_ms is not None:
            limit = Measure(target_ms / 1000, "s", 0, display="ms" if target_ms < 1000 else "s")
            target = Target.check(seconds, "<", limit)
        vs = None
        if baseline is not None:
            vs = ratio(seconds / baseline, 0 if seconds == baseline else None)
        median = Measure(seconds, "s", approx=approx)
        self.table.add(case, median, vs, target)


def bench_shipped(source: str, repeat: int, table: Rows) -> None:
    """Quick and full stats of all EuroMillions history, warm and cold."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        with duckdb.connect(str(path)) as con:
            ingest_game(con, EM, source)
        con = duckdb.connect(str(path), read_only=True)
        n = count_rows(con)
        progress(f"shipped EuroMillions history: {n} draws (warehouse built from {source})")
        base = median_s(lambda: count_rows(con), max(repeat, 20))
        table.add(f"`count(*)`, {n:,} EuroMillions draws (baseline)", base, base)
        table.add(
            "quick stats, all history, warm", median_s(lambda: compute_quick(con, EM, ALL), repeat), base, 20
        )
        table.add(
            "full stats, all history, warm", median_s(lambda: compute_full(con, EM, ALL), repeat), base, 100
        )
        version = data_version(con, EM)
        table.add(
            "full stats, reference engine (`tests/stats/engine_before.py`), all history, warm "
            "(same window read)",
            median_s(lambda: engine_before.full_stats(load_window(con, EM, ALL), ALL, version), repeat),
            base,
        )
        table.add(
            "full stats engine now, the same way",
            median_s(lambda: full_stats(load_window(con, EM, ALL), ALL, version), repeat),
            base,
        )
        con.close()
        cold_base = cold_s(path, count_rows, repeat)
        table.add("`count(*)` cold: new connection + first query (baseline)", cold_base, cold_base)
        table.add(
            "quick stats, cold (new connection + first query)",
            cold_s(path, lambda c: compute_quick(c, EM, ALL), repeat),
            cold_base,
            20,
        )
        table.add(
            "full stats, cold",
            cold_s(path, lambda c: compute_full(c, EM, ALL), repeat),
            cold_base,
            100,
        )


def bench_synthetic(n: int, repeat: int, report: Report, table: Rows) -> None:
    """The engine on ``n`` synthetic draws; the warehouse side timed once on a DuckDB table of them."""
    start = time.perf_counter()
    ds = synthetic_drawset(n)
    report.figure("synthetic draws generated in", Measure(time.perf_counter() - start, "s", 1, display="s"))
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "synthetic.duckdb"), config={"memory_limit": "3GB"})
        start = time.perf_counter()
        load_synthetic(con, ds)
        report.figure(
            "synthetic draws loaded into a DuckDB table in", Measure(time.perf_counter() - start, "s", 1, "s")
        )
        assert count_rows(con) == n
        base = median_s(lambda: count_rows(con), max(repeat, 20))
        table.add(f"`count(*)`, {n:,} synthetic draws (baseline)", base, base)
        quick = median_s(lambda: quick_stats(ds, ALL, "bench"), repeat, warmup=False)
        table.add(f"{n:,} synthetic draws: quick stats engine", quick, base, 2000)
        full = median_s(lambda: full_stats(ds, ALL, "bench"), repeat, warmup=False)
        table.add(f"{n:,} synthetic draws: full stats engine", full, base, 2000)
        one = median_s(lambda: full_stats(ds, ALL, "bench", threads=1), repeat, warmup=False)
        table.add("the same on one thread (`threads=1`)", one, base)
        before = median_s(lambda: engine_before.full_stats(ds, ALL, "bench"), 1, warmup=False)
        table.add("the same, reference engine (`tests/stats/engine_before.py`), 1 run", before, base)
        window = median_s(lambda: load_window(con, EM, ALL, narrow=True), repeat, False)
        table.add(
            f"reading the window from DuckDB (`load_window`, the engine's bytes), median of {repeat}",
            window,
            base,
        )
        version = median_s(lambda: data_version(con, EM), repeat, False)
        table.add(f"`data_version` (hash of every draw), median of {repeat}", version, base)
        for name, compute, target in (("quick", compute_quick, 1000), ("full", compute_full, 2000)):
            cpu = []

            def run(compute: Callable[..., object] = compute, cpu: list[float] = cpu) -> None:
                started = time.process_time()
                compute(con, EM, ALL)
                cpu.append(time.process_time() - started)

            wall = median_s(run, repeat, False)
            table.add(
                f"{name} stats end to end (`compute_{name}`: window + version + engine)", wall, base, target
            )
            report.figure(
                f"{name} stats end to end, CPU time of every thread (DuckDB's included), median",
                Measure(statistics.median(cpu), "s"),
            )
        tracemalloc.start()
        compute_full(con, EM, ALL)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        report.figure(
            "peak memory allocated by full stats end to end (numpy and Python, tracemalloc)",
            Measure(peak / 1024**2, "MB", 0),
        )
        con.close()


def main(argv: list[str] | None = None) -> None:
    """Run both benches and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing on the shipped history")
    parser.add_argument("--synthetic", type=int, default=10_000_000, help="synthetic draws (0: skip)")
    parser.add_argument("--synthetic-repeat", type=int, default=3, help="runs per engine timing on them")
    parser.add_argument("--source", default=str(PROJECT_ROOT / "data" / "fdj"))
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_stats", "Statistics", args, argv)

    wall = time.perf_counter()
    table = Rows(report)
    bench_shipped(args.source, args.repeat, table)
    if args.synthetic:
        bench_synthetic(args.synthetic, args.synthetic_repeat, report, table)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    report.figure("peak RSS", Measure(peak_gb, "GB", 1))
    report.figure("wall", Measure(time.perf_counter() - wall, "s", 0, display="s"))
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
