"""Per-number statistics of any window, and of every day's snapshot, as DataFrames.

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
from lottery.stats.models import FullStats, StatsFilter
from serving.cache import CacheKind
from serving.queries import stats_payload
from serving.snapshot import HISTORY_SCOPES, ServingView

NUMBER_COLUMNS = (
    "number",
    "count",
    "eligible_draws",
    "frequency",
    "expected",
    "current_gap",
    "max_gap",
    "mean_gap",
    "last_drawn",
    "gap_before_first",
)
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
        {"ball": ball, **s.model_dump(include=set(NUMBER_COLUMNS))}
        for ball, group in (("number", stats.numbers), ("bonus", stats.bonus))
        for s in group
    ]
    frame = pd.DataFrame(rows, columns=["ball", *NUMBER_COLUMNS])
    frame.insert(0, "game", pd.Series([stats.game.value] * len(frame), dtype=GAME))
    frame["ball"] = frame["ball"].astype(BALL)
    frame = frame.astype({**_INTEGERS, **_NULLABLE})
    as_dates(frame, ["last_drawn"])
    frame.attrs.update(filters=stats.filters, draw_count=stats.draw_count, data_version=stats.data_version)
    return frame


def stats_history(view: ServingView, game: Game | str, ball: str | None = None) -> pd.DataFrame:
    """Every stored day's per-number statistics over all history, oldest day first.

    One row per day and ball: how the all-history figures moved as draws came in. ``ball``
    ``number`` or ``bonus`` (both by default). Columns: ``snapshot_date`` (datetime64), ``game``,
    ``scope`` (``all``), ``ball``, the columns of :func:`number_stats`, that day's ``draw_count`` and
    ``data_version``. Days come from the daily statistics asset and the ``*_stats_history`` backfill
    (then ``serving_snapshot``). Any other window as of a date: ``number_stats(view, game, date_to=...)``.
    """
    game = as_game(game)
    if ball not in (None, "number", "bonus"):
        raise ValueError(f"ball must be 'number' or 'bonus', got {ball!r}")
    if not has_table(view, "number_stats_history"):
        raise LookupError(
            f"snapshot {view.manifest.snapshot} was published before it kept statistics over time: "
            "materialise serving_snapshot again"
        )
    where, params = "game = ? AND scope = ?", [game.value, HISTORY_SCOPES[0]]
    if ball is not None:
        where += " AND ball = ?"
        params.append(ball)
    with view.reading() as cur:
        frame = cur.execute(
            f"""
            SELECT snapshot_date, game, scope, ball, {", ".join(NUMBER_COLUMNS)}, draw_count, data_version
            FROM number_stats_history WHERE {where}
            ORDER BY snapshot_date, ball DESC, number
            """,
            params,
        ).df()
    frame["game"] = frame["game"].astype(GAME)
    frame["ball"] = frame["ball"].astype(BALL)
    frame = frame.astype(
        {**_INTEGERS, **_NULLABLE, "scope": "category", "draw_count": "int64", "data_version": "string"}
    )
    as_dates(frame, ["snapshot_date", "last_drawn"])
    return frame.reset_index(drop=True)
