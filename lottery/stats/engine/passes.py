"""How the passes over a window run: block by block of draws, and on threads for a large window."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import ParamSpec, TypeVar

BLOCK_DRAWS = 1 << 16  # draws per block in the passes below: the block's arrays stay in the CPU cache


def _block_size(block: int | None) -> int:
    """Draws per block: ``block``, or None for :data:`BLOCK_DRAWS` (read at call time)."""
    return block or BLOCK_DRAWS


def _blocks(n: int, block: int | None) -> list[tuple[int, int]]:
    """(start, stop) of each block of ``block`` draws (None: BLOCK_DRAWS, read at call time)."""
    size = _block_size(block)
    return [(start, min(start + size, n)) for start in range(0, n, size)]


T = TypeVar("T")
P = ParamSpec("P")
PARALLEL_FROM_DRAWS = 1 << 18  # windows of this many draws or more run their passes on threads
STATS_THREADS = 2  # threads of one statistics computation on a large window


class _Passes:
    """Independent passes over one window, on ``threads`` threads when the window holds at least
    :data:`PARALLEL_FROM_DRAWS` draws (numpy's loops release the GIL), else one after the other in
    the caller's thread (a thread pool would cost more than a small window's passes). ``run``
    returns a callable giving the pass's result (raising its exception)."""

    def __init__(self, draws: int, threads: int) -> None:
        self._pool = ThreadPoolExecutor(threads) if threads > 1 and draws >= PARALLEL_FROM_DRAWS else None

    def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Callable[[], T]:
        if self._pool is None:
            value = fn(*args, **kwargs)
            return lambda: value
        return self._pool.submit(fn, *args, **kwargs).result

    def __enter__(self) -> _Passes:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
