"""Wording and number formats shared by the Markdown and HTML renderings.

Every sentence that states a number takes it from the data it describes (the week's hot/cold note,
the back-test's conclusion and cutoff, the fair-draw gap figures of the current rules).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from lottery.games import Game
from lottery.significance import cutoff_text, p_number
from lottery.stats import fair
from lottery.stats.models import HotCold
from lottery.strategies import BONUS_NAMES as GAME_BONUS_NAMES
from reporting.data import WeeklyReportData
from warehouse.draw_queries import DrawRecord, PrizeTierOut

GAME_NAMES = {"euromillions": "EuroMillions", "loto": "Loto"}
BONUS_NAMES = {game.value: name for game, name in GAME_BONUS_NAMES.items()}
PRIZE_TABLE_NAMES = {"main": "Main draw", "etoile_plus": "Étoile+ (French add-on)", "second": "Second draw"}


# ---------------------------------------------------------------------------------------------
# Numbers


def num(value: float | None, fmt: str = ".2f") -> str:
    """A number, or an em dash for none."""
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, fmt)


def integer(value: int | None) -> str:
    """``12,000``, or an em dash."""
    return "—" if value is None else f"{value:,}"


def pct(value: float | None, digits: int = 1) -> str:
    """``97.6 %``, or an em dash."""
    return "—" if value is None else f"{100 * value:.{digits}f} %"


def money(value: Decimal | None, currency: str) -> str:
    """``195,442.20 €``, or an em dash."""
    if value is None:
        return "—"
    symbol = {"eur": "€"}.get(currency.lower(), currency.upper())
    return f"{value:,.2f} {symbol}"


def odds(p: float | None) -> str:
    """``1 in 139,838,160``, or an em dash."""
    return "—" if not p else f"1 in {1 / p:,.0f}"


def p_cell(value: float | None) -> str:
    """A p-value in a table cell: the sentences' rounding, without the ``p =``."""
    return p_number(value)


def ci(low: float | None, high: float | None) -> str:
    """``0.4971 – 0.5091``."""
    return f"{num(low, '.4f')} – {num(high, '.4f')}"


def cell(key: str, value: object) -> str:
    """A service-metrics cell: rates as percentages, counts with separators."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return pct(value) if "rate" in key else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def stamp(moment: datetime) -> str:
    """``2026-05-25 06:00 UTC``."""
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def long_date(day: date) -> str:
    """``Tuesday 19 May 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


# ---------------------------------------------------------------------------------------------
# Draws


def main_tiers(draw: DrawRecord) -> list[PrizeTierOut]:
    """The prize tiers of the main draw."""
    return [t for t in draw.prize_tiers if t.prize_table == "main"]


def other_tables(draw: DrawRecord) -> dict[str, list[PrizeTierOut]]:
    """The prize tables besides the main one (Étoile+, second draw), by name."""
    out: dict[str, list[PrizeTierOut]] = {}
    for t in draw.prize_tiers:
        if t.prize_table != "main":
            out.setdefault(t.prize_table, []).append(t)
    return out


def jackpot_line(draw: DrawRecord) -> str:
    """``5+2: no winner`` or ``5+1: 2 winners (France 1), 8,000,000.00 € each``."""
    tiers = main_tiers(draw)
    if not tiers:
        return "prize tiers not published"
    top = min(tiers, key=lambda t: t.rank)
    label = top.pattern or f"rank {top.rank}"
    winners = top.winners_europe if top.winners_europe is not None else top.winners_france
    if winners is None:
        return f"{label}: winners not published"
    if winners == 0:
        return f"{label}: no winner"
    france = (
        f" (France {top.winners_france:,})"
        if top.winners_europe is not None and top.winners_france is not None
        else ""
    )
    plural = "winner" if winners == 1 else "winners"
    return f"{label}: {winners:,} {plural}{france}, {money(top.prize, top.currency)} each"


def tier_rows(game: str, draw: DrawRecord, tiers: Sequence[PrizeTierOut], with_odds: bool) -> list[list[str]]:
    """Rank, pattern, (exact odds for a random ticket), winners France/Europe, prize."""
    rows = []
    for t in sorted(tiers, key=lambda t: t.rank):
        row = [str(t.rank), t.pattern or "—"]
        if with_odds:
            row.append(odds(fair.tier_odds(Game(game), draw.draw_date, t.pattern)))
        nobody = not t.winners_france and not t.winners_europe and t.winners_france is not None
        prize = "no winner" if nobody and not t.prize else money(t.prize, t.currency)
        row += [integer(t.winners_france), integer(t.winners_europe), prize]
        rows.append(row)
    return rows


def bonus_text(game: str, bonus: Sequence[int]) -> str:
    """``★ 2 5`` or ``chance 10``."""
    mark = "★" if game == "euromillions" else "chance"
    return f"{mark} {' '.join(str(b) for b in bonus)}"


def week_span(data: WeeklyReportData) -> str:
    """``Monday 18 May 2026 – Sunday 24 May 2026``."""
    return f"{long_date(data.week_start)} – {long_date(data.week_end)}"


def title(data: WeeklyReportData) -> str:
    """``EuroMillions — week 2026-W21``."""
    return f"{GAME_NAMES[data.game]} — week {data.iso_week}"


# ---------------------------------------------------------------------------------------------
# Sentences computed from the data


def gap_figures(game: str) -> tuple[float, float]:
    """Expected gap of one number and the gap 1 number in 20 exceeds, under the current rules."""
    drawn, pool = fair.number_shape(Game(game))
    return fair.expected_gap(drawn, pool), fair.gap_percentile(drawn, pool)


def gap_tails(game: str, gap: int) -> tuple[float, float]:
    """P(one given number's gap >= gap) and ≈ P(some number's gap >= gap), current rules."""
    drawn, pool = fair.number_shape(Game(game))
    return fair.gap_tail(drawn, pool, gap), fair.some_ball_tail(drawn, pool, gap)


def hot_cold_caveat(hc: HotCold) -> str:
    """What the week's figures can and cannot say, every number computed from the same window."""
    n = hc.last_n
    first = (hc.hot or hc.cold or [None])[0]
    text = hc.note
    if first is not None and n < 10:
        p = first.fair_expected / n
        z_once = (1 - first.fair_expected) / math.sqrt(n * p * (1 - p))
        text += (
            f" With {n} draw{'s' if n != 1 else ''}, z is far from normal (a number drawn once scores "
            f"z = {z_once:+.1f}): read P, not z."
        )
    return text


def backtest_conclusion(data: WeeklyReportData) -> str:
    """The back-test's conclusion as :func:`lottery.backtest.judge_backtest` words it."""
    return data.backtest_verdict.conclusion if data.backtest_verdict else "No back-test this week."


def strategy_verdict(data: WeeklyReportData, index: int) -> str:
    """The verdict of the ``index``-th strategy, as judge_backtest words it."""
    row = data.backtest[index]
    return data.backtest_verdict.verdicts[row.strategy] if data.backtest_verdict else row.verdict


def cutoff_sentence(data: WeeklyReportData) -> str:
    """How the back-test's p-values were read: two-sided, and the cutoff the comparisons impose."""
    v = data.backtest_verdict
    if v is None:
        return ""
    return (
        "Every p-value above is two-sided, against the exact expectation for random tickets. The "
        f"{v.comparisons} comparisons (3 measures x {len(data.backtest)} strategies) are judged together: "
        f"a difference stands out only below 0.05 / {v.comparisons} = {cutoff_text(v.cutoff)}."
    )
