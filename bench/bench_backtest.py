"""Walk-forward back-test timing: 4 strategies x 200 EuroMillions draws x 10 grids, next to a baseline.

    .venv/bin/python -m bench.bench_backtest [--repeat 3] [--draws 200] [--grids 10] [--source data/fdj]

The draws come from the shipped EuroMillions history (a temporary warehouse built from data/fdj).
Timings are the median of ``--repeat`` runs (time.perf_counter, after one untimed run), in-process,
with a baseline timed in the same run so the ratio is what to compare across machines:

* ``baseline``: the same number of tickets (strategies x draws x grids), uniform random, drawn per
  target with numpy (random keys, argpartition) and scored against the target (matches and tier
  lookup) without any strategy, history or inputs: the floor of what scoring alone costs.

backtest() adds, per target, the history copy, the strategy inputs (once, shared by the strategies),
one generate() call per strategy, the scoring, and the t tests at the end. Target: under 10 s.
The result table follows: every figure next to the exact expectation for random tickets.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

import numpy as np

from bench.common import median_s, shipped_draws
from lottery.backtest import BacktestConfig, BacktestResult, backtest, era_of
from lottery.games import Era, Game
from lottery.stats.engine import DrawSet
from warehouse.settings import PROJECT_ROOT

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


def _ci(low: float | None, high: float | None) -> str:
    return "n/a" if low is None or high is None else f"[{low:.3f}, {high:.3f}]"


def _pv(p: float | None) -> str:
    return "n/a" if p is None else f"{p:.2f}"


def table(result: BacktestResult) -> None:
    """The result, every figure next to its exact expectation for random tickets."""
    header = (
        f"  {'strategy':<18} {'main':>6} {'exp':>6} {'95% CI':>16} {'p':>5}   {'stars':>6} {'exp':>6} "
        f"{'p':>5}   {'any prize':>9} {'exp':>7} {'95% CI':>16} {'p':>5}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for s in result.strategies:
        print(
            f"  {s.strategy.value:<18} {s.mean_main_matches:>6.3f} {s.expected_main_matches:>6.3f} "
            f"{_ci(s.main_ci_low, s.main_ci_high):>16} {_pv(s.main_p_value):>5}   "
            f"{s.mean_bonus_matches:>6.3f} {s.expected_bonus_matches:>6.3f} {_pv(s.bonus_p_value):>5}   "
            f"{s.any_prize_rate:>9.4f} {s.expected_any_prize_rate:>7.4f} "
            f"{_ci(s.any_prize_ci_low, s.any_prize_ci_high):>16} {_pv(s.any_prize_p_value):>5}"
        )
    print()
    for s in result.strategies:
        print(f"  {s.strategy.value}: {s.verdict}")
    print(f"\n  {result.note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--grids", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--source", default=str(PROJECT_ROOT / "data" / "fdj"))
    args = parser.parse_args()

    start = time.perf_counter()
    ds = shipped_draws(args.source)
    config = BacktestConfig(draws=args.draws, grids=args.grids, seed=args.seed)
    tickets = len(config.strategies) * config.draws * config.grids
    print(
        f"EuroMillions: {ds.size} draws from {args.source} (warehouse built in "
        f"{time.perf_counter() - start:.1f} s); {len(config.strategies)} strategies x {config.draws} "
        f"targets x {config.grids} grids = {tickets:,} tickets, median of {args.repeat}\n"
    )
    base = median_s(baseline(ds, config.draws, len(config.strategies) * config.grids), args.repeat)
    results: list[BacktestResult] = []
    seconds = median_s(lambda: results.append(backtest(ds, config)), args.repeat)
    verdict = "ok" if seconds < TARGET_S else "MISSED"
    print(f"  {'case':<44} {'s':>8} {'tickets/s':>11} {'vs baseline':>12}")
    print(
        f"  {'baseline: random tickets scored, no strategy':<44} {base:>8.3f} "
        f"{tickets / base:>11,.0f} {'1.0x':>12}"
    )
    print(
        f"  {'backtest()':<44} {seconds:>8.3f} {tickets / seconds:>11,.0f} {seconds / base:>11.1f}x"
        f"  < {TARGET_S:g} s {verdict}\n"
    )
    result = results[-1]
    print(f"Targets {result.first_target} .. {result.last_target}, seed {config.seed}\n")
    table(result)


if __name__ == "__main__":
    main()
