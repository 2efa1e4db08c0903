"""Full cold ingest of every shipped FDJ file, next to DuckDB just reading the same bytes.

    .venv/bin/python -m bench.bench_ingest [--repeat 5] [--source data/fdj]

Both are timed in the same run (median of ``--repeat``), so the ratio is what to compare across
machines: it says what parsing, validation, idempotent merging and logging cost on top of reading.
Prints the README's table and writes bench/results/bench_ingest.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import Column, Measure, Report, add_results_argument, ms, ratio
from config.settings import PROJECT_ROOT
from intake.sources import expand
from lottery.games import Game
from warehouse.ingest import ingest_game


def time_ingest(source: str) -> tuple[float, int]:
    """Seconds to ingest both games into an empty warehouse file, and the draws loaded."""
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "bench.duckdb"))
        start = time.perf_counter()
        results = [ingest_game(con, game, source) for game in Game]
        elapsed = time.perf_counter() - start
        con.close()
    return elapsed, sum(r.total("inserted") for r in results)


def time_read_csv(files: list[str]) -> tuple[float, int]:
    """Seconds for DuckDB's own CSV reader to read every file completely (all columns as text)."""
    con = duckdb.connect()
    start = time.perf_counter()
    rows = 0
    for f in files:
        rel = con.read_csv(f, sep=";", header=True, all_varchar=True, null_padding=True, ignore_errors=True)
        rows += len(rel.fetchall())
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed, rows


def main(argv: list[str] | None = None) -> None:
    """Run both timings and print them with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", default=str(PROJECT_ROOT / "data" / "fdj"))
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_ingest", "Ingest", args, argv)
    files = [f for f in expand(args.source) if f.endswith(".csv")]
    size = sum(Path(f).stat().st_size for f in files)
    ingest, read = [], []
    for _ in range(args.repeat):
        seconds, loaded = time_ingest(args.source)
        ingest.append(seconds)
        seconds, rows = time_read_csv(files)
        read.append(seconds)
    i, r = statistics.median(ingest), statistics.median(read)
    report.figure("files", Measure(len(files), "files", 0))
    report.figure("size", Measure(size / 1e6, "MB", 2))
    report.figure("rows", Measure(rows, "rows", 0))
    report.figure("draws loaded per cold ingest", Measure(loaded, "draws", 0))
    table = report.table(Column("", "left"), Column("median"))
    table.add("`duckdb.read_csv`, all columns as text (baseline)", ms(r, 0))
    table.add("full ingest: decode, parse, validate against the era's rules, merge, log", ms(i, 0))
    table.add("ratio", ratio(i / r, 1))
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
