"""Build lottery/data/wheels.json: the smallest wheel found for every design the API offers.

    nice -n 10 .venv/bin/python -m scripts.build_wheel_table [--case-seconds 15] [--only 16,3,5]

For every design "t if m" on n numbers (n = 5..20, 5-number tickets) that ``lottery.wheels``
accepts, the search starts from the wheel of ``lottery.wheels.search_wheel`` (greedy and local
search, seed 1), then repeatedly drops the least useful ticket and repairs the wheel by simulated
annealing with a fixed number of tickets (``scripts/wheel_anneal.c``, compiled here with the system
C compiler and loaded with ctypes), within a time budget per design, until the budget is spent or
the proven lower bound is met. "5 if 5" is the full wheel (every 5-subset is needed), stored
without its tickets. Every design is checked by ``lottery.wheels.verify`` over every m-subset
before it is written (and again when the API loads it). An existing table entry is kept when it is
no larger than what this run finds, so runs only ever improve the table.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import subprocess
import tempfile
import time
from math import comb
from pathlib import Path

import numpy as np

from lottery.games import Game
from lottery.wheel_table import (
    KNOWN,
    TABLE_PATH,
    decode_tickets,
    encode_tickets,
    offered_designs,
)
from lottery.wheels import check_wheel, lower_bound, search_wheel, subset_masks, verify

KERNEL = Path(__file__).with_name("wheel_anneal.c")
K = 5
ATTEMPT_SECONDS = 5.0
T0, COOLING = 1.0, 0.99995
Masks = ctypes.POINTER(ctypes.c_uint32)


def load_kernel(workdir: Path) -> ctypes.CDLL:
    """Compile the annealing kernel and load it."""
    library = workdir / "wheel_anneal.so"
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(library), str(KERNEL), "-lm"], check=True)
    lib = ctypes.CDLL(str(library))
    lib.anneal.restype = ctypes.c_int
    lib.anneal.argtypes = [
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        Masks,
        ctypes.c_int,
        Masks,
        ctypes.c_int,
        ctypes.c_uint64,
        ctypes.c_double,
        ctypes.c_double,
        ctypes.c_double,
        ctypes.POINTER(ctypes.c_longlong),
    ]
    return lib


def least_useful(tickets: np.ndarray, subsets: np.ndarray, t: int) -> int:
    """Index of the ticket that alone covers the fewest m-subsets."""
    cover = np.bitwise_count(tickets[:, None] & subsets[None, :]) >= t
    alone = (cover & (cover.sum(axis=0) == 1)[None, :]).sum(axis=1)
    return int(np.argmin(alone))


def shrink(
    lib: ctypes.CDLL, n: int, t: int, m: int, start: np.ndarray, budget_s: float, seed: int
) -> tuple[np.ndarray, int]:
    """Smallest covering wheel reached from ``start`` within ``budget_s``; also the steps spent."""
    subsets = np.ascontiguousarray(subset_masks(n, m), dtype=np.uint32)
    floor = lower_bound(n, K, t, m).value
    best = np.unique(start).astype(np.uint32)
    began, total = time.monotonic(), 0
    while len(best) > floor and (left := budget_s - (time.monotonic() - began)) > 0.05:
        trial = np.ascontiguousarray(np.delete(best, least_useful(best, subsets, t)))
        steps = ctypes.c_longlong()
        seed += 1
        found = lib.anneal(
            n,
            K,
            t,
            subsets.ctypes.data_as(Masks),
            len(subsets),
            trial.ctypes.data_as(Masks),
            len(trial),
            seed,
            min(ATTEMPT_SECONDS, left),
            T0,
            COOLING,
            ctypes.byref(steps),
        )
        total += steps.value
        if found == 0 and len(np.unique(trial)) == len(trial) and verify(n, K, t, m, trial).ok:
            best = np.unique(trial)
    return best, total


def build_case(
    lib: ctypes.CDLL, n: int, t: int, m: int, budget_s: float, previous: dict[str, object] | None = None
) -> dict[str, object]:
    """One design: its tickets (over 0..n-1), size, bound, the starting search's size. The
    annealing starts from the previous entry when it is smaller than the search's wheel."""
    bound = lower_bound(n, K, t, m)
    entry: dict[str, object] = {"n": n, "t": t, "m": m, "lower_bound": bound.value, "bound_kind": bound.kind}
    if t == m == K:
        return entry | {"size": comb(n, K), "start_size": comb(n, K), "construction": "full", "tickets": ""}
    spec = check_wheel(Game.EUROMILLIONS, list(range(1, n + 1)), t, m)
    started = search_wheel(spec, seed=1)
    start = np.array([sum(1 << (x - 1) for x in ticket) for ticket in started.tickets], dtype=np.uint32)
    first = start
    if previous is not None and previous.get("tickets") and int(previous["size"]) < len(start):  # type: ignore[call-overload]
        first = np.array(
            [sum(1 << i for i in tk) for tk in decode_tickets(str(previous["tickets"]))], dtype=np.uint32
        )
    best, steps = shrink(lib, n, t, m, first, budget_s, seed=1000 * n + 10 * t + m + len(first))
    check = verify(n, K, t, m, best)
    if not check.ok:
        raise SystemExit(f"design {n} {t} if {m} fails its check: {check.uncovered} uncovered")
    tickets = [tuple(i for i in range(n) if int(mask) >> i & 1) for mask in best]
    return entry | {
        "size": len(best),
        "start_size": len(start),
        "construction": "search",
        "anneal_steps": steps,
        "tickets": encode_tickets(sorted(tickets)),
    }


