"""Wheels: size found against the proven lower bound, the full wheel and known optima; search time.

    .venv/bin/python -m bench.bench_wheels [--seed 1] [--repeat 1]

For each design "t if m" on n numbers with 5-number tickets, ``build_wheel`` runs with one seed
(the same search the API runs); every wheel is verified exhaustively (the domain refuses to return
an unverified one). The baseline is that exhaustive check alone on the wheel found, timed in the
same run: the search time is also given as a ratio to it. "estimate" is ``estimate_seconds``, which
decides inline (<= WHEEL_INLINE_MAX_S, 1 s) or queued; "actual / estimate" says how it held.
Known optimal covering numbers C(n,5,4) are those of OEIS A066010 (Nurmela and Östergård; the La
Jolla Covering Repository tables).

Prints the README's table and writes bench/results/bench_wheels.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
from math import comb

import numpy as np

from bench.common import Column, Measure, Report, add_results_argument, median_s, ratio
from lottery.games import Game
from lottery.wheels import Wheel, build_wheel, check_wheel, estimate_seconds, verify

DESIGNS = [(10, 3, 3), (10, 3, 4), (10, 4, 4), (11, 4, 4), (12, 4, 4), (15, 3, 3), (15, 3, 5)]
DESIGNS += [(20, 2, 2), (20, 3, 3), (20, 3, 4), (20, 3, 5), (20, 4, 5), (20, 4, 4)]
# C(n,5,4) from OEIS A066010 (triangle of C(n,k,k-1)), rows n = 10, 11, 12, column k = 5.
KNOWN = {(10, 4, 4): 51, (11, 4, 4): 66, (12, 4, 4): 113}


def masks_of(wheel: Wheel) -> np.ndarray:
    index = {x: i for i, x in enumerate(wheel.spec.numbers)}
    return np.array([sum(1 << index[x] for x in t) for t in wheel.tickets], dtype=np.uint32)


def main(argv: list[str] | None = None) -> None:
    """Build every design, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each search (median time)")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_wheels", "Wheels", args, argv)
    table = report.table(
        Column("design (n numbers, t if m)", "left"),
        Column("tickets found"),
        Column("lower bound"),
        Column("known optimum"),
        Column("full wheel C(n,5)"),
        Column("m-subsets checked"),
        Column("search"),
        Column("estimate"),
        Column("actual / estimate"),
        Column("exhaustive check (baseline)"),
        Column("search / check"),
    )
    for n, t, m in DESIGNS:
        spec = check_wheel(Game.EUROMILLIONS, list(range(1, n + 1)), t, m)
        wheels: list[Wheel] = []
        search_s = median_s(
            lambda spec=spec, wheels=wheels: wheels.append(build_wheel(spec, args.seed)),
            args.repeat,
            warmup=False,
        )
        wheel = wheels[-1]
        masks = masks_of(wheel)
        check_s = median_s(lambda n=n, t=t, m=m, masks=masks: verify(n, 5, t, m, masks), 5)
        assert wheel.verification.ok
        estimate = estimate_seconds(spec)
        known = KNOWN.get((n, t, m))
        table.add(
            f"{n} numbers, {t} if {m}",
            Measure(len(wheel.tickets), "tickets", 0),
            f"{wheel.lower_bound.value} ({wheel.lower_bound.name.split()[0]})",
            "" if known is None else str(known),
            Measure(comb(n, 5), "tickets", 0),
            Measure(wheel.verification.checked, "subsets", 0),
            Measure(search_s, "s", 2, display="s"),
            Measure(estimate, "s", 2, display="s"),
            ratio(search_s / estimate, 2),
            Measure(check_s, "s", 2, display="ms"),
            ratio(search_s / check_s, 0),
        )
    report.notes.append(
        "Every wheel above passed the exhaustive check over all its m-subsets. Lower bounds: "
        "Schönheim for m = t (covering designs), the counting bound for m > t (lotto designs)."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
