"""Full cold ingest of every shipped FDJ file, next to DuckDB just reading the same bytes.

    .venv/bin/python -m bench.bench_ingest [--repeat 5] [--source data/fdj]

Both are timed in the same run (median of ``--repeat``), so the ratio is what to compare across
machines: it says what parsing, validation, idempotent merging and logging cost on top of reading.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from lottery.games import Game
from warehouse.ingest import ingest_game
from warehouse.settings import PROJECT_ROOT
from warehouse.sources import expand


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


def main() -> None:
    """Run both timings and print them with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", default=str(PROJECT_ROOT / "data" / "fdj"))
    args = parser.parse_args()
    files = [f for f in expand(args.source) if f.endswith(".csv")]
    size = sum(Path(f).stat().st_size for f in files)
    ingest, read = [], []
    for _ in range(args.repeat):
        seconds, loaded = time_ingest(args.source)
        ingest.append(seconds)
        seconds, rows = time_read_csv(files)
        read.append(seconds)
    i, r = statistics.median(ingest), statistics.median(read)
    print(f"files: {len(files)} ({size / 1e6:.2f} MB), rows: {rows}, draws loaded per cold ingest: {loaded}")
    print(f"duckdb.read_csv of the same bytes (baseline): {r * 1000:8.1f} ms  (median of {args.repeat})")
    print(f"full cold ingest (parse, validate, merge, log): {i * 1000:8.1f} ms  (median of {args.repeat})")
    print(f"ratio ingest / read_csv: {i / r:.1f}x")


if __name__ == "__main__":
    main()
