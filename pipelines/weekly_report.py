"""The weekly report: the week's draws, what the statistics say about them, and how the service did.

Lotteries are random, and the report says so with numbers: every count, gap, z-score and back-test
figure stands next to its exact expectation under fair draws (or for random tickets), with the
uncertainty that goes with it. Nothing here predicts a draw.

Three renderings of one :class:`WeeklyReportData`:

* :func:`render_markdown`: a compact summary (Dagster asset metadata, served by the API);
* :func:`render_html`: one self-contained HTML file (inline CSS, charts as ``data:`` PNGs, no
  external URL at all), readable on a laptop and on a phone;
* :func:`charts`: the PNG charts the HTML embeds.

:func:`write_report` writes both files atomically under ``{out_dir}/{game}/``;
:func:`build_report_data` gathers the data of one week from a warehouse connection.
No Dagster here: the asset that calls this lives in ``pipelines/assets``.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Literal

import duckdb
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from pydantic import BaseModel, Field

from lottery.backtest import BacktestVerdict, StrategyBacktest, judge_backtest
from lottery.games import DrawKind, Game, current_era, era_on
from lottery.significance import cutoff_text, p_text
from lottery.stats.models import HotCold, HotColdNumber, NumberStat, Randomness, StatsFilter
from lottery.strategies import BONUS_NAMES as GAME_BONUS_NAMES
from warehouse.draw_queries import DrawRecord, PrizeTierOut, draw_page
from warehouse.statistics import compute_full, data_version

GAME_NAMES = {"euromillions": "EuroMillions", "loto": "Loto"}
BONUS_NAMES = {game.value: name for game, name in GAME_BONUS_NAMES.items()}
PRIZE_TABLE_NAMES = {"main": "Main draw", "etoile_plus": "Étoile+ (French add-on)", "second": "Second draw"}
LONGEST_GAPS_SHOWN = 10

# Chart geometry: CSS pixels of the <img> (what width/height say) and the PNG's pixel density.
CHART_SIZE = (960, 340)
CHART_SCALE = 2


# ---------------------------------------------------------------------------------------------
# Data


class ServiceWeek(BaseModel):
    """How the serving side did over the week."""

    cache_hits: int = 0
    cache_misses: int = 0
    cache_bypass: int = 0
    hit_rate: float | None = None
    generations: dict[str, dict] = Field(
        default_factory=dict, description="strategy -> {generations, failed, grids, p50_ms, p95_ms}"
    )
    days: list[dict] = Field(default_factory=list, description="per day: {day, hits, misses, hit_rate}")


class WeeklyReportData(BaseModel):
    """Everything one weekly report shows."""

    game: Literal["euromillions", "loto"]
    week_start: date
    week_end: date
    generated_at: datetime
    data_version: str
    draws: list[DrawRecord] = Field(description="the week's draws, newest first, with prize tiers")
    week_hot_cold: HotCold | None = Field(
        default=None, description="the week's draws against the fair expectation (None: no draw)"
    )
    numbers: list[NumberStat] = Field(description="every number over all history")
    longest_gaps: list[NumberStat] = Field(description="the longest current gaps, longest first")
    randomness: Randomness
    backtest: list[StrategyBacktest] = Field(default_factory=list)
    backtest_verdict: BacktestVerdict | None = Field(
        default=None, description="judge_backtest of the back-test: the verdicts the API prints too"
    )
    service: ServiceWeek | None = None
    draw_count: int = Field(description="draws in all history")

    @property
    def week_hot(self) -> list[HotColdNumber]:
        """The week's hot numbers (smallest upper tails first)."""
        return self.week_hot_cold.hot if self.week_hot_cold else []

    @property
    def week_cold(self) -> list[HotColdNumber]:
        """The week's cold numbers (smallest lower tails first)."""
        return self.week_hot_cold.cold if self.week_hot_cold else []

    @property
    def iso_week(self) -> str:
        """``2026-W21``."""
        return f"{self.week_start:%G-W%V}"


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of ``day``'s ISO week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def build_report_data(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    week_start: date | None = None,
    *,
    backtest: Sequence[StrategyBacktest] = (),
    service: ServiceWeek | None = None,
    generated_at: datetime | None = None,
) -> WeeklyReportData:
    """The report of one ISO week (default: the week of the last draw) from a warehouse connection.

    Week hot/cold: the engine's hot/cold over the last N draws up to the week's end, N = the week's
    draw count: the week's counts against the fair expectation, with exact tails. The back-test is
    worded by :func:`lottery.backtest.judge_backtest`, the function the API's metrics use.
    """
    version = data_version(con, game)
    full = compute_full(con, game, StatsFilter(), version)
    if week_start is None:
        week_start = full.last_draw.draw_date
    week_start, week_end = week_of(week_start)
    draws = draw_page(con, game, version, date_from=week_start, date_to=week_end, limit=100).draws
    week_hot_cold = None
    if draws:
        upto = compute_full(con, game, StatsFilter(date_to=week_end), version, hot_n=len(draws))
        week_hot_cold = upto.hot_cold
    return WeeklyReportData(
        game=game.value,
        week_start=week_start,
        week_end=week_end,
        generated_at=generated_at or datetime.now(UTC),
        data_version=version,
        draws=draws,
        week_hot_cold=week_hot_cold,
        numbers=full.numbers,
        longest_gaps=longest_gaps(full.numbers),
        randomness=full.randomness,
        backtest=list(backtest),
        backtest_verdict=judge_backtest(game, backtest) if backtest else None,
        service=service,
        draw_count=full.draw_count,
    )


