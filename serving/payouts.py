"""What FDJ actually paid per rank over a date range, as SQL over the serving snapshot.

A rank's row of a draw counts as *paid* when it had at least one winner (in France or in Europe)
and a positive prize. FDJ's files also list ranks nobody won: the Loto jackpot on offer with 0
winners, the EuroMillions jackpot at 0.00 when it rolled over. Those rows are left out of the mean
and median and counted apart (``draws_without_winner``), never averaged in as zeros nor as the
amount on offer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from lottery.games import Game

PAYOUT_SQL = """
    WITH rows AS (
        SELECT pattern, rank, prize::DOUBLE AS prize,
               prize > 0 AND (coalesce(winners_europe, 0) > 0 OR coalesce(winners_france, 0) > 0) AS paid
        FROM prize_tiers
        WHERE game = ? AND kind = 'main' AND prize_table = 'main' AND draw_date >= ? AND draw_date < ?
    )
    SELECT pattern,
           min(rank) AS first_rank,
           max(rank) AS last_rank,
           count(*) AS draws_listed,
           count(*) FILTER (WHERE paid) AS draws_paid,
           avg(prize) FILTER (WHERE paid) AS mean_prize,
           median(prize) FILTER (WHERE paid) AS median_prize,
           min(prize) FILTER (WHERE paid) AS min_prize,
           max(prize) FILTER (WHERE paid) AS max_prize
    FROM rows
    GROUP BY pattern
    ORDER BY first_rank
"""


@dataclass(frozen=True)
class PatternPayout:
    """The prizes FDJ paid for one match pattern (``5+2``, ``0-1+1`` ...) over a date range, in euros."""

    pattern: str
    ranks: tuple[int, ...]  # FDJ's rank number(s) of this pattern in the files of the range
    draws_listed: int
    draws_paid: int
    mean: float | None
    median: float | None
    minimum: float | None
    maximum: float | None

    @property
    def draws_without_winner(self) -> int:
        """Draws whose row for this pattern had no winner or no prize (left out of the figures)."""
        return self.draws_listed - self.draws_paid


@dataclass(frozen=True)
class RangePayouts:
    """The draws of a date range and what each pattern paid over them."""

    draws: int
    first_draw: date | None
    last_draw: date | None
    by_pattern: dict[str, PatternPayout]


def range_payouts(cur: duckdb.DuckDBPyConnection, game: Game, start: date, end: date) -> RangePayouts:
    """Payout statistics of ``game``'s main draws with ``start <= draw_date < end``, on a snapshot cursor."""
    draws, first, last = cur.execute(
        "SELECT count(*), min(draw_date), max(draw_date) FROM draws "
        "WHERE game = ? AND draw_date >= ? AND draw_date < ?",
        [game.value, start, end],
    ).fetchall()[0]
    rows = cur.execute(PAYOUT_SQL, [game.value, start, end]).fetchall()
    by_pattern = {
        pattern: PatternPayout(
            pattern=pattern,
            ranks=tuple(sorted({first_rank, last_rank})),
            draws_listed=listed,
            draws_paid=paid,
            mean=mean,
            median=median,
            minimum=low,
            maximum=high,
        )
        for pattern, first_rank, last_rank, listed, paid, mean, median, low, high in rows
        if pattern is not None
    }
    return RangePayouts(draws=int(draws), first_draw=first, last_draw=last, by_pattern=by_pattern)
