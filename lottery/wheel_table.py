"""The shipped table of wheels (``lottery/data/wheels.json``), checked when loaded.

The table holds, for every design "t if m" on n numbers (n = 5..20) that the API offers, the
smallest wheel found offline by ``scripts/build_wheel_table.py``, over the numbers 0..n-1 (tickets
as letters: ``a`` = 0, ``b`` = 1, ...). "5 if 5" is the full wheel and is stored without tickets.
Each design is verified over every m-subset (:func:`lottery.wheels.verify`) the first time it is
used; a design that fails is never served. :func:`relabel` maps a design onto a player's numbers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from math import comb
from pathlib import Path
from typing import Any

import numpy as np

TABLE_PATH = Path(__file__).with_name("data") / "wheels.json"
K = 5
MIN_N, MAX_N = 5, 20
LETTERS = "abcdefghijklmnopqrst"

# Best known sizes from the literature, with the source's key in the table's "sources". EXACT:
# the sources whose sizes are proven minima (a smaller design would be a bug, not a record).
EXACT_SOURCES = frozenset({"A066010", "full", "bound"})
KNOWN: dict[tuple[int, int, int], tuple[int, str]] = {
    (8, 4, 4): (20, "A066010"),
    (9, 4, 4): (30, "A066010"),
    (10, 4, 4): (51, "A066010"),
    (11, 4, 4): (66, "A066010"),
    (12, 4, 4): (113, "A066010"),
    (16, 3, 3): (65, "LJCR"),
} | {(n, 5, 5): (comb(n, 5), "full") for n in range(MIN_N, MAX_N + 1)}


class TableError(RuntimeError):
    """The shipped table is missing a design or holds one that fails its check."""


@dataclass(frozen=True)
class TableDesign:
    """One verified design over 0..n-1."""

    n: int
    t: int
    m: int
    tickets: tuple[tuple[int, ...], ...]
    lower_bound: int
    best_known: int | None
    source: str  # key of the table's sources: the best known size's origin, or "search"
    start_size: int  # size the plain greedy and local search reached (seed 1) before annealing

    @property
    def size(self) -> int:
        """Number of tickets."""
        return len(self.tickets)

    @property
    def optimal(self) -> bool:
        """Proven optimal: the size equals a proven lower bound."""
        return self.size == self.lower_bound


def encode_tickets(tickets: Sequence[Sequence[int]]) -> str:
    """Tickets over 0..19 as space-separated words of letters."""
    return " ".join("".join(LETTERS[i] for i in ticket) for ticket in tickets)


def decode_tickets(text: str) -> list[tuple[int, ...]]:
    """The inverse of :func:`encode_tickets`."""
    return [tuple(LETTERS.index(c) for c in word) for word in text.split()]


def offered_designs() -> list[tuple[int, int, int]]:
    """Every (n, t, m) with 5 <= n <= 20 whose lower bound fits the API's ticket limit."""
    from lottery.wheels import MAX_TICKETS, lower_bound

    return [
        (n, t, m)
        for n in range(MIN_N, MAX_N + 1)
        for m in range(1, K + 1)
        for t in range(1, m + 1)
        if m <= n and lower_bound(n, K, t, m).value <= MAX_TICKETS
    ]


@cache
@cache
def _raw(path: Path = TABLE_PATH) -> dict[tuple[int, int, int], dict[str, Any]]:
    """The table file's designs by (n, t, m), read once per process (do not modify)."""
    data = json.loads(path.read_text())
    return {(int(d["n"]), int(d["t"]), int(d["m"])): d for d in data["designs"]}


def sources(path: Path = TABLE_PATH) -> dict[str, str]:
    """The table's sources: key -> citation."""
    return dict(json.loads(path.read_text())["sources"])


def has_design(n: int, t: int, m: int, path: Path = TABLE_PATH) -> bool:
    """Is (n, t, m) in the table (without loading its tickets)."""
    return path.exists() and (n, t, m) in _raw(path)


def design_size(n: int, t: int, m: int, path: Path = TABLE_PATH) -> int:
    """Tickets of the table's design for (n, t, m), as stored (verified when :func:`design` loads it)."""
    size: int = _raw(path)[(n, t, m)]["size"]
    return size


@cache
def design(n: int, t: int, m: int, path: Path = TABLE_PATH) -> TableDesign:
    """The table's design for (n, t, m), verified exhaustively (once per process)."""
    from lottery.wheels import verify

    raw = _raw(path).get((n, t, m))
    if raw is None:
        raise TableError(f"no design for {n} numbers, {t} if {m} in {path.name}")
    if raw.get("construction") == "full":
        tickets = tuple(combinations(range(n), K))
    else:
        tickets = tuple(decode_tickets(str(raw["tickets"])))
    masks = np.array([sum(1 << i for i in ticket) for ticket in tickets], dtype=np.uint32)
    if len(set(tickets)) != len(tickets) or any(max(ticket) >= n for ticket in tickets):
        raise TableError(f"design {n} numbers, {t} if {m}: a ticket repeats or leaves 0..{n - 1}")
    check = verify(n, K, t, m, masks)
    if not check.ok:
        raise TableError(f"design {n} numbers, {t} if {m} misses {check.uncovered} m-subsets")
    known = KNOWN.get((n, t, m))
    bound = int(raw["lower_bound"])
    if known is not None:
        best, source = known
    elif len(tickets) == bound:
        best, source = bound, "bound"
    else:
        best, source = None, "search"
    return TableDesign(
        n=n,
        t=t,
        m=m,
        tickets=tickets,
        lower_bound=bound,
        best_known=best,
        source=source,
        start_size=int(raw["start_size"]),
    )


def relabel(
    tickets: Sequence[Sequence[int]], numbers: Sequence[int], rng: np.random.Generator | None = None
) -> tuple[tuple[int, ...], ...]:
    """The design's tickets on the player's numbers: point i becomes ``numbers[perm[i]]`` (the
    identity without ``rng``, else a random permutation), tickets sorted."""
    order = np.arange(len(numbers)) if rng is None else rng.permutation(len(numbers))
    mapped = [tuple(sorted(numbers[int(order[i])] for i in ticket)) for ticket in tickets]
    return tuple(sorted(mapped))