def longest_gaps(numbers: Iterable[NumberStat], shown: int = LONGEST_GAPS_SHOWN) -> list[NumberStat]:
    """The ``shown`` numbers with the longest current gap, longest first (ties: smaller number)."""
    return sorted(numbers, key=lambda s: (-s.current_gap, s.number))[:shown]


# ---------------------------------------------------------------------------------------------
# Exact figures for fair draws


def _draw_probability(game: str) -> float:
    """Probability that one given number comes out in one draw of the current formula."""
    era = current_era(Game(game))
    return era.numbers_count / era.numbers_max


def expected_gap(game: str) -> float:
    """Mean current gap of one number under fair draws: (1 - p) / p."""
    p = _draw_probability(game)
    return (1 - p) / p


def gap_percentile(game: str, q: float = 0.95) -> float:
    """The gap one number exceeds with probability 1 - q under fair draws: (1-p)^g = 1 - q."""
    p = _draw_probability(game)
    return math.log(1 - q) / math.log(1 - p)


def gap_tail(game: str, gap: int) -> float:
    """P(one given number's current gap >= gap) under fair draws."""
    return (1 - _draw_probability(game)) ** gap


def some_number_tail(game: str, gap: int) -> float:
    """≈ P(at least one of the game's numbers has a current gap >= gap) (numbers taken independent)."""
    era = current_era(Game(game))
    return 1 - (1 - gap_tail(game, gap)) ** era.numbers_max


def tier_odds(game: str, draw_date: date, pattern: str | None) -> float | None:
    """Exact probability that one random ticket wins the main tier ``pattern`` on ``draw_date``."""
    era = era_on(Game(game), DrawKind.MAIN, draw_date)
    if era is None or pattern is None:
        return None
    for tier in era.tiers:
        if tier.label == pattern:
            return era.tier_probability(tier)
    return None


def backtest_conclusion(data: WeeklyReportData) -> str:
    """The back-test's conclusion as :func:`lottery.backtest.judge_backtest` words it."""
    return data.backtest_verdict.conclusion if data.backtest_verdict else "No back-test this week."


# ---------------------------------------------------------------------------------------------
# Formatting


def _num(value: float | None, fmt: str = ".2f") -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, fmt)


def _int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f} %"


