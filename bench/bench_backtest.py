"""Walk-forward back-test timing: 4 strategies x 200 EuroMillions draws x 10 grids, next to a baseline.

    .venv/bin/python -m bench.bench_backtest [--game loto] [--repeat 3] [--draws 200] [--grids 10]

The draws come from the shipped history of ``--game`` (EuroMillions by default; a temporary warehouse
built from data/fdj). The result file is bench/results/bench_backtest.json, bench_backtest_loto.json
for Loto.
Timings are the median of ``--repeat`` runs (time.perf_counter, after one untimed run), in-process,
with a baseline timed in the same run so the ratio is what to compare across machines:

* ``baseline``: the same number of tickets (strategies x draws x grids), uniform random, drawn per
  target with numpy (random keys, argpartition) and scored against the target (matches and tier
  lookup) without any strategy, history or inputs: the floor of what scoring alone costs.

backtest() adds, per target, the history copy, the strategy inputs (once, shared by the strategies),
one generate() call per strategy, the scoring, and the t tests at the end. Target: under 10 s.
The result table follows: every figure next to the exact expectation for random tickets, then each
strategy's verdict (and the conclusion over all strategies with its cutoff, when the back-test gives
one). Prints Markdown tables and writes bench/results/bench_backtest.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

import numpy as np

from bench.common import (
    Cell,
    Column,
    Interval,
    Measure,
    RateTable,
    Report,
    add_results_argument,
    median_s,
    progress,
    shipped_draws,
)
from config.settings import PROJECT_ROOT
from lottery.backtest import BacktestConfig, BacktestResult, backtest, era_of
from lottery.games import Era, Game
from lottery.stats.engine import DrawSet
from lottery.strategies import BONUS_NAMES

EM = Game.EUROMILLIONS
TARGET_S = 10.0


def _tier_lookup(era: Era) -> np.ndarray:
    table = np.full((era.numbers_count + 1, era.bonus_count + 1), -1)
    for k in range(era.numbers_count + 1):
        for s in range(era.bonus_count + 1):
            table[k, s] = next((t for t, tier in enumerate(era.tiers) if tier.wins(k, s)), -1)
    return table


def baseline(ds: DrawSet, targets: int, tickets: int) -> Callable[[], object]:
    """``tickets`` uniform random tickets per target, scored without any strategy."""
    first = ds.size - targets
    eras = [era_of(ds.game, date.fromisoformat(str(d))) for d in ds.dates[first:]]
    tables = {era: _tier_lookup(era) for era in set(eras)}

    def run() -> tuple[float, float, int]:
        rng = np.random.default_rng(1)
        main_total = bonus_total = won = 0
        for t, era in enumerate(eras):
            i = first + t
            k, b = era.numbers_count, era.bonus_count
            numbers = np.argpartition(rng.random((tickets, era.numbers_max)), k - 1, axis=1)[:, :k] + 1
            bonus = np.argpartition(rng.random((tickets, era.bonus_max)), b - 1, axis=1)[:, :b] + 1
            main = np.isin(numbers, ds.numbers[i]).sum(axis=1)
            extra = np.isin(bonus, ds.bonus[i]).sum(axis=1)
            main_total += int(main.sum())
            bonus_total += int(extra.sum())
            won += int((tables[era][main, extra] >= 0).sum())
        return main_total / (targets * tickets), bonus_total / (targets * tickets), won

    return run


def _ci(low: float | None, high: float | None) -> Cell:
    return "n/a" if low is None or high is None else Interval(low, high, 3)


def _pv(p: float | None) -> Cell:
    return "n/a" if p is None else Measure(p, "p")


def result_table(report: Report, result: BacktestResult) -> None:
    """The result, every figure next to its exact expectation for random tickets; verdicts as notes."""
    right = ("expected", "95 % CI", "p")
    table = report.table(
        Column("strategy", "left"),
        Column("main matches"),
        *(Column(h) for h in right),
        Column(BONUS_NAMES[result.game]),
        Column("expected"),
        Column("p"),
        Column("any prize"),
        *(Column(h) for h in right),
        title=f"Targets {result.first_target} .. {result.last_target}, seed {result.config.seed}:",
    )
    for s in result.strategies:
        table.add(
            f"`{s.strategy.value}`",
            Measure(s.mean_main_matches, "matches", 3),
            Measure(s.expected_main_matches, "matches", 3),
            _ci(s.main_ci_low, s.main_ci_high),
            _pv(s.main_p_value),
            Measure(s.mean_bonus_matches, "matches", 3),
            Measure(s.expected_bonus_matches, "matches", 3),
            _pv(s.bonus_p_value),
            Measure(s.any_prize_rate, "rate", 4),
            Measure(s.expected_any_prize_rate, "rate", 4),
            _ci(s.any_prize_ci_low, s.any_prize_ci_high),
            _pv(s.any_prize_p_value),
        )
    report.notes.append("\n".join(f"- `{s.strategy.value}`: {s.verdict}" for s in result.strategies))
    conclusion = getattr(result, "conclusion", "")
    if conclusion:
        cutoff = getattr(result, "cutoff", None)
        comparisons = getattr(result, "comparisons", None)
        if cutoff is not None:
            over = f" (0.05 / {comparisons} comparisons)" if comparisons else ""
            report.figure(f"cutoff: a p below it stands out{over}", Measure(cutoff, "cutoff"))
        if comparisons:
            report.figure("comparisons judged together", Measure(comparisons, "tests", 0))
        report.notes.append(conclusion)
    report.notes.append(result.note)


def main(argv: list[str] | None = None) -> None:
    """Time the baseline and backtest(); print the timing table and the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--grids", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--game", type=Game, choices=list(Game), default=EM)
    parser.add_argument("--source", default=str(PROJECT_ROOT / "data" / "fdj"))
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_backtest", "Back-test", args, argv)
    if args.game is not EM:
        report.bench += f"_{args.game.value}"

    start = time.perf_counter()
    ds = shipped_draws(args.source, args.game)
    config = BacktestConfig(draws=args.draws, grids=args.grids, seed=args.seed)
    tickets = len(config.strategies) * config.draws * config.grids
    progress(
        f"{args.game.value}: {ds.size} draws from {args.source} (warehouse built in "
        f"{time.perf_counter() - start:.1f} s); {len(config.strategies)} strategies x {config.draws} "
        f"targets x {config.grids} grids = {tickets:,} tickets, median of {args.repeat}"
    )
    report.figure(f"{args.game.value} draws", Measure(ds.size, "draws", 0))
    report.figure(
        f"tickets: {len(config.strategies)} strategies × {config.draws} targets × {config.grids} grids",
        Measure(tickets, "tickets", 0),
    )
    base = median_s(baseline(ds, config.draws, len(config.strategies) * config.grids), args.repeat)
    results: list[BacktestResult] = []
    seconds = median_s(lambda: results.append(backtest(ds, config)), args.repeat)
    timing = RateTable.start(
        report, "tickets", tickets, "baseline: the same number of random tickets scored, no strategy", base
    )
    timing.add("`backtest()`: history, inputs, generate() per strategy, scoring, t tests", seconds, TARGET_S)
    result_table(report, results[-1])
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
