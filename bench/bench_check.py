"""Ticket checker timing: 10,000 tickets against the whole EuroMillions history, next to a bare popcount.

    .venv/bin/python -m bench.bench_check [--tickets 10000] [--repeat 5] [--seed 0]

The draws and FDJ's payouts come from a serving snapshot built from the shipped files (a temporary
warehouse from data/fdj); the tickets are uniform random (stars 1..12, so tickets with star 10, 11 or
12 are not playable in the earlier eras). Timings are medians of ``--repeat`` runs (after one untimed
run), in-process, with the floor timed in the same run so the ratio is what to compare across machines:

* ``floor``: the bare popcounts over the same arrays and chunks (numbers AND + ``np.bitwise_count``,
  stars AND + ``np.bitwise_count``), nothing else: what any bit-mask checker must at least spend.

``check()`` adds the pattern code, the rank lookup per era, the playability mask, the sparse wins
with their payouts, the totals per ticket (cost, won, best win, wins per rank) and the exact-combination
lookup; ``payload()`` turns that into the answer's values (1,000 win rows listed; the API then builds
its response model from them, ``api.models.check``, not timed here). The cells per second of
``check()`` + ``payload()`` give the size answered directly by the API in about 0.2 s
(CHECK_DIRECT_MAX_CELLS). Target: ``check()`` under 1 s.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from bench.common import (
    Measure,
    RateTable,
    Report,
    add_results_argument,
    build,
    median_s,
    progress,
)
from lottery.checker import CHUNK_CELLS, DrawHistory, Ticket, ball_masks, check, payload
from lottery.games import Game
from serving import queries
from serving.snapshot import SnapshotReader

EM = Game.EUROMILLIONS
TARGET_S = 1.0
DIRECT_S = 0.2


def random_tickets(n: int, seed: int) -> list[Ticket]:
    """``n`` uniform random EuroMillions tickets (5 of 50, 2 of 12)."""
    rng = np.random.default_rng(seed)
    numbers = np.argsort(rng.random((n, 50)), axis=1)[:, :5] + 1
    stars = np.argsort(rng.random((n, 12)), axis=1)[:, :2] + 1
    return [Ticket(tuple(a.tolist()), tuple(b.tolist())) for a, b in zip(numbers, stars, strict=True)]


def floor(history: DrawHistory, tickets: list[Ticket]) -> int:
    """The bare popcounts over the same masks and chunks as check()."""
    t_main = ball_masks(np.array([t.numbers for t in tickets]), np.uint64)
    t_star = ball_masks(np.array([t.bonus for t in tickets]), np.uint16)
    d_main = ball_masks(history.numbers, np.uint64)
    d_star = ball_masks(history.bonus, np.uint16)
    step = max(1, CHUNK_CELLS // history.size)
    total = 0
    for a in range(0, len(tickets), step):
        numbers_hit = np.bitwise_count(t_main[a : a + step, None] & d_main[None, :])
        stars_hit = np.bitwise_count(t_star[a : a + step, None] & d_star[None, :])
        total += int(numbers_hit[:, 0].sum()) + int(stars_hit[:, 0].sum())
    return total


def main(argv: list[str] | None = None) -> None:
    """Time the floor, check() and check() + payload(); print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_check", "Ticket checker", args, argv)
    with tempfile.TemporaryDirectory() as tmp:
        progress("building a snapshot from data/fdj ...")
        reader = SnapshotReader(build(Path(tmp)))
        view = reader.current()
        assert view is not None
        history = queries.check_history(view, EM)
        reader.close()
    tickets = random_tickets(args.tickets, args.seed)
    cells = len(tickets) * history.size
    report.figure("EuroMillions draws (the whole history)", Measure(history.size, "draws", 0))
    report.figure("tickets × draws", Measure(cells, "cells", 0))
    base = median_s(lambda: floor(history, tickets), args.repeat)
    seconds = median_s(lambda: check(history, tickets), args.repeat)
    full = median_s(lambda: payload(check(history, tickets)), args.repeat)
    table = RateTable.start(
        report, "cells", cells, "floor: bare popcounts over the same arrays", base, versus="floor"
    )
    table.add("`check()`: ranks per era, playability, payouts, totals, exact draws", seconds, TARGET_S)
    table.add("`check()` + `payload()`: the API's answer (1,000 win rows)", full)
    report.figure(
        f"tickets × draws answered in {DIRECT_S} s (check + payload)",
        Measure(cells / full * DIRECT_S, "cells", 0, approx=True),
    )
    outcome = check(history, tickets)
    report.notes.append(
        f"{int(outcome.totals.wins.sum()):,} wins found; {int((~outcome.admitted).any(axis=1).sum()):,} of "
        f"{len(tickets):,} tickets hold a star above 9 or 11 and skip the eras that did not have it."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