def _money(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    symbol = {"eur": "€"}.get(currency.lower(), currency.upper())
    return f"{value:,.2f} {symbol}"


def _odds(p: float | None) -> str:
    return "—" if not p else f"1 in {1 / p:,.0f}"


def _p(value: float | None) -> str:
    """A p-value in a table cell: the sentences' rounding, without the ``p =``."""
    return p_text(value).removeprefix("p = ").removeprefix("p ")


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _main_tiers(draw: DrawRecord) -> list[PrizeTierOut]:
    return [t for t in draw.prize_tiers if t.prize_table == "main"]


def _other_tables(draw: DrawRecord) -> dict[str, list[PrizeTierOut]]:
    out: dict[str, list[PrizeTierOut]] = {}
    for t in draw.prize_tiers:
        if t.prize_table != "main":
            out.setdefault(t.prize_table, []).append(t)
    return out


def jackpot_line(draw: DrawRecord) -> str:
    """``5+2: no winner`` or ``5+1: 2 winners (France 1), 8,000,000.00 € each``."""
    tiers = _main_tiers(draw)
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
    return f"{label}: {winners:,} {plural}{france}, {_money(top.prize, top.currency)} each"


def _bonus_text(game: str, bonus: Sequence[int]) -> str:
    mark = "★" if game == "euromillions" else "chance"
    return f"{mark} {' '.join(str(b) for b in bonus)}"


def _week_span(data: WeeklyReportData) -> str:
    return f"{_long_date(data.week_start)} – {_long_date(data.week_end)}"


def _title(data: WeeklyReportData) -> str:
    return f"{GAME_NAMES[data.game]} — week {data.iso_week}"


# ---------------------------------------------------------------------------------------------
# Markdown


def _md_table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return out


def _md_hot_cold(rows: Sequence[HotColdNumber], *, upper: bool) -> str:
    sign = "≥" if upper else "≤"
    if not rows:
        return "none can be called with so few draws"
    return ", ".join(
        f"{h.number} ({h.recent_count}×, z {h.z:+.2f}, P({sign}) {_pct(h.tail_probability)})" for h in rows
    )


def render_markdown(data: WeeklyReportData) -> str:
    """A compact summary of the report, as Markdown."""
    game = data.game
    lines = [
        f"## {_title(data)}",
        "",
        f"{_week_span(data)} · {data.draw_count:,} draws in all history · data version `{data.data_version}`",
        "",
        "Lotteries are random: every figure below is shown against its exact expectation under fair draws.",
        "",
        f"### The week's draws ({len(data.draws)})",
        "",
    ]
    if data.draws:
        for d in data.draws:
            nums = " ".join(str(n) for n in d.numbers)
            lines.append(
                f"- **{d.draw_date.isoformat()}** ({d.draw_date:%a}): {nums} + {_bonus_text(game, d.bonus)}"
                f" — {jackpot_line(d)}"
            )
    else:
        lines.append("- no draw this week")
    if data.week_hot_cold is not None:
        n = data.week_hot_cold.last_n
        lines += [
            "",
            f"### Hot and cold this week ({n} draw{'s' if n != 1 else ''}, against fair draws)",
            "",
            f"- hot: {_md_hot_cold(data.week_hot, upper=True)}",
            f"- cold: {_md_hot_cold(data.week_cold, upper=False)}",
            f"- {_hot_cold_caveat(data.week_hot_cold)}",
        ]
    if data.longest_gaps:
        eg, p95 = expected_gap(game), gap_percentile(game)
        gaps = ", ".join(f"{s.number} ({s.current_gap})" for s in data.longest_gaps)
        lines += [
            "",
            "### Longest current gaps (draws since last out)",
            "",
            f"- {gaps}",
            f"- expected gap of one number under fair draws: {eg:.1f} draws; 1 number in 20 is past "
            f"{p95:.0f} by chance.",
        ]
    r = data.randomness
    lines += [
        "",
        "### Randomness (chi-square against uniform, all history)",
        "",
        *_md_table(
            ["balls", "X² (corrected)", "df", "p-value", "verdict"],
            [
                ["numbers", f"{r.numbers.corrected_statistic:.1f}", str(r.numbers.df), _p(r.numbers.p_value),
                 r.numbers.verdict],
                [BONUS_NAMES[game], f"{r.bonus.corrected_statistic:.1f}", str(r.bonus.df),
                 _p(r.bonus.p_value), r.bonus.verdict],
            ],
            "lrrrl",
        ),
    ]  # fmt: skip
    if data.backtest:
        bonus = BONUS_NAMES[game]
        lines += [
            "",
            "### Back-test: strategies against random tickets",
            "",
            *_md_table(
                ["strategy", "targets", "main matches (random)", "p", f"{bonus} (random)", "p",
                 "any prize (random)", "p"],
                [
                    [b.strategy.value, f"{b.targets:,}",
                     f"{b.mean_main_matches:.4f} ({b.expected_main_matches:.4f})", _p(b.main_p_value),
                     f"{b.mean_bonus_matches:.4f} ({b.expected_bonus_matches:.4f})", _p(b.bonus_p_value),
                     f"{_pct(b.any_prize_rate, 2)} ({_pct(b.expected_any_prize_rate, 2)})",
                     _p(b.any_prize_p_value)]
                    for b in data.backtest
                ],
            ),
            "",
            backtest_conclusion(data),
            "",
            _cutoff_sentence(data),
        ]  # fmt: skip
    else:
        lines += ["", "### Back-test", "", backtest_conclusion(data)]
    if data.service is not None:
        s = data.service
        lines += [
            "",
            "### Service",
            "",
            f"- cache: {s.cache_hits:,} hits, {s.cache_misses:,} misses, {s.cache_bypass:,} bypass "
            f"(Redis down), hit rate {_pct(s.hit_rate)}",
        ]
        for strategy, g in sorted(s.generations.items()):
            lines.append(
                f"- generation `{strategy}`: {_int(g.get('generations'))} runs, {_int(g.get('failed'))} "
                f"failed, {_int(g.get('grids'))} grids, p50 {_num(g.get('p50_ms'), '.0f')} ms, "
                f"p95 {_num(g.get('p95_ms'), '.0f')} ms"
            )
    lines += ["", f"_Generated {_stamp(data.generated_at)}._", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Charts


def _figure() -> tuple[Figure, Axes]:
    w, h = CHART_SIZE
    fig = Figure(figsize=(w / 100, h / 100), dpi=100 * CHART_SCALE, layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    return fig, ax


def _finish(fig: Figure, ax: Axes, title: str) -> None:
    fig.suptitle(title, fontsize=11)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize=8, frameon=False)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def frequency_chart(data: WeeklyReportData) -> bytes:
    """Count of every number over all history, the expected count and its 95 % range."""
    fig, ax = _figure()
    nums = [s.number for s in data.numbers]
    counts = [s.count for s in data.numbers]
    expected = [s.expected for s in data.numbers]
    sd = [
        math.sqrt(s.expected * (1 - s.expected / s.eligible_draws)) if s.eligible_draws else 0.0
        for s in data.numbers
    ]
    lo = [e - 1.96 * d for e, d in zip(expected, sd, strict=True)]
    hi = [e + 1.96 * d for e, d in zip(expected, sd, strict=True)]
    ax.fill_between(nums, lo, hi, step="mid", color="#d62728", alpha=0.10, zorder=1)
    ax.bar(nums, counts, color="#3b6fb6", width=0.8, label="times drawn", zorder=2)
    ax.step(nums, expected, where="mid", color="#d62728", linewidth=1.5, label="expected count", zorder=3)
    for bound, label in ((lo, "95 % range, fair draws"), (hi, None)):
        ax.step(nums, bound, where="mid", color="#d62728", linewidth=1, linestyle="--", label=label, zorder=3)
    ax.set_xlim(nums[0] - 0.7, nums[-1] + 0.7)
    top, bottom = max(*counts, *hi), min(*counts, *lo)
    floor = max(0.0, bottom - 0.35 * (top - bottom))
    ax.set_ylim(floor, top + 0.08 * (top - floor))
    ax.set_xticks([n for n in nums if n == 1 or n % 5 == 0])
    ax.set_xlabel("number")
    ax.set_ylabel("times drawn")
    _finish(fig, ax, f"{GAME_NAMES[data.game]}: how often each number came out ({data.draw_count:,} draws)")
    return _png(fig)


def gap_chart(data: WeeklyReportData) -> bytes:
    """Current gap of every number, the expected gap and the gap 1 number in 20 exceeds by chance."""
    fig, ax = _figure()
    nums = [s.number for s in data.numbers]
    gaps = [s.current_gap for s in data.numbers]
    eg, p95 = expected_gap(data.game), gap_percentile(data.game)
    ax.bar(nums, gaps, color="#5b8f4e", width=0.8, label="current gap (draws since last out)")
    ax.axhline(eg, color="#d62728", linewidth=1.5, label=f"expected gap (1−p)/p = {eg:.1f}")
    ax.axhline(p95, color="#d62728", linewidth=1, linestyle="--", label=f"1 number in 20 exceeds {p95:.0f}")
    ax.set_xlim(nums[0] - 0.7, nums[-1] + 0.7)
    ax.set_ylim(0, max(*gaps, p95) * 1.12)
    ax.set_xticks([n for n in nums if n == 1 or n % 5 == 0])
    ax.set_xlabel("number")
    ax.set_ylabel("draws")
    _finish(fig, ax, f"{GAME_NAMES[data.game]}: current gap of each number after {data.week_end:%d %b %Y}")
    return _png(fig)


def backtest_chart(data: WeeklyReportData) -> bytes:
    """Mean main matches per strategy with its 95 % CI, and the exact expectation for random tickets."""
    fig, ax = _figure()
    lines = data.backtest
    xs = list(range(len(lines)))
    means = [b.mean_main_matches for b in lines]
    low = [b.main_ci_low if b.main_ci_low is not None else b.mean_main_matches for b in lines]
    high = [b.main_ci_high if b.main_ci_high is not None else b.mean_main_matches for b in lines]
    err = [
        [max(b.mean_main_matches - lo, 0) for b, lo in zip(lines, low, strict=True)],
        [max(hi - b.mean_main_matches, 0) for b, hi in zip(lines, high, strict=True)],
    ]
    ax.errorbar(xs, means, yerr=err, fmt="o", color="#3b6fb6", capsize=6, markersize=7,
                label="mean main matches, 95 % CI")  # fmt: skip
    for i, b in enumerate(lines):
        ax.hlines(b.expected_main_matches, i - 0.35, i + 0.35, color="#d62728", linewidth=2,
                  label="expected for random tickets" if i == 0 else None)  # fmt: skip
    ax.set_xticks(xs, [b.strategy.value for b in lines])
    ax.set_xlim(-0.6, len(lines) - 0.4)
    values = [*low, *high, *(b.expected_main_matches for b in lines)]
    span = max(values) - min(values) or 0.01
    ax.set_ylim(min(values) - 0.3 * span, max(values) + 0.45 * span)
    ax.set_ylabel("main numbers matched per ticket")
    _finish(fig, ax, f"{GAME_NAMES[data.game]}: back-test of the strategies against random tickets")
    return _png(fig)


def charts(data: WeeklyReportData) -> dict[str, bytes]:
    """The report's charts as PNG bytes: ``frequency``, ``gaps`` and, with a back-test, ``backtest``."""
    out = {"frequency": frequency_chart(data), "gaps": gap_chart(data)}
    if data.backtest:
        out["backtest"] = backtest_chart(data)
    return out


# ---------------------------------------------------------------------------------------------
# HTML

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:#1d2430;background:#f3f5f8}
main{max-width:1000px;margin:0 auto;padding:16px}
header h1{font-size:1.6em;margin:.2em 0}
h2{font-size:1.25em;margin:0 0 .5em}
h3{font-size:1.05em;margin:1em 0 .4em}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
.sub{color:#5a6372;margin:0}
.honest{background:#fff8e1;border-left:4px solid #e0a800;padding:10px 14px;border-radius:4px;margin:12px 0}
.note{color:#5a6372;font-size:.9em}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:.9em;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:4px 0}
th,td{padding:5px 10px;border-bottom:1px solid #e3e7ee;text-align:right;white-space:nowrap}
th{background:#f7f8fa;font-weight:600}
th:first-child,td:first-child{text-align:left}
th.text,td.text{white-space:normal;text-align:left}
td.text span{display:block;min-width:13em}
figure{margin:8px 0;overflow-x:auto;-webkit-overflow-scrolling:touch}
img{max-width:100%;height:auto;display:block}
figcaption{color:#5a6372;font-size:.85em}
.draw{border-top:1px solid #e3e7ee;padding-top:12px;margin-top:12px}
.draw:first-of-type{border-top:0;margin-top:0;padding-top:0}
.balls{margin:6px 0}
.ball{display:inline-block;min-width:2.2em;height:2.2em;line-height:2.2em;border-radius:1.1em;text-align:center;
background:#1f4e9c;color:#fff;font-weight:700;margin:2px}
.ball.bonus{background:#e0a800;color:#1d2430}
.cols{display:flex;flex-wrap:wrap;gap:16px}
.cols>div{flex:1 1 460px;min-width:0}
details{margin:8px 0}
summary{cursor:pointer;color:#1f4e9c}
footer{color:#5a6372;font-size:.85em;text-align:center;padding:8px 0 24px}
@media (max-width:600px){main{padding:8px}section{padding:12px}header h1{font-size:1.3em}
th,td{padding:4px 6px}
figure img{max-width:none;width:620px}}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    caption: str | None = None,
    text_cols: Iterable[int] = (),
) -> str:
    """A responsive table; every cell escaped."""
    text = set(text_cols)
    cls = ' class="text"'
    head = "".join(f'<th scope="col"{cls if i in text else ""}>{_e(h)}</th>' for i, h in enumerate(header))
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="text"><span>{_e(c)}</span></td>' if i in text else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    table = f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="table-wrap">{table}</div>'


def _img(png: bytes, alt: str, caption: str) -> str:
    w, h = CHART_SIZE
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="{src}" alt="{_e(alt)}" width="{w}" height="{h}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _balls(game: str, draw: DrawRecord) -> str:
    name = "star" if game == "euromillions" else "chance number"
    nums = "".join(f'<span class="ball" title="number">{_e(n)}</span>' for n in draw.numbers)
    bonus = "".join(f'<span class="ball bonus" title="{_e(name)}">{_e(b)}</span>' for b in draw.bonus)
    label = (
        f"numbers {' '.join(map(str, draw.numbers))}, {BONUS_NAMES[game]} {' '.join(map(str, draw.bonus))}"
    )
    return f'<div class="balls" role="img" aria-label="{_e(label)}">{nums} {bonus}</div>'


def _tier_rows(
    game: str, draw: DrawRecord, tiers: Sequence[PrizeTierOut], with_odds: bool
) -> list[list[str]]:
    rows = []
    for t in sorted(tiers, key=lambda t: t.rank):
        row = [str(t.rank), t.pattern or "—"]
        if with_odds:
            row.append(_odds(tier_odds(game, draw.draw_date, t.pattern)))
        nobody = not t.winners_france and not t.winners_europe and t.winners_france is not None
        prize = "no winner" if nobody and not t.prize else _money(t.prize, t.currency)
        row += [_int(t.winners_france), _int(t.winners_europe), prize]
        rows.append(row)
    return rows


def _draw_html(game: str, draw: DrawRecord) -> str:
    parts = [
        '<div class="draw">',
        f'<h3>{_e(_long_date(draw.draw_date))} <span class="note">({_e(draw.draw_date.isoformat())}'
        + (f", FDJ draw {_e(draw.fdj_draw_id)}" if draw.fdj_draw_id else "")
        + ")</span></h3>",
        _balls(game, draw),
        f"<p>Jackpot: {_e(jackpot_line(draw))}</p>",
    ]
    main_tiers = _main_tiers(draw)
    if main_tiers:
        parts.append(
            _table(
                ["rank", "pattern", "odds, random ticket", "winners France", "winners Europe", "prize"],
                _tier_rows(game, draw, main_tiers, with_odds=True),
                caption="Prize tiers",
            )
        )
    for table, tiers in _other_tables(draw).items():
        name = PRIZE_TABLE_NAMES.get(table, table)
        parts.append(
            f"<details><summary>{_e(name)}: {len(tiers)} tiers</summary>"
            + _table(
                ["rank", "pattern", "winners France", "winners Europe", "prize"],
                _tier_rows(game, draw, tiers, with_odds=False),
            )
            + "</details>"
        )
    parts.append("</div>")
    return "".join(parts)


def _hot_cold_caveat(hc: HotCold) -> str:
    """What the week's figures can and cannot say, every number computed from the same window."""
    n = hc.last_n
    fair = hc.hot[0].fair_expected if hc.hot else (hc.cold[0].fair_expected if hc.cold else None)
    text = hc.note
    if fair is not None and n < 10:
        p = fair / n
        z_once = (1 - fair) / ((n * p * (1 - p)) ** 0.5)
        text += (
            f" With {n} draw{'s' if n != 1 else ''}, z is far from normal (a number drawn once scores "
            f"z = {z_once:+.1f}): read P, not z."
        )
    return text


def _hot_cold_rows(rows: Sequence[HotColdNumber]) -> list[list[str]]:
    return [
        [
            str(h.number),
            str(h.recent_count),
            f"{h.fair_expected:.2f}",
            f"{h.z:+.2f}",
            _pct(h.tail_probability),
        ]
        for h in rows
    ]


def _ci(low: float | None, high: float | None) -> str:
    return f"{_num(low, '.4f')} – {_num(high, '.4f')}"


def _cutoff_sentence(data: WeeklyReportData) -> str:
    v = data.backtest_verdict
    if v is None:
        return ""
    return (
        "Every p-value above is two-sided, against the exact expectation for random tickets. The "
        f"{v.comparisons} comparisons (3 measures x {len(data.backtest)} strategies) are judged together: "
        f"a difference stands out only below 0.05 / {v.comparisons} = {cutoff_text(v.cutoff)}."
    )


def render_html(data: WeeklyReportData) -> str:
    """The report as one self-contained HTML page (inline CSS, embedded PNG charts, no external URL)."""
    game, name = data.game, GAME_NAMES[data.game]
    pngs = charts(data)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_title(data))}</title>",
        f"<style>{CSS}</style></head><body><main>",
        "<header>",
        f"<h1>{_e(_title(data))}</h1>",
        f'<p class="sub">{_e(_week_span(data))} · {len(data.draws)} draw{"s" if len(data.draws) != 1 else ""}'
        f" this week · {data.draw_count:,} in all history</p>",
        '<p class="honest">Lotteries are random: no figure here predicts a draw. Every count, gap and '
        "back-test result is shown next to its exact expectation under fair draws (or for random "
        "tickets), with the range chance alone produces.</p>",
        "</header>",
    ]

    # The week's draws
    out.append("<section><h2>The week's draws</h2>")
    if data.draws:
        out += [_draw_html(game, d) for d in data.draws]
    else:
        out.append("<p>No draw this week.</p>")
    out.append("</section>")

    # Hot and cold
    if data.week_hot_cold is not None:
        header = ["number", "this week", "expected, fair", "z"]
        hc = data.week_hot_cold
        hot = _table([*header, "P(≥), fair"], _hot_cold_rows(hc.hot), caption="Hot") if hc.hot else ""
        cold = _table([*header, "P(≤), fair"], _hot_cold_rows(hc.cold), caption="Cold") if hc.cold else ""
        out += [
            "<section><h2>Hot and cold this week</h2>",
            f'<div class="cols"><div>{hot}</div><div>{cold}</div></div>' if hot or cold else "",
            f'<p class="note">{_e(_hot_cold_caveat(hc))}</p>',
            "</section>",
        ]

    # Frequencies and randomness
    first_n = data.numbers[0] if data.numbers else None
    exp_text = f" (expected {first_n.expected:.1f} each)" if first_n else ""
    r = data.randomness
    out += [
        "<section><h2>How often each number came out</h2>",
        _img(
            pngs["frequency"],
            f"Bar chart: times each {name} number was drawn over {data.draw_count:,} draws, with the "
            f"expected count{exp_text} and its 95 % range under fair draws.",
            "Bars: times drawn over all history (the axis does not start at 0). Red line: the expected "
            "count under fair draws; shaded: the range each count falls in 95 % of the time by chance, "
            "so about 1 number in 20 lands outside it.",
        ),
        _table(
            ["balls", "X²", "X² corrected", "df", "p-value", "verdict"],
            [
                ["numbers", f"{r.numbers.statistic:.1f}", f"{r.numbers.corrected_statistic:.1f}",
                 str(r.numbers.df), _p(r.numbers.p_value), r.numbers.verdict],
                [BONUS_NAMES[game], f"{r.bonus.statistic:.1f}", f"{r.bonus.corrected_statistic:.1f}",
                 str(r.bonus.df), _p(r.bonus.p_value), r.bonus.verdict],
            ],
            caption="Chi-square against uniform (all history)",
            text_cols=[5],
        ),
        '<p class="note">The correction accounts for drawing without replacement; where the pool of '
        f"{BONUS_NAMES[game]} changed, each era adds its own term. A p-value of 0.05 or more means the "
        "counts are as uneven as fair draws make them; below it, the verdict says whether it stands out "
        "once the two tests (numbers and bonus balls) are allowed for.</p>",
        "</section>",
    ]  # fmt: skip

    # Gaps
    eg, p95 = expected_gap(game), gap_percentile(game)
    out += [
        "<section><h2>Gaps: draws since each number last came out</h2>",
        _img(
            pngs["gaps"],
            f"Bar chart: current gap of each {name} number, with the expected gap {eg:.1f} and the gap "
            f"{p95:.0f} that 1 number in 20 exceeds under fair draws.",
            f"Expected gap of one number: (1−p)/p = {eg:.1f} draws. Dashed: {p95:.0f} draws, exceeded by "
            "about 1 number in 20 by chance.",
        ),
        _table(
            ["number", "current gap", "expected", "longest complete gap", "last drawn", "P(≥), one number",
             "≈ P(≥), any number"],
            [
                [str(s.number), str(s.current_gap), f"{eg:.1f}", _int(s.max_gap),
                 s.last_drawn.isoformat() if s.last_drawn else "never",
                 _pct(gap_tail(game, s.current_gap), 2), _pct(some_number_tail(game, s.current_gap))]
                for s in data.longest_gaps
            ],
            caption=f"The {len(data.longest_gaps)} longest current gaps",
        ),
        '<p class="note">A number that has not come out for a while is no more likely to come out next: '
        "draws have no memory. With this many numbers, some long gap is always expected.</p>",
        "</section>",
    ]  # fmt: skip

    # Back-test
    out.append("<section><h2>Back-test: strategies against random tickets</h2>")
    if data.backtest:
        out += [
            _img(
                pngs["backtest"],
                "Chart: mean main numbers matched per ticket for each strategy, with 95 % confidence "
                "intervals, against the exact expectation for random tickets.",
                "Dots: mean main numbers matched per ticket, with 95 % confidence intervals. Red: the "
                "exact expectation for random tickets.",
            ),
            _table(
                ["strategy", "targets", "tickets", "main matches", "random", "95 % CI", "p",
                 BONUS_NAMES[game], "random", "p", "any prize", "random", "p", "verdict"],
                [
                    [b.strategy.value, f"{b.targets:,}", f"{b.tickets:,}", f"{b.mean_main_matches:.4f}",
                     f"{b.expected_main_matches:.4f}", _ci(b.main_ci_low, b.main_ci_high),
                     _p(b.main_p_value), f"{b.mean_bonus_matches:.4f}", f"{b.expected_bonus_matches:.4f}",
                     _p(b.bonus_p_value), _pct(b.any_prize_rate, 2), _pct(b.expected_any_prize_rate, 2),
                     _p(b.any_prize_p_value), data.backtest_verdict.verdicts[b.strategy]
                     if data.backtest_verdict else b.verdict]
                    for b in data.backtest
                ],
                text_cols=[13],
            ),
        ]  # fmt: skip
    out.append(f"<p><strong>{_e(backtest_conclusion(data))}</strong></p>")
    if data.backtest:
        out.append(f'<p class="note">{_e(_cutoff_sentence(data))}</p>')
    out.append("</section>")

    # Service
    if data.service is not None:
        s = data.service
        out += [
            "<section><h2>Service</h2>",
            _table(
                ["cache hits", "misses", "bypass (Redis down)", "hit rate"],
                [[_int(s.cache_hits), _int(s.cache_misses), _int(s.cache_bypass), _pct(s.hit_rate)]],
                caption="API cache over the week",
            ),
        ]
        if s.days:
            keys: list[str] = []
            for day in s.days:
                keys += [k for k in day if k not in keys]
            out.append(
                _table(
                    [k.replace("_", " ") for k in keys],
                    [[_cell(k, day.get(k)) for k in keys] for day in s.days],
                    caption="Per day",
                )
            )
        if s.generations:
            cols = ["generations", "failed", "grids", "p50_ms", "p95_ms"]
            out.append(
                _table(
                    ["strategy", "generations", "failed", "grids", "p50 ms", "p95 ms"],
                    [[k] + [_cell(c, g.get(c)) for c in cols] for k, g in sorted(s.generations.items())],
                    caption="Grid generation",
                )
            )
        out.append("</section>")

    out += [
        "<footer>",
        f"{_e(name)} · week {_e(data.iso_week)} · data version {_e(data.data_version)} · generated "
        f"{_e(_stamp(data.generated_at))} · source: FDJ draw history",
        "</footer></main></body></html>",
    ]
    return "\n".join(out) + "\n"


def _cell(key: str, value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return _pct(value) if "rate" in key else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Files


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to a temp file beside ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_report(data: WeeklyReportData, out_dir: Path) -> dict[str, Path]:
    """Write ``{out_dir}/{game}/{week}.html|.md`` and ``latest.html|.md``, each atomically.

    Returns ``{"html", "md", "latest_html", "latest_md"}`` -> path.
    """
    folder = Path(out_dir) / data.game
    folder.mkdir(parents=True, exist_ok=True)
    page, summary = render_html(data), render_markdown(data)
    paths = {
        "html": folder / f"{data.week_start:%G-W%V}.html",
        "md": folder / f"{data.week_start:%G-W%V}.md",
        "latest_html": folder / "latest.html",
        "latest_md": folder / "latest.md",
    }
    for key, path in paths.items():
        _atomic_write(path, page if key.endswith("html") else summary)
    return paths
