"""Draws and their prize tiers as DataFrames, oldest first, selected like the statistics windows."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.dtypes import GAME, as_dates
from analysis.snapshot import as_game
from lottery.games import Game, current_era
from lottery.stats.models import StatsFilter
from serving.snapshot import ServingView
from warehouse.statistics import window_sql


def window_filter(
    window: StatsFilter | None = None,
    *,
    year: int | None = None,
    month: int | None = None,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    last: int | None = None,
) -> StatsFilter:
    """A validated window: ``window`` itself, or one built from the keywords (InvalidFilterError)."""
    if window is None:
        window = StatsFilter.model_validate(
            {"year": year, "month": month, "from": date_from, "to": date_to, "last": last}
        )
    elif any(v is not None for v in (year, month, date_from, date_to, last)):
        raise TypeError("give either a StatsFilter or keyword filters, not both")
    return window.validated()


def _window_dates(game: Game, window: StatsFilter) -> tuple[str, list[object]]:
    """SQL of the window's draw dates (the statistics' own window query) and its parameters."""
    sql, params = window_sql(game, window)
    return f"SELECT draw_date FROM ({sql})", params


def draws(view: ServingView, game: Game | str, window: StatsFilter | None = None, **filters) -> pd.DataFrame:
    """One row per main-formula draw of the window, oldest first.

    Filters as in the API and :func:`analysis.number_stats`: ``year``, ``month``, ``date_from``,
    ``date_to``, ``last`` (or a ``StatsFilter``). Columns: ``game`` (category), ``draw_date``
    (datetime64), ``numbers`` and ``bonus`` (sorted lists of int), ``n1``..``nk`` and ``b1``..``bj``
    (the same balls as int16 columns), ``balls_drawn``/``bonus_drawn`` (lists, FDJ's draw order),
    ``fdj_draw_id``, ``claim_deadline`` (datetime64, NaT where FDJ left it empty), ``currency``.
    Prize tiers: :func:`prize_tiers`, joined on ``game`` and ``draw_date``.
    """
    game = as_game(game)
    dates_sql, params = _window_dates(game, window_filter(window, **filters))
    with view.reading() as cur:
        frame = cur.execute(
            f"""
            SELECT game, draw_date, numbers, bonus, balls_drawn, bonus_drawn, fdj_draw_id,
                   claim_deadline, currency
            FROM draws WHERE game = ? AND draw_date IN ({dates_sql}) ORDER BY draw_date
            """,
            [game.value, *params],
        ).df()
    era = current_era(game)
    for column in ("numbers", "bonus", "balls_drawn", "bonus_drawn"):
        frame[column] = [[int(b) for b in balls] for balls in frame[column]]
    balls = pd.DataFrame(
        {
            **{f"n{i + 1}": [n[i] for n in frame["numbers"]] for i in range(era.numbers_count)},
            **{f"b{i + 1}": [b[i] for b in frame["bonus"]] for i in range(era.bonus_count)},
        },
        dtype="int16",
        index=frame.index,
    )
    frame = pd.concat([frame.iloc[:, :4], balls, frame.iloc[:, 4:]], axis=1)
    frame["game"] = frame["game"].astype(GAME)
    as_dates(frame, ["draw_date", "claim_deadline"])
    frame["fdj_draw_id"] = frame["fdj_draw_id"].astype("string")
    frame["currency"] = frame["currency"].astype("category")
    return frame


def prize_tiers(
    view: ServingView, game: Game | str, window: StatsFilter | None = None, **filters
) -> pd.DataFrame:
    """One row per draw of the window and prize rank, as FDJ published it (oldest draw first).

    Columns: ``game`` (category), ``draw_date`` (datetime64), ``prize_table`` (category: ``main``, or
    ``etoile_plus`` for EuroMillions' French add-on), ``rank`` (1 = jackpot), ``pattern`` (``5+2``:
    5 numbers and 2 stars; query the pattern, ranks were renumbered), ``numbers_min``/``numbers_max``/
    ``bonus_matched`` (Int16, <NA> where not applicable), ``winners_france``/``winners_europe``
    (Int64), ``prize`` (float64, per winner, in ``currency``).
    """
    game = as_game(game)
    dates_sql, params = _window_dates(game, window_filter(window, **filters))
    with view.reading() as cur:
        frame = cur.execute(
            f"""
            SELECT game, draw_date, prize_table, rank, pattern, numbers_min, numbers_max, bonus_matched,
                   winners_france, winners_europe, prize::DOUBLE AS prize, currency
            FROM prize_tiers WHERE game = ? AND draw_date IN ({dates_sql})
            ORDER BY draw_date, prize_table, rank
            """,
            [game.value, *params],
        ).df()
    frame["game"] = frame["game"].astype(GAME)
    as_dates(frame, ["draw_date"])
    frame = frame.astype(
        {
            "prize_table": "category",
            "rank": "int16",
            "pattern": "string",
            "numbers_min": "Int16",
            "numbers_max": "Int16",
            "bonus_matched": "Int16",
            "winners_france": "Int64",
            "winners_europe": "Int64",
            "prize": "float64",
            "currency": "category",
        }
    )
    return frame


def draw_count(view: ServingView, game: Game | str) -> int:
    """How many main-formula draws of ``game`` the snapshot holds."""
    with view.reading() as cur:
        return int(
            cur.execute("SELECT count(*) FROM draws WHERE game = ?", [as_game(game).value]).fetchall()[0][0]
        )
