"""The report as Markdown: a compact summary (Dagster asset metadata, served by the API)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lottery.stats.models import HotColdNumber
from reporting.data import WeeklyReportData
from reporting.text import (
    BONUS_NAMES,
    backtest_conclusion,
    bonus_text,
    cutoff_sentence,
    gap_figures,
    hot_cold_caveat,
    integer,
    jackpot_line,
    num,
    p_cell,
    pct,
    stamp,
    title,
    week_span,
)


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
        f"{h.number} ({h.recent_count}×, z {h.z:+.2f}, P({sign}) {pct(h.tail_probability)})" for h in rows
    )


def render_markdown(data: WeeklyReportData) -> str:
    """A compact summary of the report, as Markdown."""
    game = data.game
    lines = [
        f"## {title(data)}",
        "",
        f"{week_span(data)} · {data.draw_count:,} draws in all history · data version `{data.data_version}`",
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
                f"- **{d.draw_date.isoformat()}** ({d.draw_date:%a}): {nums} + {bonus_text(game, d.bonus)}"
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
            f"- {hot_cold_caveat(data.week_hot_cold)}",
        ]
    if data.longest_gaps:
        eg, p95 = gap_figures(game)
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
                ["numbers", f"{r.numbers.corrected_statistic:.1f}", str(r.numbers.df),
                 p_cell(r.numbers.p_value), r.numbers.verdict],
                [BONUS_NAMES[game], f"{r.bonus.corrected_statistic:.1f}", str(r.bonus.df),
                 p_cell(r.bonus.p_value), r.bonus.verdict],
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
                     f"{b.mean_main_matches:.4f} ({b.expected_main_matches:.4f})", p_cell(b.main_p_value),
                     f"{b.mean_bonus_matches:.4f} ({b.expected_bonus_matches:.4f})", p_cell(b.bonus_p_value),
                     f"{pct(b.any_prize_rate, 2)} ({pct(b.expected_any_prize_rate, 2)})",
                     p_cell(b.any_prize_p_value)]
                    for b in data.backtest
                ],
            ),
            "",
            backtest_conclusion(data),
            "",
            cutoff_sentence(data),
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
            f"(Redis down), hit rate {pct(s.hit_rate)}",
        ]
        for strategy, g in sorted(s.generations.items()):
            lines.append(
                f"- generation `{strategy}`: {integer(g.get('generations'))} runs, "
                f"{integer(g.get('failed'))} failed, {integer(g.get('grids'))} grids, "
                f"p50 {num(g.get('p50_ms'), '.0f')} ms, "
                f"p95 {num(g.get('p95_ms'), '.0f')} ms"
            )
    lines += ["", f"_Generated {stamp(data.generated_at)}._", ""]
    return "\n".join(lines)
