"""The report as one self-contained HTML page, from the Jinja2 template ``templates/report.html.j2``.

This module formats every value (as :mod:`reporting.text` words them) and lays the tables out as
plain data; the template only places them, with autoescaping on.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import jinja2

from lottery.stats.models import HotColdNumber
from reporting.charts import CHART_SIZE, charts
from reporting.data import ServiceWeek, WeeklyReportData
from reporting.text import (
    BONUS_NAMES,
    GAME_NAMES,
    PRIZE_TABLE_NAMES,
    backtest_conclusion,
    cell,
    ci,
    cutoff_sentence,
    gap_figures,
    gap_tails,
    hot_cold_caveat,
    integer,
    jackpot_line,
    long_date,
    main_tiers,
    other_tables,
    p_cell,
    pct,
    stamp,
    strategy_verdict,
    tier_rows,
    title,
    week_span,
)


@dataclass(frozen=True)
class Table:
    """A table as the template draws it: every cell already a string."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str | None = None
    text_cols: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class Image:
    """An embedded PNG chart with its alternative text and caption."""

    png: bytes
    alt: str
    caption: str
    width: int = CHART_SIZE[0]
    height: int = CHART_SIZE[1]

    @property
    def src(self) -> str:
        """A ``data:`` URL: the page needs no other file."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reporting", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _css() -> str:
    return files("reporting").joinpath("templates", "report.css").read_text(encoding="utf-8").strip()


def _draw(game: str, draw) -> dict[str, object]:
    tiers = main_tiers(draw)
    header = ["rank", "pattern", "winners France", "winners Europe", "prize"]
    return {
        "long_date": long_date(draw.draw_date),
        "iso": draw.draw_date.isoformat(),
        "fdj_id": draw.fdj_draw_id,
        "numbers": draw.numbers,
        "bonus": draw.bonus,
        "bonus_title": "star" if game == "euromillions" else "chance number",
        "label": f"numbers {' '.join(map(str, draw.numbers))}, {BONUS_NAMES[game]} "
        f"{' '.join(map(str, draw.bonus))}",
        "jackpot": jackpot_line(draw),
        "tiers": Table(
            [*header[:2], "odds, random ticket", *header[2:]],
            tier_rows(game, draw, tiers, with_odds=True),
            caption="Prize tiers",
        )
        if tiers
        else None,
        "other_tables": [
            (PRIZE_TABLE_NAMES.get(name, name), Table(header, tier_rows(game, draw, t, with_odds=False)))
            for name, t in other_tables(draw).items()
        ],
    }


def _hot_cold_table(rows: Sequence[HotColdNumber], caption: str, tail: str) -> Table | None:
    if not rows:
        return None
    return Table(
        ["number", "this week", "expected, fair", "z", tail],
        [
            [
                str(h.number),
                str(h.recent_count),
                f"{h.fair_expected:.2f}",
                f"{h.z:+.2f}",
                pct(h.tail_probability),
            ]
            for h in rows
        ],
        caption=caption,
    )


def _service(s: ServiceWeek) -> list[Table]:
    out = [
        Table(
            ["cache hits", "misses", "bypass (Redis down)", "hit rate"],
            [[integer(s.cache_hits), integer(s.cache_misses), integer(s.cache_bypass), pct(s.hit_rate)]],
            caption="API cache over the week",
        )
    ]
    if s.days:
        keys: list[str] = []
        for day in s.days:
            keys += [k for k in day if k not in keys]
        out.append(
            Table(
                [k.replace("_", " ") for k in keys],
                [[cell(k, day.get(k)) for k in keys] for day in s.days],
                caption="Per day",
            )
        )
    if s.generations:
        cols = ["generations", "failed", "grids", "p50_ms", "p95_ms"]
        out.append(
            Table(
                ["strategy", "generations", "failed", "grids", "p50 ms", "p95 ms"],
                [[k] + [cell(c, g.get(c)) for c in cols] for k, g in sorted(s.generations.items())],
                caption="Grid generation",
            )
        )
    return out


def render_html(data: WeeklyReportData) -> str:
    """The report as one self-contained HTML page (inline CSS, embedded PNG charts, no external URL)."""
    game, name = data.game, GAME_NAMES[data.game]
    pngs = charts(data)
    r = data.randomness
    first = data.numbers[0] if data.numbers else None
    expected_each = f" (expected {first.expected:.1f} each)" if first else ""
    eg, p95 = gap_figures(game)
    hc = data.week_hot_cold
    n_draws = len(data.draws)
    backtest = None
    if data.backtest:
        backtest = {
            "chart": Image(
                pngs["backtest"],
                "Chart: mean main numbers matched per ticket for each strategy, with 95 % confidence "
                "intervals, against the exact expectation for random tickets.",
                "Dots: mean main numbers matched per ticket, with 95 % confidence intervals. Red: the "
                "exact expectation for random tickets.",
            ),
            "table": Table(
                ["strategy", "targets", "tickets", "main matches", "random", "95 % CI", "p",
                 BONUS_NAMES[game], "random", "p", "any prize", "random", "p", "verdict"],
                [
                    [b.strategy.value, f"{b.targets:,}", f"{b.tickets:,}", f"{b.mean_main_matches:.4f}",
                     f"{b.expected_main_matches:.4f}", ci(b.main_ci_low, b.main_ci_high),
                     p_cell(b.main_p_value), f"{b.mean_bonus_matches:.4f}", f"{b.expected_bonus_matches:.4f}",
                     p_cell(b.bonus_p_value), pct(b.any_prize_rate, 2), pct(b.expected_any_prize_rate, 2),
                     p_cell(b.any_prize_p_value), strategy_verdict(data, i)]
                    for i, b in enumerate(data.backtest)
                ],
                text_cols=[13],
            ),
            "cutoff": cutoff_sentence(data),
        }  # fmt: skip
    context = {
        "title": title(data),
        "css": _css(),
        "week_span": week_span(data),
        "draws_this_week": f"{n_draws} draw{'s' if n_draws != 1 else ''}",
        "draw_count": f"{data.draw_count:,}",
        "draws": [_draw(game, d) for d in data.draws],
        "hot_cold": None
        if hc is None
        else {
            "hot": _hot_cold_table(hc.hot, "Hot", "P(≥), fair"),
            "cold": _hot_cold_table(hc.cold, "Cold", "P(≤), fair"),
            "note": hot_cold_caveat(hc),
        },
        "frequency": Image(
            pngs["frequency"],
            f"Bar chart: times each {name} number was drawn over {data.draw_count:,} draws, with the "
            f"expected count{expected_each} and its 95 % range under fair draws.",
            "Bars: times drawn over all history (the axis does not start at 0). Red line: the expected "
            "count under fair draws; shaded: the range each count falls in 95 % of the time by chance, "
            "so about 1 number in 20 lands outside it.",
        ),
        "chi_square": Table(
            ["balls", "X²", "X² corrected", "df", "p-value", "verdict"],
            [
                [
                    "numbers",
                    f"{r.numbers.statistic:.1f}",
                    f"{r.numbers.corrected_statistic:.1f}",
                    str(r.numbers.df),
                    p_cell(r.numbers.p_value),
                    r.numbers.verdict,
                ],
                [
                    BONUS_NAMES[game],
                    f"{r.bonus.statistic:.1f}",
                    f"{r.bonus.corrected_statistic:.1f}",
                    str(r.bonus.df),
                    p_cell(r.bonus.p_value),
                    r.bonus.verdict,
                ],
            ],
            caption="Chi-square against uniform (all history)",
            text_cols=[5],
        ),
        "bonus_name": BONUS_NAMES[game],
        "gaps": Image(
            pngs["gaps"],
            f"Bar chart: current gap of each {name} number, with the expected gap {eg:.1f} and the gap "
            f"{p95:.0f} that 1 number in 20 exceeds under fair draws.",
            f"Expected gap of one number: (1−p)/p = {eg:.1f} draws. Dashed: {p95:.0f} draws, exceeded by "
            "about 1 number in 20 by chance.",
        ),
        "longest_gaps": Table(
            [
                "number",
                "current gap",
                "expected",
                "longest complete gap",
                "last drawn",
                "P(≥), one number",
                "≈ P(≥), any number",
            ],
            [
                [
                    str(s.number),
                    str(s.current_gap),
                    f"{eg:.1f}",
                    integer(s.max_gap),
                    s.last_drawn.isoformat() if s.last_drawn else "never",
                    pct(gap_tails(game, s.current_gap)[0], 2),
                    pct(gap_tails(game, s.current_gap)[1]),
                ]
                for s in data.longest_gaps
            ],
            caption=f"The {len(data.longest_gaps)} longest current gaps",
        ),
        "backtest": backtest,
        "conclusion": backtest_conclusion(data),
        "service": _service(data.service) if data.service is not None else None,
        "game_name": name,
        "iso_week": data.iso_week,
        "data_version": data.data_version,
        "generated": stamp(data.generated_at),
    }
    return _environment().get_template("report.html.j2").render(context)
