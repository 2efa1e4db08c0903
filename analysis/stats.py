"""Per-number statistics of any window, and as they stood each time the draws changed, as DataFrames.

The figures are the API's: :func:`window_stats` is ``serving.queries.stats_payload`` (the payload
stored for this data version, else the statistics engine on the snapshot's draws), so a frame here
equals ``GET /api/{game}/stats`` for the same filter. Definitions: the README's "Statistics:
definitions".
"""

from __future__ import annotations

import pandas as pd

from analysis.draws import window_filter
from analysis.dtypes import BALL, GAME, as_dates
from analysis.snapshot import as_game, has_table
from lottery.games import Game
from lottery.stats.models import NUMBER_STAT_COLUMNS, FullStats, StatsFilter
from serving.cache import CacheKind
from serving.queries import stats_payload
from serving.snapshot import ServingView

_INTEGERS = {"number": "int16", "count": "int64", "eligible_draws": "int64", "current_gap": "int64"}
_NULLABLE = {"max_gap": "Int64", "gap_before_first": "Int64", "mean_gap": "float64"}


def window_stats(
    view: ServingView, game: Game | str, window: StatsFilter | None = None, **filters
) -> FullStats:
    """The full statistics of a window, exactly as the API serves them (pairs, distributions,
    hot/cold, chi-square ...). Filters: ``year``, ``month``, ``date_from``, ``date_to``, ``last``."""
    payload = stats_payload(view, as_game(game), CacheKind.FULL, window_filter(window, **filters))
    return FullStats.model_validate_json(payload)


def number_stats(
    view: ServingView, game: Game | str, window: StatsFilter | None = None, **filters
) -> pd.DataFrame:
    """One row per ball of the window: numbers first, then bonus balls (stars, chance number).

    Columns: ``game``, ``ball`` (categories), ``number`` (int16), ``count``, ``eligible_draws``,
    ``frequency`` (count / eligible_draws), ``expected`` (fair count), ``current_gap``, ``max_gap``
    (Int64, <NA> below two appearances), ``mean_gap`` (NaN below two), ``last_drawn``
    (datetime64, NaT if never), ``gap_before_first``. ``frame.attrs`` holds the window's
    ``filters``, ``draw_count`` and ``data_version``.
    """
    stats = window_stats(view, game, window, **filters)
    rows = [
        {"ball": ball, **s.model_dump(include=set(NUMBER_STAT_COLUMNS))}
        for ball, group in (("number", stats.numbers), ("bonus", stats.bonus))
        for s in group
    ]
    frame = pd.DataFrame(rows, columns=["ball", *NUMBER_STAT_COLUMNS])
    frame.insert(0, "game", pd.Series([stats.game.value] * len(frame), dtype=GAME))
    frame["ball"] = frame["ball"].astype(BALL)
    frame = frame.astype({**_INTEGERS, **_NULLABLE})
    as_dates(frame, ["last_drawn"])
    frame.attrs.update(filters=stats.filters, draw_count=stats.draw_count, data_version=stats.data_version)
    return frame


def stats_history(view: ServingView, game: Game | str, ball: str | None = None) -> pd.DataFrame:
    """The per-number statistics over all history as they stood each time the draws changed.

    One set of rows per data version, dated by the first day a snapshot was stored with it (days
    without a new draw repeat the day before exactly, and are left out: forward-fill to get every
    day). Days come from the daily statistics asset and the ``*_stats_history`` backfill, once
    ``serving_snapshot`` has published them. ``ball``: ``number`` or ``bonus`` (both by default).
    Columns: ``snapshot_date`` (datetime64), ``game``, ``ball``, the columns of
    :func:`number_stats`, that day's ``draw_count`` and ``data_version``. Any other window as of a
    date: ``number_stats(view, game, date_to=...)``.
    """
    game = as_game(game)
    if ball not in (None, "number", "bonus"):
        raise ValueError(f"ball must be 'number' or 'bonus', got {ball!r}")
    if not has_table(view, "number_stats_history"):
        raise LookupError(
            f"snapshot {view.manifest.snapshot} was published before it kept statistics over time: "
            "materialise serving_snapshot again"
        )
    where, params = "n.game = ?", [game.value]
    if ball is not None:
        where += " AND n.ball = ?"
        params.append(ball)
    columns = ", ".join(f"n.{c}" for c in NUMBER_STAT_COLUMNS)
    with view.reading() as cur:
        frame = cur.execute(
            f"""
            SELECT n.snapshot_date, n.game, n.ball, {columns}, d.draw_count, d.data_version
            FROM number_stats_history n
            JOIN stats_history_days d ON d.game = n.game AND d.snapshot_date = n.snapshot_date
            WHERE {where} ORDER BY n.snapshot_date, n.ball DESC, n.number
            """,
            params,
        ).df()
    frame["game"] = frame["game"].astype(GAME)
    frame["ball"] = frame["ball"].astype(BALL)
    frame = frame.astype({**_INTEGERS, **_NULLABLE, "draw_count": "int64", "data_version": "string"})
    as_dates(frame, ["snapshot_date", "last_drawn"])
    return frame.reset_index(drop=True)
