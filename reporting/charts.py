"""The report's charts as PNG bytes (matplotlib, no pyplot state): frequencies, gaps, back-test."""

from __future__ import annotations

import io
import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reporting.data import WeeklyReportData
from reporting.text import GAME_NAMES, gap_figures

# Chart geometry: CSS pixels of the <img> (what width/height say) and the PNG's pixel density.
CHART_SIZE = (960, 340)
CHART_SCALE = 2


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
    eg, p95 = gap_figures(data.game)
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
