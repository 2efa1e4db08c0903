"""One FDJ row read into its main draw (and Loto second draw), checked against the game's rules."""

from __future__ import annotations

import re
from datetime import date

from lottery.fdj.fields import parse_amount, parse_ball, parse_count, parse_fdj_date
from lottery.fdj.layout import Layout
from lottery.fdj.records import ParsedDraw, Prize, RowError
from lottery.games import DrawKind, Game, check_draw, era_on


def _read_prizes(fields: list[str], layout: Layout, table: str, header: list[str]) -> tuple[Prize, ...]:
    out = []
    for pc in layout.prizes:
        if pc.table != table:
            continue

        def count(idx: int | None) -> int | None:
            return None if idx is None else parse_count(fields[idx], header[idx])

        prize = Prize(
            table=pc.table,
            rank=pc.rank,
            winners_france=count(pc.winners_france),
            winners_europe=count(pc.winners_europe),
            amount=None if pc.amount is None else parse_amount(fields[pc.amount], header[pc.amount]),
        )
        if (prize.winners_france, prize.winners_europe, prize.amount) != (None, None, None):
            out.append(prize)
    return tuple(out)


def _check_combination(text: str, expected: tuple[int, ...], column: str) -> None:
    written = tuple(int(x) for x in re.findall(r"\d+", text))
    if written and written != expected:
        raise RowError(f"{column} {text.strip()!r} disagrees with the balls {list(expected)}")


def _validate(draw: ParsedDraw, today: date | None) -> None:
    if today is not None and draw.draw_date > today:
        raise RowError(f"draw date {draw.draw_date.isoformat()} is in the future")
    era = era_on(draw.game, draw.kind, draw.draw_date)
    if era is None:
        raise RowError(f"no {draw.game} {draw.kind} draw existed on {draw.draw_date.isoformat()}")
    problem = check_draw(era, draw.draw_date, draw.balls, draw.bonus)
    if problem:
        raise RowError(problem)


def _read_row(
    fields: list[str], layout: Layout, header: list[str], line_no: int, today: date | None
) -> tuple[ParsedDraw, ParsedDraw | RowError | None]:
    """The row's main draw, and its second draw (or why that was rejected) where the file has one."""
    day = parse_fdj_date(fields[layout.date])
    balls = tuple(parse_ball(fields[i], header[i]) for i in layout.balls)
    bonus = tuple(parse_ball(fields[i], header[i]) for i in layout.bonus)
    expected = tuple(sorted(balls))
    for i in layout.sorted_combination:
        column = header[i]
        if column.startswith("etoiles"):
            _check_combination(fields[i], tuple(sorted(bonus)), column)
        elif layout.kind == DrawKind.MAIN and layout.game == Game.LOTO:
            _check_combination(fields[i], (*expected, *bonus), column)
        else:
            _check_combination(fields[i], expected, column)
    draw_id = (fields[layout.draw_id].strip() or None) if layout.draw_id is not None else None
    tirage = parse_ball(fields[layout.tirage], header[layout.tirage]) if layout.tirage is not None else 1
    if tirage not in (1, 2):
        raise RowError(f"1er_ou_2eme_tirage must be 1 or 2, got {tirage}")
    deadline_text = fields[layout.claim_deadline].strip() if layout.claim_deadline is not None else ""
    currency = fields[layout.currency].strip().lower() if layout.currency is not None else ""
    draw = ParsedDraw(
        game=layout.game,
        kind=layout.kind,
        draw_date=day,
        tirage=tirage,
        balls=balls,
        bonus=bonus,
        fdj_draw_id=draw_id,
        claim_deadline=parse_fdj_date(deadline_text) if deadline_text else None,
        currency=currency or "eur",
        prizes=_read_prizes(fields, layout, "main", header)
        + _read_prizes(fields, layout, "etoile_plus", header),
        line_no=line_no,
    )
    _validate(draw, today)
    return draw, _read_second(fields, layout, header, draw, today)


def _read_second(
    fields: list[str], layout: Layout, header: list[str], main: ParsedDraw, today: date | None
) -> ParsedDraw | RowError | None:
    if not layout.second_balls or not any(fields[i].strip() for i in layout.second_balls):
        return None
    try:
        balls = tuple(parse_ball(fields[i], header[i]) for i in layout.second_balls)
        if layout.second_combination is not None:
            column = header[layout.second_combination]
            _check_combination(fields[layout.second_combination], tuple(sorted(balls)), column)
        second = ParsedDraw(
            game=Game.LOTO,
            kind=DrawKind.LOTO_SECOND,
            draw_date=main.draw_date,
            tirage=1,
            balls=balls,
            bonus=(),
            fdj_draw_id=main.fdj_draw_id,
            claim_deadline=main.claim_deadline,
            currency=main.currency,
            prizes=_read_prizes(fields, layout, "second", header),
            line_no=main.line_no,
        )
        _validate(second, today)
    except RowError as exc:
        return exc
    return second