def main(argv: list[str] | None = None) -> None:
    """Build (or improve) the table and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case-seconds", type=float, default=15.0, help="annealing budget per design")
    parser.add_argument("--only", nargs="+", help="designs n,t,m to rebuild (the others are kept)")
    parser.add_argument("--out", type=Path, default=TABLE_PATH)
    parser.add_argument(
        "--rewrite", action="store_true", help="no search: rewrite the file with the current sources"
    )
    args = parser.parse_args(argv)
    old = json.loads(args.out.read_text()) if args.out.exists() else {"designs": []}
    kept = {(d["n"], d["t"], d["m"]): d for d in old["designs"]}
    if args.rewrite:
        write(args.out, kept)
        return
    wanted = offered_designs()
    if args.only:
        wanted = [tuple(int(x) for x in item.split(",")) for item in args.only]  # type: ignore[misc]
    with tempfile.TemporaryDirectory() as tmp:
        lib = load_kernel(Path(tmp))
        for n, t, m in wanted:
            began = time.monotonic()
            previous = kept.get((n, t, m))
            entry = build_case(lib, n, t, m, args.case_seconds, previous)
            if previous is not None and previous["size"] <= entry["size"]:  # type: ignore[operator]
                entry = previous
            elif previous is not None:
                entry["start_size"] = min(int(entry["start_size"]), int(previous["start_size"]))  # type: ignore[call-overload]
            kept[(n, t, m)] = entry
            if entry["tickets"]:
                masks = np.array(
                    [sum(1 << i for i in tk) for tk in decode_tickets(str(entry["tickets"]))], dtype=np.uint32
                )
                assert verify(n, K, t, m, masks).ok
            print(
                f"{n:2d} numbers, {t} if {m}: {entry['size']} tickets (start {entry['start_size']}, "
                f"bound {entry['lower_bound']}) {time.monotonic() - began:.1f} s",
                flush=True,
            )
            write(args.out, kept)


def write(path: Path, designs: dict[tuple[int, int, int], dict[str, object]]) -> None:
    """The table as JSON: sources, then one design per line (tickets as letters a = 0, b = 1...)."""
    rows = [designs[key] for key in sorted(designs)]
    for row in rows:
        known = KNOWN.get((int(row["n"]), int(row["t"]), int(row["m"])))  # type: ignore[call-overload]
        row.pop("best_known", None)
        if known is not None:
            row["best_known"] = known[0]
    body = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
    header = {
        "about": "Wheels (lotto designs L(n,5,m,t)) over numbers 0..n-1, ticket letters a=0 .. t=19; "
        "built by scripts/build_wheel_table.py, each verified over every m-subset",
        "sources": dict(SOURCES),
    }
    text = json.dumps(header, ensure_ascii=False, indent=1)[:-2] + ',\n "designs": [\n' + body + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


SOURCES = {
    "A066010": "OEIS A066010, covering numbers C(n,k,k-1) (Nurmela and Östergård 1999; the La Jolla "
    "Covering Repository): C(8,5,4)=20, C(9,5,4)=30, C(10,5,4)=51, C(11,5,4)=66 (the Steiner "
    "system S(4,5,11)), C(12,5,4)=113",
    "LJCR": "La Jolla Covering Repository, version 1.2 (D. Gordon, 24 April 2026, Zenodo DOI "
    "10.5281/zenodo.19735294, CC BY 4.0): C(16,5,3) <= 65 (R. Belic, 1997), lower bound 61",
    "full": "5 if 5 needs every 5-subset: C(n,5) tickets, exactly",
    "bound": "a design whose size equals its proven lower bound (lottery.wheels.lower_bound) is optimal",
}


if __name__ == "__main__":
    main()
