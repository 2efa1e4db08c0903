"""The faster engine (blocked passes, triplets by colex rank, pairs from triplets, counting whole
draws) equals the engine before it value for value, on random windows, across block boundaries."""

from __future__ import annotations

from math import comb, isclose

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery.stats import engine
from lottery.stats.engine import full_stats, passes, quick_stats, triplet_counts
from lottery.stats.models import StatsFilter
from tests.stats import engine_before
from tests.stats.test_properties import Window, windows


@pytest.mark.parametrize("threaded", [False, True], ids=["one-thread", "passes-on-threads"])
@pytest.mark.parametrize("block", [3, 17, None], ids=["blocks-of-3", "blocks-of-17", "default-blocks"])
@settings(max_examples=40, deadline=None)
@given(w=windows())
def test_full_and_quick_stats_equal_the_engine_before(block: int | None, threaded: bool, w: Window) -> None:
    ds = w.drawset()
    filters = StatsFilter()
    with pytest.MonkeyPatch.context() as patch:
        if block is not None:  # small blocks make every window cross many block boundaries
            patch.setattr(passes, "BLOCK_DRAWS", block)
        # Large windows run their passes on threads: here every window does.
        patch.setattr(passes, "PARALLEL_FROM_DRAWS", 1 if threaded else 1 << 62)
        full = full_stats(ds, filters, "v").model_dump()
        quick = quick_stats(ds, filters, "v").model_dump()
    assert_same(full, engine_before.full_stats(ds, filters, "v").model_dump())
    assert_same(quick, engine_before.quick_stats(ds, filters, "v").model_dump())


def assert_same(got: object, before: object, path: str = "") -> None:
    """Equal value for value; floats to 1e-12 relative: the expected counts are now one product per
    run of the pool (k / pool size times the run's draws), where the engine before added k / pool
    size draw by draw, so the last bits of a float may differ (and of what is computed from it)."""
    if isinstance(got, dict) and isinstance(before, dict):
        assert got.keys() == before.keys(), path
        for key in got:
            assert_same(got[key], before[key], f"{path}.{key}")
    elif isinstance(got, list) and isinstance(before, list):
        assert len(got) == len(before), path
        for i, (a, b) in enumerate(zip(got, before, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(got, float) and isinstance(before, float):
        assert isclose(got, before, rel_tol=1e-12, abs_tol=1e-12) or got == before, (path, got, before)
    else:
        assert got == before, (path, got, before)


@st.composite
def dense_draws(draw: st.DrawFn) -> tuple[np.ndarray, int]:
    """Sorted rows of 5 distinct balls of a small pool, sometimes more rows than possible draws."""
    top = draw(st.integers(5, 12))
    n = draw(st.integers(1, 3 * comb(top, 5) + 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = np.sort(np.argsort(rng.random((n, top)), axis=1)[:, :5] + 1, axis=1).astype(np.int16)
    return rows, top


@settings(max_examples=60, deadline=None)
@given(dense_draws(), st.sampled_from([1, 4, 1000]))
def test_both_triplet_counters_agree_with_a_count_of_every_row(
    case: tuple[np.ndarray, int], block: int
) -> None:
    rows, top = case
    expected = np.zeros(comb(top, 3), dtype=np.int64)
    for row in rows.tolist():
        for i in range(5):
            for j in range(i + 1, 5):
                for k in range(j + 1, 5):
                    a, b, c = row[i] - 1, row[j] - 1, row[k] - 1
                    expected[a + comb(b, 2) + comb(c, 3)] += 1  # colex rank of the triplet
    for by_draw in (False, True):
        got = triplet_counts(rows, top, block=block, by_draw=by_draw)
        assert got.tolist() == expected.tolist(), by_draw


def test_the_automatic_choice_gives_the_same_counts_below_and_above_the_possible_draws() -> None:
    rng = np.random.default_rng(7)
    few = np.sort(np.argsort(rng.random((100, 12)), axis=1)[:, :5] + 1, axis=1)
    many = np.sort(np.argsort(rng.random((2000, 12)), axis=1)[:, :5] + 1, axis=1)  # C(12, 5) = 792
    for rows in (few, many):
        assert triplet_counts(rows, 12).tolist() == triplet_counts(rows, 12, by_draw=False).tolist()
        assert triplet_counts(rows, 12).tolist() == triplet_counts(rows, 12, by_draw=True).tolist()


def test_passes_run_on_threads_only_for_large_windows_and_raise_what_a_pass_raises() -> None:
    import threading

    here = threading.get_ident()
    with engine._Passes(engine.PARALLEL_FROM_DRAWS, 2) as passes:
        assert passes.run(threading.get_ident)() != here
    with engine._Passes(engine.PARALLEL_FROM_DRAWS - 1, 2) as passes:
        assert passes.run(threading.get_ident)() == here
    with engine._Passes(engine.PARALLEL_FROM_DRAWS, 1) as passes:
        assert passes.run(threading.get_ident)() == here
    for draws in (1, engine.PARALLEL_FROM_DRAWS):
        with engine._Passes(draws, 2) as passes, pytest.raises(ZeroDivisionError):
            passes.run(lambda: 1 // 0)()
