"""What keeping statistics over time costs a publication of the serving snapshot.

    .venv/bin/python -m bench.bench_publish_history [--days 8000] [--repeat 3]

The shipped data in a throw-away warehouse with today's statistics (the baseline: one stored day),
then the same warehouse with ``--days`` earlier days of stored statistics added, as a full daily
backfill of the ``*_stats_history`` assets leaves it (8,000 days: 2004-02-13 to today). Each day's
``number_stats`` and ``stats_snapshots`` rows of scope ``all`` are today's, re-dated, with a data
version that changes at the game's draw rate (2 draws a week for EuroMillions, 3 for Loto: about
2,300 and 3,400 versions), which is how many sets ``number_stats_history`` keeps. Timings: median of
``--repeat`` publications into a fresh serving folder each (after one untimed), ``publish()`` as the
``serving_snapshot`` asset calls it, without a cache warm-up. Prints Markdown and writes
bench/results/bench_publish_history.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import duckdb

from bench.common import Column, Measure, Report, add_results_argument, build, median_s, progress, ratio
from serving.snapshot import publish

DRAWS_PER_WEEK = {"euromillions": 2, "loto": 3}


def add_days(warehouse: Path, days: int) -> None:
    """``days`` earlier days of stored all-history statistics, re-dated copies of today's."""
    with duckdb.connect(str(warehouse)) as con:
        for game, per_week in DRAWS_PER_WEEK.items():
            con.execute(
                """
                INSERT INTO stats_snapshots SELECT s.* REPLACE (
                    s.snapshot_date - CAST(d.i AS INTEGER) AS snapshot_date,
                    s.data_version || '-' || CAST(d.i * ? // 7 AS VARCHAR) AS data_version)
                FROM stats_snapshots s, range(1, ? + 1) d(i) WHERE s.game = ? AND s.scope = 'all'
                """,
                [per_week, days, game],
            )
            con.execute(
                """
                INSERT INTO number_stats
                SELECT n.* REPLACE (n.snapshot_date - CAST(d.i AS INTEGER) AS snapshot_date)
                FROM number_stats n, range(1, ? + 1) d(i) WHERE n.game = ? AND n.scope = 'all'
                """,
                [days, game],
            )


def timed_publish(warehouse: Path, root: Path, repeat: int) -> tuple[float, int, int]:
    """Median seconds of a publication into a fresh folder, the snapshot's size in bytes, its history rows."""
    files: list[Path] = []

    def once() -> None:
        serving = root / f"serving-{len(files)}"
        with duckdb.connect(str(warehouse)) as con:
            files.append(serving / publish(con, serving).snapshot)

    seconds = median_s(once, repeat)
    with duckdb.connect(str(files[-1]), read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM number_stats_history").fetchall()[0][0]
    return seconds, files[-1].stat().st_size, rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=8000, help="earlier days of stored statistics")
    parser.add_argument("--repeat", type=int, default=3)
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_publish_history", "Publishing with statistics over time", args, argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        progress("building the shipped warehouse with today's statistics")
        (root / "base").mkdir()
        build(root / "base")
        base_wh = root / "base" / "warehouse.duckdb"
        full_wh = root / "backfilled.duckdb"
        shutil.copy(base_wh, full_wh)
        progress(f"adding {args.days:,} days of stored statistics")
        add_days(full_wh, args.days)
        base = timed_publish(base_wh, root / "a", args.repeat)
        full = timed_publish(full_wh, root / "b", args.repeat)
    table = report.table(
        Column("case", "left"),
        Column("publish, median"),
        Column("vs baseline"),
        Column("snapshot file"),
        Column("`number_stats_history` rows"),
    )
    for label, (seconds, size, rows) in (
        ("today's statistics only (baseline)", base),
        (f"with {args.days:,} earlier days stored (a full daily backfill)", full),
    ):
        table.add(
            label,
            Measure(seconds, "s", 2, display="s"),
            ratio(seconds / base[0]),
            Measure(size / 1e6, "MB", 1),
            Measure(rows, "rows", 0),
        )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
