"""pandas DataFrames for analysts and notebooks, read from the published serving snapshot.

The serving snapshot is an immutable DuckDB file opened read-only, so reading it is safe while
Dagster writes the warehouse (the warehouse itself is never opened here). Every figure comes from
the code the API runs: per-number statistics through ``serving.queries.stats_payload`` (the stored
payload, or the statistics engine on the snapshot's draws), back-tests through
``serving.queries.latest_backtest``. This package only shapes them as typed DataFrames: dates as
``datetime64``, balls as integers (and lists), games, balls and strategies as categories.

    from analysis import open_snapshot, draws, number_stats
    view = open_snapshot()                      # SERVING_DIR, as the API reads it
    em = draws(view, "euromillions")            # one row per draw
    freq = number_stats(view, "euromillions", year=2025)

Examples: ``examples/analysts.ipynb``; the README's "For analysts" section.
"""

from analysis.backtests import backtests
from analysis.draws import draw_count, draws, prize_tiers
from analysis.snapshot import open_snapshot, snapshot
from analysis.stats import number_stats, stats_history, window_stats

__all__ = [
    "backtests",
    "draw_count",
    "draws",
    "number_stats",
    "open_snapshot",
    "prize_tiers",
    "snapshot",
    "stats_history",
    "window_stats",
]
