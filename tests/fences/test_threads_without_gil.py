"""Guards of the statistics engine's two-thread passes (lottery/stats/engine.py: ``_Passes``,
``full_stats``, ``quick_stats``) and of the data version computed beside them (warehouse/statistics.py
``_computed``): the numpy loops of the passes and a DuckDB query let another thread run meanwhile.

How it is seen without timing anything: the switch interval is set far beyond the test, so a thread
holding the GIL keeps it until it blocks or ends. The main thread waits on an event that the
worker thread sets just before the call; the main thread can only run again while the call is
still going if the call released the GIL.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator

import duckdb
import numpy as np
import pytest

BLOCK = (1 << 16) * 5  # one block of the engine's passes: 65,536 draws of 5 balls
_rng = np.random.default_rng(16)
BALLS = _rng.integers(1, 51, size=BLOCK, dtype=np.uint8)
ROWS = _rng.integers(0, 1 << 16, size=BLOCK, dtype=np.int64)
MASKS = _rng.integers(0, 1 << 62, size=BLOCK, dtype=np.uint64)
TABLE = _rng.integers(0, 19_600, size=51, dtype=np.int64)
STARTS = np.arange(0, BLOCK, 1 << 12)


@pytest.fixture
def no_forced_switches() -> Iterator[None]:
    """No thread is made to hand the GIL over: only a release lets another run."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1_000)
    yield
    sys.setswitchinterval(before)


def lets_others_run(call: Callable[[], object], repeat: int = 200) -> bool:
    """Whether the main thread ran while ``call`` (made ``repeat`` times) was running on another."""
    started = threading.Event()
    done = threading.Event()

    def run() -> None:
        started.set()
        for _ in range(repeat):
            call()
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    started.wait()
    ran_meanwhile = not done.is_set()
    worker.join()
    return ran_meanwhile


def test_the_probe_sees_a_call_that_keeps_the_gil(no_forced_switches: None) -> None:
    """The probe itself: ``sorted`` of a Python list holds the GIL throughout."""
    values = list(range(200_000, 0, -1))
    assert not lets_others_run(lambda: sorted(values), repeat=5)


PASSES: dict[str, Callable[[], object]] = {
    # per-ball gaps (_appearances): a radix sort of bytes, counts, differences, maxima per ball
    "argsort stable (bytes)": lambda: np.argsort(BALLS, kind="stable"),
    "bincount": lambda: np.bincount(BALLS, minlength=51),
    "subtract": lambda: np.subtract(ROWS[1:], ROWS[:-1]),
    "maximum.reduceat": lambda: np.maximum.reduceat(ROWS, STARTS),
    # triplets and pairs (_triplet_ranks_*): ranks by table lookups, counted
    "take": lambda: TABLE.take(BALLS),
    # the draws' shapes (_shapes): 64-bit sets of each draw, counted
    "bitwise_or": lambda: np.bitwise_or(MASKS, MASKS >> 1),
    "bitwise_count": lambda: np.bitwise_count(MASKS),
}


@pytest.mark.parametrize("name", list(PASSES))
def test_the_engines_numpy_loops_release_the_gil(no_forced_switches: None, name: str) -> None:
    """The two threads of ``_Passes`` only gain (1.26 s -> 882 ms on 10 million draws) if these loops
    run without the GIL; holding it, two threads would take as long as one, plus the switching."""
    assert lets_others_run(PASSES[name]), f"numpy {np.__version__}: {name} now holds the GIL"


def test_a_duckdb_query_releases_the_gil(no_forced_switches: None) -> None:
    """``data_version`` runs on a second cursor while the engine counts (``_computed``)."""
    con = duckdb.connect()
    try:
        query = "SELECT sum(hash(i)) FROM range(2000000) t(i)"
        assert lets_others_run(lambda: con.cursor().execute(query).fetchall(), repeat=5)
    finally:
        con.close()
