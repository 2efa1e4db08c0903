"""The week's draws as CSV beside the report (pandas): one row per draw and prize rank."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from warehouse.draw_queries import DrawRecord

COLUMNS = (
    "draw_date",
    "numbers",
    "bonus",
    "fdj_draw_id",
    "prize_table",
    "rank",
    "pattern",
    "winners_france",
    "winners_europe",
    "prize",
    "currency",
)


def draws_frame(draws: Sequence[DrawRecord]) -> pd.DataFrame:
    """One row per draw and prize rank, oldest draw first (a draw without tiers keeps one row).

    Balls are written space-separated (``2 12 20 38 45``); winners are nullable integers.
    """
    rows = []
    for d in sorted(draws, key=lambda d: d.draw_date):
        balls = {
            "draw_date": d.draw_date,
            "numbers": " ".join(map(str, d.numbers)),
            "bonus": " ".join(map(str, d.bonus)),
            "fdj_draw_id": d.fdj_draw_id,
        }
        rows += [{**balls, **t.model_dump()} for t in d.prize_tiers] or [balls]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype(
        {"rank": "Int16", "winners_france": "Int64", "winners_europe": "Int64", "prize": "float64"}
    )


def draws_csv(draws: Sequence[DrawRecord]) -> str:
    """:func:`draws_frame` as CSV text (UTF-8, ``.`` decimals, ISO dates, empty for missing)."""
    return draws_frame(draws).to_csv(index=False)
