"""Wheels: the shipped table's size per design beside the best known and the lower bound; answer time.

    .venv/bin/python -m bench.bench_wheels [--min-n 8] [--repeat 3]

For every design "t if m" on n numbers (5-number tickets) that the API offers, n from ``--min-n``
to 20: the size of the table's wheel (``lottery/data/wheels.json``), the size the plain greedy and
local search reached from seed 1 when the table was built (the search the API ran alone before the
table; it is the annealing's starting point), the best known size with its source, or "search"
where no published record was found (the size is then what the offline annealing reached), and the
proven lower bound. "answer" is the median time of what the API runs for a request (the table's
wheel relabelled onto the numbers, the exhaustive check, the answer with its exact odds); the
baseline is the exhaustive check alone on the same wheel, timed in the same run.

Prints the table and the counts (equal to / better than / worse than the best known; proven
optimal) and writes bench/results/bench_wheels.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np

from bench.common import Column, Measure, Report, add_results_argument, median_s, ratio
from lottery import wheel_table
from lottery.games import Game
from lottery.wheel_answer import WheelAnswer, wheel_answer
from lottery.wheels import WheelSpec, build_wheel, check_wheel, verify


def main(argv: list[str] | None = None) -> None:
    """Every design of the table, its size against the records, the time to answer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-n", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="timed answers per design (median)")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_wheels", "Wheels", args, argv)
    table = report.table(
        Column("design (n numbers, t if m)", "left"),
        Column("tickets (table)"),
        Column("search alone (seed 1)"),
        Column("best known (source)", "left"),
        Column("lower bound", "left"),
        Column("vs best known", "left"),
        Column("answer"),
        Column("exhaustive check (baseline)"),
        Column("answer / check"),
    )
    counts = {"equal": 0, "better": 0, "worse": 0, "no record": 0}
    optimal = 0
    citations = wheel_table.sources()
    designs = [d for d in wheel_table.offered_designs() if d[0] >= args.min_n]
    for n, t, m in designs:
        spec = check_wheel(Game.EUROMILLIONS, list(range(1, n + 1)), t, m)
        design = wheel_table.design(n, t, m)
        masks = np.array([sum(1 << i for i in ticket) for ticket in design.tickets], dtype=np.uint32)
        answer_s = median_s(partial(answer, spec), args.repeat)
        check_s = median_s(partial(verify, n, 5, t, m, masks), args.repeat)
        if design.best_known is None:
            verdict, known = "no record", "search"
        else:
            verdict = (
                "equal"
                if design.size == design.best_known
                else "better"
                if design.size < design.best_known
                else "worse"
            )
            known = f"{design.best_known} ({design.source})"
        counts[verdict] += 1
        optimal += design.optimal
        table.add(
            f"{n} numbers, {t} if {m}",
            Measure(design.size, "tickets", 0, bold=design.optimal),
            Measure(design.start_size, "tickets", 0),
            known,
            f"{design.lower_bound} ({spec_bound_kind(n, t, m)})",
            verdict,
            Measure(answer_s, "s", 2, display="ms"),
            Measure(check_s, "s", 2, display="ms"),
            ratio(answer_s / check_s, 0),
        )
    total = len(designs)
    report.figure("designs", Measure(total, "designs", 0))
    for label, value in counts.items():
        report.figure(f"{label} (vs best known)", Measure(value, "designs", 0))
    report.figure("proven optimal (size = lower bound, bold)", Measure(optimal, "designs", 0))
    smaller = sum(wheel_table.design(*d).size < wheel_table.design(*d).start_size for d in designs)
    report.figure("smaller than the search alone", Measure(smaller, "designs", 0))
    report.notes.append(
        "Sources: "
        + "; ".join(f"{key}: {text}" for key, text in citations.items())
        + ". Every wheel passed the exhaustive check over all its m-subsets, at load and once "
        "relabelled. Lower bounds: Schönheim for m = t (covering designs), the counting bound for "
        "m > t (lotto designs), the union bound for t = 1 when larger."
    )
    report.finish(args.results_dir)


def answer(spec: WheelSpec) -> WheelAnswer:
    """What the API computes for a request: the table's wheel, checked, and its answer."""
    return wheel_answer(build_wheel(spec, 1), None, 0.0, 0.0)


def spec_bound_kind(n: int, t: int, m: int) -> str:
    """The lower bound's short name."""
    from lottery.wheels import lower_bound

    return lower_bound(n, 5, t, m).kind


if __name__ == "__main__":
    main()
