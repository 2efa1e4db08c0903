"""Draws with their prize tiers, as the API lists them (newest first)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
from pydantic import BaseModel

from lottery.games import Game
from warehouse.statistics import date_range_where


class PrizeTierOut(BaseModel):
    """One prize rank of a draw."""

    prize_table: str
    rank: int
    pattern: str | None
    winners_france: int | None
    winners_europe: int | None
    prize: Decimal | None
    currency: str


class DrawRecord(BaseModel):
    """One main-formula draw with everything FDJ published about it."""

    draw_date: date
    numbers: list[int]
    bonus: list[int]
    balls_drawn: list[int]
    bonus_drawn: list[int]
    fdj_draw_id: str | None
    claim_deadline: date | None
    prize_tiers: list[PrizeTierOut]


class DrawPage(BaseModel):
    """A page of draws, newest first."""

    game: Game
    data_version: str
    total: int
    limit: int
    offset: int
    draws: list[DrawRecord]


def draw_page(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    data_version: str,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> DrawPage:
    """Draws in a date range, newest first, with prize tiers."""
    where, params = date_range_where(game, date_from, date_to)
    total = con.execute(f"SELECT count(*) FROM draws WHERE {where}", params).fetchall()[0][0]
    rows = con.execute(
        f"""
        SELECT draw_date, numbers, bonus, balls_drawn, bonus_drawn, fdj_draw_id, claim_deadline
        FROM draws WHERE {where} ORDER BY draw_date DESC LIMIT ? OFFSET ?
        """,
        [*params, limit, offset],
    ).fetchall()
    tiers: dict[date, list[PrizeTierOut]] = {r[0]: [] for r in rows}
    if rows:
        for d, table, rank, pattern, wf, we, prize, currency in con.execute(
            """
            SELECT draw_date, prize_table, rank, pattern, winners_france, winners_europe, prize, currency
            FROM prize_tiers WHERE game = ? AND kind = 'main' AND draw_date BETWEEN ? AND ?
            ORDER BY draw_date, prize_table, rank
            """,
            [game.value, rows[-1][0], rows[0][0]],
        ).fetchall():
            if d in tiers:
                tiers[d].append(
                    PrizeTierOut(
                        prize_table=table,
                        rank=rank,
                        pattern=pattern,
                        winners_france=wf,
                        winners_europe=we,
                        prize=prize,
                        currency=currency,
                    )
                )
    draws = [
        DrawRecord(
            draw_date=d,
            numbers=n,
            bonus=b,
            balls_drawn=bd,
            bonus_drawn=bb,
            fdj_draw_id=fid,
            claim_deadline=cd,
            prize_tiers=tiers[d],
        )
        for d, n, b, bd, bb, fid, cd in rows
    ]
    return DrawPage(
        game=game, data_version=data_version, total=total, limit=limit, offset=offset, draws=draws
    )
