"""Peak memory and time of hostile files, next to ingesting the shipped data, in the same run.

    .venv/bin/python -m bench.bench_ingest_guard

Each case runs in a fresh Python process (same imports), which prints its peak RSS (``VmHWM``) and
time; the baseline is the cold ingest of every shipped FDJ file. Cases: a 50 MB CSV of
junk rows and its zip bomb (829 KB -> 190 MB), through the ingest and through the inbox sensor's
tick (which only decides: it reads nothing), with the default limits, and the 50 MB CSV again with
the size limit raised to 64 MB so that it is read and parsed in full (then rejected as a whole).
Prints the README's table and writes bench/results/bench_ingest_guard.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.reliability.bad_files import MIB, junk_csv, zip_bomb

CASES = {
    "baseline: ingest the shipped data (12 files, 2.2 MB)": ("ingest", "shipped", None),
    "50 MB junk CSV, ingest, default limits": ("ingest", "junk.csv", None),
    "50 MB junk CSV, inbox sensor tick": ("inbox", "junk.csv", None),
    "50 MB junk CSV, ingest, INGEST_MAX_FILE_BYTES=64 MB": ("ingest", "junk.csv", 64 * MIB),
    "zip bomb 190 MB, ingest, default limits": ("ingest", "bomb.zip", None),
    "zip bomb 190 MB, inbox sensor tick": ("inbox", "bomb.zip", None),
}


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux ``VmHWM``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_case(mode: str, target: str, max_file_bytes: int | None, folder: Path) -> dict:
    """Run one case in this process; what it did, how long it took, the peak RSS before and after."""
    import os
    import shutil

    import duckdb

    from config.settings import PROJECT_ROOT, Settings
    from lottery.games import Game
    from warehouse.ingest import ingest_game

    settings = Settings(**({"ingest_max_file_bytes": max_file_bytes} if max_file_bytes else {}))
    limits = settings.file_limits()
    source = str(PROJECT_ROOT / "data" / "fdj") if target == "shipped" else str(folder / target)
    work = Path(tempfile.mkdtemp(dir=folder))
    before = peak_rss_mb()
    started = time.perf_counter()
    if mode == "ingest":
        with duckdb.connect(str(work / "w.duckdb")) as con:
            results = [ingest_game(con, game, source, limits=limits) for game in Game]
        failed = [f.error for r in results for f in r.failed]
        outcome = (
            failed[0].replace(str(folder) + "/", "")[:150]
            if failed
            else f"loaded {sum(r.total('inserted') for r in results)} draws"
        )
        outcome += f" (warehouse file {(work / 'w.duckdb').stat().st_size / MIB:.1f} MB)"
    else:
        import dagster as dg

        from pipelines.schedules import build_automation

        inbox = work / "inbox"
        inbox.mkdir()
        path = inbox / f"euromillions_{target}"
        os.link(source, path) if Path(source).stat().st_dev == work.stat().st_dev else shutil.copy(
            source, path
        )
        os.utime(path, (0, 0))
        _, sensors = build_automation(Settings(inbox_dir=inbox))
        sensor = next(s for s in sensors if s.name == "fdj_inbox_sensor")
        before = peak_rss_mb()
        started = time.perf_counter()
        requests = list(sensor(dg.build_sensor_context()))
        outcome = f"{len(requests)} run requested, the file left where it lies (the run refuses it)"
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "rss_before_mb": before, "peak_rss_mb": peak_rss_mb(), "outcome": outcome}


def main(argv: list[str] | None = None) -> None:
    """Generate the files, run every case in its own process, print the table."""
    # Imported here, not at the top: each case's process measures its own RSS and stays lean.
    from bench.common import Column, Measure, Report, add_results_argument, ratio

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    add_results_argument(parser)
    args = parser.parse_args(argv)
    if args.case:
        mode, target, limit = CASES[args.case]
        print(json.dumps(run_case(mode, target, limit, Path(args.dir))))
        return
    report = Report.start("bench.bench_ingest_guard", "Ingest guards", args, argv)
    table = report.table(
        Column("case", "left"),
        Column("time"),
        Column("peak RSS"),
        Column("vs baseline"),
        Column("outcome", "left"),
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "junk.csv").write_bytes(junk_csv(50 * MIB))
        (folder / "bomb.zip").write_bytes(zip_bomb(190 * MIB))
        report.figure("junk.csv", Measure((folder / "junk.csv").stat().st_size / MIB, "MB", 1))
        report.figure("bomb.zip, compressed", Measure((folder / "bomb.zip").stat().st_size / MIB, "MB", 2))
        baseline = None
        for name in CASES:
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_ingest_guard", "--case", name, "--dir", tmp],
                capture_output=True,
                text=True,
                timeout=600,
                check=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            baseline = baseline or r["peak_rss_mb"]
            table.add(
                name,
                Measure(r["seconds"], "s", 2, display="s"),
                Measure(r["peak_rss_mb"], "MB", 0),
                ratio(r["peak_rss_mb"] / baseline, 2),
                r["outcome"],
            )
            report.figure(f"RSS after imports, {name}", Measure(r["rss_before_mb"], "MB", 0))
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
