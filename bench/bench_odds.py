"""The odds endpoint: what a MISS computes, and what a cached answer costs over HTTP.

    .venv/bin/python -m bench.bench_odds [--repeat 20]

On the shipped data (a throw-away warehouse and snapshot, bench.common.build):

* in-process, on one snapshot cursor: the baseline ``SELECT count(*) FROM prize_tiers`` of EuroMillions,
  the payout SQL of the current EuroMillions era alone (serving.payouts.range_payouts), and the whole
  answer a MISS computes (serving.odds.odds_answer: exact fractions, the SQL, the model, JSON);
* over HTTP (one uvicorn worker, its own Redis database, flushed first): one GET per EuroMillions
  (era, price) pair on an empty cache (MISS, each computed once), then the same GET repeated (HIT),
  against ``GET /ping`` timed in the same run.

Every timing is a median; ratios are to the baseline of the same group, measured in the same run.
Prints the table and writes bench/results/bench_odds.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx
import redis

from bench.common import (
    Column,
    Report,
    add_results_argument,
    build,
    median_s,
    ms,
    progress,
    ratio,
    redis_server,
    start_api,
)
from lottery.games import DrawKind, Game, era_on
from serving.odds import odds_answer
from serving.payouts import range_payouts
from serving.snapshot import SnapshotReader

BENCH_DB = 10  # bench_api uses 13, bench_memory 14, tests 11-12
COUNT_SQL = "SELECT count(*) FROM prize_tiers WHERE game = 'euromillions'"
EM = Game.EUROMILLIONS
# One date per EuroMillions (era, price) pair: 9 stars; 11 stars at 2.00 and at 2.50; 12 stars.
MISS_DATES = ("2005-06-01", "2012-06-01", "2015-06-01", "2020-06-01")


def once_s(fn: Callable[[], object]) -> float:
    """Seconds of one call."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    """Run the bench and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per median")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_odds", "Odds and value", args, argv)
    table = report.table(Column("case", "left"), Column("median"), Column("vs baseline"))
    today = date.today()
    era = era_on(EM, DrawKind.MAIN, today)
    assert era is not None
    with tempfile.TemporaryDirectory() as tmp:
        progress("building the snapshot from data/fdj ...")
        serving = build(Path(tmp))
        reader = SnapshotReader(serving)
        view = reader.current()
        assert view is not None
        with view.reading() as cur:
            base = median_s(
                lambda: cur.execute(
                    "SELECT count(*) FROM prize_tiers WHERE game = 'euromillions'"
                ).fetchall(),
                args.repeat,
            )
            sql = median_s(lambda: range_payouts(cur, EM, era.start, date.max), args.repeat)
        answer = median_s(lambda: odds_answer(view, EM, era, today).model_dump_json(), args.repeat)
        table.add("in-process: `count(*)` of EuroMillions prize rows (baseline)", ms(base), ratio(1.0))
        table.add(
            "in-process: payout SQL of the current era (mean, median per rank)", ms(sql), ratio(sql / base)
        )
        table.add("in-process: the whole answer a MISS computes", ms(answer), ratio(answer / base))
        reader.close()

        redis_url = f"{redis_server()}/{BENCH_DB}"
        redis.Redis.from_url(redis_url).flushdb()
        server, url = start_api({**os.environ, "SERVING_DIR": str(serving), "REDIS_URL": redis_url})
        try:
            with httpx.Client(base_url=url, timeout=30) as http:
                ping = median_s(lambda: http.get("/ping"), args.repeat)
                misses = []
                for day in MISS_DATES:
                    seconds = once_s(lambda d=day: http.get("/api/euromillions/odds", params={"date": d}))
                    misses.append(seconds)
                status = http.get("/api/euromillions/odds", params={"date": MISS_DATES[-1]}).headers[
                    "x-cache"
                ]
                assert status == "HIT", status
                hit = median_s(
                    lambda: http.get("/api/euromillions/odds", params={"date": MISS_DATES[-1]}), args.repeat
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
        miss = statistics.median(misses)
        table.add("HTTP: `GET /ping` (baseline)", ms(ping), ratio(1.0))
        table.add(
            f"HTTP: `GET /api/euromillions/odds` MISS ({len(misses)} eras and prices, each once)",
            ms(miss),
            ratio(miss / ping),
        )
        table.add("HTTP: `GET /api/euromillions/odds` HIT", ms(hit), ratio(hit / ping))
    report.notes.append(
        "A MISS happens once per (era, price) and data version: at most 4 EuroMillions and 2 Loto "
        "entries, whatever the date asked."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
