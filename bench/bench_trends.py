"""Statistics over time: the trends asset's computation and one backfilled day, next to the daily snapshot.

    .venv/bin/python -m bench.bench_trends [--repeat 1] [--day 2025-01-15]

A temporary warehouse built from the shipped data (data/fdj), both games. Timings are the median of
``--repeat`` runs (time.perf_counter, no untimed run: each case writes the same rows again), in-process,
with the baseline timed in the same run so the ratios are what to compare across machines:

* ``baseline``: the daily statistics snapshot of the game (``write_snapshot``: every scope, quick and
  full), what the ``{game}_statistics`` asset computes every day;
* ``write_trends``: the ``{game}_trends`` asset's work (per-year and rolling ball statistics, chi-square
  of each year, cumulative and rolling window, weekly verdicts, three tables rewritten);
* ``snapshot as of --day``: one partition of ``{game}_stats_history`` (the same snapshot from the draws
  up to that day);
* ``read_trends``: one ``/api/{game}/trends`` answer built from the tables (all numbers, per year), with
  its size.

Prints Markdown and writes bench/results/bench_trends.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

import duckdb

from bench.common import Column, Measure, Report, add_results_argument, median_s, ms, ratio
from config.settings import PROJECT_ROOT
from lottery.games import Game
from lottery.stats.trends import Ball, TrendWindow
from warehouse.history import write_snapshot_as_of
from warehouse.ingest import ingest_game
from warehouse.snapshots import write_snapshot
from warehouse.statistics import data_version
from warehouse.trends import read_trends, write_trends


def main(argv: list[str] | None = None) -> None:
    """Time each case per game and print it with its ratio to the daily snapshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--day", default="2025-01-15", help="the backfilled day (ISO date)")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    day = date.fromisoformat(args.day)
    report = Report.start("bench.bench_trends", "Statistics over time", args, argv)
    table = report.table(
        Column("", "left"), Column("euromillions"), Column("loto"), Column("vs daily snapshot")
    )
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "w.duckdb"))
        for game in Game:
            ingest_game(con, game, str(PROJECT_ROOT / "data" / "fdj"))
        rows: dict[str, dict[Game, float]] = {}
        sizes: dict[Game, int] = {}
        today = date.today()
        for game in Game:
            rows.setdefault("baseline", {})[game] = median_s(
                lambda g=game, d=today: write_snapshot(con, g, d), args.repeat, warmup=False
            )
            rows.setdefault("write_trends", {})[game] = median_s(
                lambda g=game: write_trends(con, g), args.repeat, warmup=False
            )
            rows.setdefault("as_of", {})[game] = median_s(
                lambda g=game: write_snapshot_as_of(con, g, day), args.repeat, warmup=False
            )
            version = data_version(con, game)

            def read(g: Game = game, v: str = version) -> bytes:
                return read_trends(con, g, v, Ball.NUMBER, TrendWindow.YEAR).model_dump_json().encode()

            rows.setdefault("read", {})[game] = median_s(read, max(args.repeat, 3))
            sizes[game] = len(read())
        con.close()
    base = rows["baseline"]
    labels = {
        "baseline": "daily snapshot, every scope (baseline)",
        "write_trends": "`write_trends` (the `{game}_trends` asset)",
        "as_of": f"snapshot as of {day} (one `{{game}}_stats_history` partition)",
        "read": "`read_trends`: all numbers per year (the API's miss)",
    }
    for key, label in labels.items():
        worst = max(rows[key][g] / base[g] for g in Game)
        table.add(label, ms(rows[key][Game.EUROMILLIONS], 0), ms(rows[key][Game.LOTO], 0), ratio(worst, 2))
    for game in Game:
        report.figure(
            f"{game.value} trends answer (all numbers, per year)", Measure(sizes[game] / 1e6, "MB", 3)
        )
    report.notes.append(
        "The ratio column is the larger of the two games' ratios to their own daily snapshot."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
