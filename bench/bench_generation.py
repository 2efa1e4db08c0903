"""Grid generation timings: 10,000 EuroMillions grids per strategy, next to numpy's raw sampling.

    .venv/bin/python -m bench.bench_generation [--repeat 5] [--count 10000] [--source data/fdj]

The inputs come from the shipped EuroMillions history (a temporary warehouse built from data/fdj,
whole window). Each line is the median of ``--repeat`` runs (time.perf_counter, after one untimed
run), in-process, with two baselines timed in the same run so the ratios are what to compare across
machines:

* ``numpy choice loop``: ``count`` x [``rng.choice(50, 5, replace=False)`` and
  ``rng.choice(12, 2, replace=False)``], the plain way to draw the same balls one grid at a time;
* ``numpy Gumbel top-k``: the same uniform sampling vectorised (one ``(count, 50)`` and one
  ``(count, 12)`` Gumbel array, argpartition, sort): the floor of what generate() does.

generate() adds weights, duplicate removal, validation, scores, the reasons and the Grid objects.
Target: under 500 ms per strategy.

Prints the README's table and writes bench/results/bench_generation.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from bench.common import (
    Column,
    Measure,
    Report,
    Target,
    add_results_argument,
    median_s,
    ms,
    progress,
    ratio,
    shipped_draws,
)
from config.settings import PROJECT_ROOT
from lottery.games import Game
from lottery.strategies import Strategy, StrategyInputs, generate, inputs_from_draws

EM = Game.EUROMILLIONS
TARGET_MS = 500.0


def shipped_inputs(source: str) -> StrategyInputs:
    """EuroMillions inputs over the whole shipped history."""
    return inputs_from_draws(shipped_draws(source, EM))


def choice_loop(count: int) -> Callable[[], object]:
    """``count`` grids with Generator.choice, one grid at a time."""

    def run() -> list[tuple[np.ndarray, np.ndarray]]:
        rng = np.random.default_rng(1)
        return [(rng.choice(50, 5, replace=False), rng.choice(12, 2, replace=False)) for _ in range(count)]

    return run


def gumbel_vectorised(count: int) -> Callable[[], object]:
    """``count`` uniform grids in one go: Gumbel keys, top-k by argpartition, sorted rows."""

    def run() -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(1)
        numbers = np.argpartition(-rng.gumbel(size=(count, 50)), 4, axis=1)[:, :5] + 1
        stars = np.argpartition(-rng.gumbel(size=(count, 12)), 1, axis=1)[:, :2] + 1
        numbers.sort(axis=1)
        stars.sort(axis=1)
        return numbers, stars

    return run


def main(argv: list[str] | None = None) -> None:
    """Time both baselines and every strategy; print the README's table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--source", default=str(PROJECT_ROOT / "data" / "fdj"))
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_generation", "Generation", args, argv)

    start = time.perf_counter()
    inputs = shipped_inputs(args.source)
    progress(
        f"EuroMillions inputs: {inputs.draw_count} draws from {args.source} "
        f"(warehouse built in {time.perf_counter() - start:.1f} s); {args.count:,} grids per run"
    )
    report.figure("draws behind the weights", Measure(inputs.draw_count, "draws", 0))
    report.figure("grids per run", Measure(args.count, "grids", 0))
    loop = median_s(choice_loop(args.count), args.repeat)
    vector = median_s(gumbel_vectorised(args.count), args.repeat)
    table = report.table(
        Column("case", "left"), Column("median"), Column("grids/s"), Column("vs `Generator.choice` loop")
    )

    def line(case: str, seconds: float) -> None:
        table.add(case, ms(seconds, 1), Measure(args.count / seconds, "grids/s", 0), ratio(seconds / loop, 2))

    line("`rng.choice(50, 5)` + `rng.choice(12, 2)` per grid, a Python loop (baseline)", loop)
    line("the same sampling vectorised (Gumbel top-k), the floor", vector)
    times = {}
    for strategy in Strategy:
        seeds = iter(range(10**6))
        times[strategy] = median_s(
            lambda s=strategy, seeds=seeds: generate(s, inputs, args.count, seed=next(seeds)), args.repeat
        )
        line(f"`{strategy.value}`", times[strategy])
    limit = Measure(TARGET_MS / 1000, "s", 0, display="ms")
    floor = [seconds / vector for seconds in times.values()]
    report.notes.append(
        f"generate() takes {min(floor):.1f}x to {max(floor):.1f}x the vectorised floor (Gumbel top-k) and "
        f"{sum(Target.check(s, '<', limit).met for s in times.values())} of {len(times)} strategies are "
        f"under the {TARGET_MS:g} ms target."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
