"""The weekly report, rendered from the shipped FDJ history: files, content, charts, honesty, atomicity."""

from __future__ import annotations

import base64
import html
import io
import os
import re
import struct
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import matplotlib.image as mpimg
import pandas as pd
import pytest

from lottery.backtest import StrategyBacktest, judge_backtest
from lottery.games import Game, current_era
from lottery.stats.models import StatsFilter
from lottery.strategies import Strategy
from reporting import files as report_files
from reporting import text as wr
from reporting.charts import CHART_SCALE, CHART_SIZE, charts
from reporting.data import ServiceWeek, WeeklyReportData, build_report_data
from reporting.files import write_report
from reporting.html import render_html
from reporting.markdown import render_markdown
from reporting.text import backtest_conclusion
from tests.backtest.crafted import crafted_row
from tests.conftest import ShippedWarehouse
from warehouse.draw_queries import draw_page
from warehouse.statistics import compute_full, data_version

GENERATED = datetime(2026, 5, 25, 6, 0, tzinfo=UTC)
EM_WEEK = (date(2026, 5, 18), date(2026, 5, 24))  # the week of the last shipped EuroMillions draw
LOTO_WEEK = (date(2025, 5, 12), date(2025, 5, 18))  # the week of the last shipped Loto draw
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def random_ticket_figures(game: Game) -> tuple[float, float]:
    """Exact mean main matches and any-prize rate of one random ticket under today's rules."""
    era = current_era(game)
    mean = era.numbers_count**2 / era.numbers_max
    return mean, sum(era.tier_probability(t) for t in era.tiers)


def backtest_lines(game: Game) -> list[StrategyBacktest]:
    """A hand-made back-test: three strategies, no p-value below 0.05."""
    rows = [
        (Strategy.FREQUENCY_BASED, 0.0031, 0.33, 0.41, 0.62),
        (Strategy.GAP_BASED, -0.0042, 0.19, 0.77, 0.28),
        (Strategy.RANDOM, 0.0, 0.98, 0.55, 0.91),
    ]
    return [
        crafted_row(game, strategy, main_p, bonus_p, any_p, main_delta=delta)
        for strategy, delta, main_p, bonus_p, any_p in rows
    ]


SERVICE = ServiceWeek(
    cache_hits=12_000,
    cache_misses=300,
    cache_bypass=2,
    hit_rate=12_000 / 12_300,
    generations={
        "gap_based": {"generations": 12, "failed": 1, "grids": 1200, "p50_ms": 35.0, "p95_ms": 80.2}
    },
    days=[{"day": "2026-05-18", "hits": 1000, "misses": 20, "hit_rate": 1000 / 1020}],
)


@pytest.fixture(scope="module")
def con(shipped_warehouse: ShippedWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = shipped_warehouse.connect()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def em_data(con: duckdb.DuckDBPyConnection) -> WeeklyReportData:
    """EuroMillions, week 2026-W21, assembled by hand from the warehouse queries."""
    game = Game.EUROMILLIONS
    version = data_version(con, game)
    full = compute_full(con, game, StatsFilter(), version)
    draws = draw_page(con, game, version, date_from=EM_WEEK[0], date_to=EM_WEEK[1]).draws
    # The week's draws against fair draws: hot/cold of the last len(draws) draws up to the week's end.
    upto = compute_full(con, game, StatsFilter(date_to=EM_WEEK[1]), version, hot_n=len(draws))
    return WeeklyReportData(
        game="euromillions",
        week_start=EM_WEEK[0],
        week_end=EM_WEEK[1],
        generated_at=GENERATED,
        data_version=version,
        draws=draws,
        week_hot_cold=upto.hot_cold,
        numbers=full.numbers,
        longest_gaps=sorted(full.numbers, key=lambda s: (-s.current_gap, s.number))[:10],
        randomness=full.randomness,
        backtest=backtest_lines(game),
        backtest_verdict=judge_backtest(game, backtest_lines(game)),
        service=SERVICE,
        draw_count=full.draw_count,
    )


@pytest.fixture(scope="module")
def loto_data(con: duckdb.DuckDBPyConnection) -> WeeklyReportData:
    return build_report_data(con, Game.LOTO, generated_at=GENERATED)


@pytest.fixture(scope="module")
def em_written(em_data: WeeklyReportData, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_report(em_data, tmp_path_factory.mktemp("reports"))


class _Imgs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.imgs.append(dict(attrs))


def images(page: str) -> list[dict[str, str | None]]:
    parser = _Imgs()
    parser.feed(page)
    return parser.imgs


def assert_png(data: bytes) -> tuple[int, int]:
    """A valid PNG of a real chart: signature, IHDR size, and matplotlib can decode it."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 100
    assert height > 100
    pixels = mpimg.imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (height, width)
    assert pixels[..., :3].min() < 0.5  # something is drawn on it
    return width, height


def assert_images_load(page: str, count: int) -> None:
    imgs = images(page)
    assert len(imgs) == count
    for img in imgs:
        src = img["src"] or ""
        assert src.startswith("data:image/png;base64,")
        assert img.get("alt")
        assert int(img["width"] or 0) > 100
        assert int(img["height"] or 0) > 100
        assert_png(base64.b64decode(src.split(",", 1)[1], validate=True))


def assert_self_contained(page: str) -> None:
    assert not re.search(r"https?://", page, re.IGNORECASE)
    assert not re.search(r"""\b(?:src|href|action|poster)\s*=\s*(?!["']?data:)""", page, re.IGNORECASE)
    for external in ("<link", "<script", "@import", "url(", "@font-face"):
        assert external not in page.lower()


# ---------------------------------------------------------------------------------------------


def test_build_report_data_is_the_warehouse_queries(
    con: duckdb.DuckDBPyConnection, em_data: WeeklyReportData
) -> None:
    built = build_report_data(
        con, Game.EUROMILLIONS, backtest=em_data.backtest, service=SERVICE, generated_at=GENERATED
    )
    assert built == em_data
    assert (built.week_start, built.week_end) == EM_WEEK
    assert built.iso_week == "2026-W21"
    assert built.draw_count == 1947
    assert [d.draw_date for d in built.draws] == [date(2026, 5, 19)]
    assert [s.current_gap for s in built.longest_gaps] == sorted(
        (s.current_gap for s in built.numbers), reverse=True
    )[:10]


def test_week_hot_cold_is_the_weeks_draws_against_fair_draws(em_data: WeeklyReportData) -> None:
    """One draw in the week: no count can be rarer than 5 % (drawn: 0.1, not drawn: 0.9), so the
    report names no hot or cold number and says why, with the figures of this week."""
    hc = em_data.week_hot_cold
    assert hc is not None
    assert hc.last_n == len(em_data.draws) == 1
    assert (hc.hot, hc.cold, hc.hot_possible, hc.cold_possible) == ([], [], False, False)
    assert hc.note.startswith("1 draw is too few to call any number hot or cold")


def test_loto_week_hot_cold_has_exact_tails(loto_data: WeeklyReportData) -> None:
    """Two Loto draws: a number drawn twice would be hot (P = (5/49)^2 < 0.05); drawn once is not."""
    hc = loto_data.week_hot_cold
    assert hc is not None
    assert hc.last_n == 2
    assert hc.hot_possible
    assert not hc.cold_possible
    p = 5 / 49
    drawn = [n for d in loto_data.draws for n in d.numbers]
    for h in hc.hot:
        assert h.recent_count == drawn.count(h.number)
        assert h.fair_expected == pytest.approx(2 * p)
        expected_tail = 1 - (1 - p) ** 2 if h.recent_count == 1 else p**2
        assert h.tail_probability == pytest.approx(expected_tail)
        assert h.z != 0
    assert hc.expected_hot_by_chance == pytest.approx(49 * p**2)


def test_write_report_files(em_written: dict[str, Path]) -> None:
    folder = em_written["html"].parent
    assert folder.name == "euromillions"
    assert em_written["html"].name == "2026-W21.html"
    assert em_written["md"].name == "2026-W21.md"
    assert em_written["latest_html"] == folder / "latest.html"
    assert em_written["latest_md"] == folder / "latest.md"
    for path in em_written.values():
        assert path.is_file()
        assert path.stat().st_size > 0
    assert em_written["latest_html"].read_bytes() == em_written["html"].read_bytes()
    assert em_written["latest_md"].read_bytes() == em_written["md"].read_bytes()
    assert em_written["latest_csv"].read_bytes() == em_written["csv"].read_bytes()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "2026-W21.draws.csv",
        "2026-W21.html",
        "2026-W21.md",
        "latest.draws.csv",
        "latest.html",
        "latest.md",
    ]


def test_draws_csv_holds_every_prize_tier_of_the_weeks_draws(
    em_written: dict[str, Path], em_data: WeeklyReportData
) -> None:
    """One row per draw and prize rank, oldest first, read back by pandas with the report's figures."""
    frame = pd.read_csv(em_written["csv"], dtype={"numbers": str, "bonus": str}, parse_dates=["draw_date"])
    assert len(frame) == sum(len(d.prize_tiers) for d in em_data.draws) > 0
    assert frame["draw_date"].is_monotonic_increasing
    for draw in em_data.draws:
        rows = frame[frame["draw_date"] == pd.Timestamp(draw.draw_date)]
        assert (rows["numbers"] == " ".join(map(str, draw.numbers))).all()
        assert (rows["bonus"] == " ".join(map(str, draw.bonus))).all()
        for tier, row in zip(draw.prize_tiers, rows.itertuples(), strict=True):
            read = [None if pd.isna(v) else v for v in (row.pattern, row.winners_europe, row.prize)]
            assert (row.prize_table, row.rank) == (tier.prize_table, tier.rank)
            assert read[:2] == [tier.pattern, tier.winners_europe]
            assert read[2] == (None if tier.prize is None else pytest.approx(float(tier.prize)))


def test_html_shows_the_weeks_draws(em_written: dict[str, Path], em_data: WeeklyReportData) -> None:
    page = em_written["html"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport"' in page
    assert "EuroMillions — week 2026-W21" in page
    draw = em_data.draws[0]
    assert draw.draw_date.isoformat() in page
    assert draw.numbers == [2, 12, 20, 38, 45]
    assert draw.bonus == [2, 5]
    for n in draw.numbers:
        assert f'<span class="ball" title="number">{n}</span>' in page
    for b in draw.bonus:
        assert f'<span class="ball bonus" title="star">{b}</span>' in page
    # prize tiers: pattern, winners France / Europe, prize, exact odds for a random ticket
    assert "<td>5+1</td><td>1 in 6,991,908</td><td>1</td><td>3</td><td>195,442.20 €</td>" in page
    assert "<td>5+2</td><td>1 in 139,838,160</td><td>0</td><td>0</td><td>no winner</td>" in page
    assert "Étoile+" in page


def test_html_images_load(em_written: dict[str, Path]) -> None:
    page = em_written["html"].read_text(encoding="utf-8")
    assert_images_load(page, count=3)  # frequency, gaps, back-test


def test_html_is_self_contained(em_written: dict[str, Path]) -> None:
    page = em_written["html"].read_text(encoding="utf-8")
    assert_self_contained(page)
    assert "<style>" in page
    assert "overflow-x:auto" in page
    assert "max-width:1000px" in page


def test_html_shows_every_figure_with_its_expectation(
    em_written: dict[str, Path], em_data: WeeklyReportData
) -> None:
    page = em_written["html"].read_text(encoding="utf-8")
    r = em_data.randomness.numbers
    assert f"<td>{wr.p_cell(r.p_value)}</td>" in page
    assert f"<td>{r.df}</td>" in page
    assert "(1−p)/p = 9.0 draws" in page
    gap = em_data.longest_gaps[0]
    assert f"<td>{gap.number}</td><td>{gap.current_gap}</td><td>9.0</td>" in page
    assert "<td>0.5000</td><td>0.4971 – 0.5091</td><td>0.33</td>" in page  # expectation, CI, p
    # every measure's p: main numbers, stars, any prize
    assert "<td>0.3233</td><td>0.3333</td><td>0.41</td>" in page
    assert "<td>0.62</td>" in page
    assert "No strategy differs from random tickets on any of the 3 measures tested" in page
    assert "0.05 / 9 = 0.0056" in page
    assert "<td>12,000</td><td>300</td><td>2</td><td>97.6 %</td>" in page


def test_markdown_summary(em_written: dict[str, Path], em_data: WeeklyReportData) -> None:
    text = em_written["md"].read_text(encoding="utf-8")
    assert text == render_markdown(em_data)
    assert text.startswith("## EuroMillions — week 2026-W21")
    assert "**2026-05-19** (Tue): 2 12 20 38 45 + ★ 2 5 — 5+2: no winner" in text
    r = em_data.randomness
    chi = r.numbers
    assert f"| numbers | {chi.corrected_statistic:.1f} | {chi.df} | {wr.p_cell(chi.p_value)} |" in text
    assert wr.p_cell(r.bonus.p_value) in text
    mean, rate = random_ticket_figures(Game.EUROMILLIONS)
    assert f"| frequency_based | 500 | 0.5031 ({mean:.4f}) | 0.33 | 0.3233 (0.3333) | 0.41 |" in text
    assert f"({100 * rate:.2f} %) | 0.62 |" in text  # any prize against random tickets, with its p
    assert em_data.backtest_verdict is not None
    assert em_data.backtest_verdict.conclusion in text
    assert "0.05 / 9 = 0.0056" in text
    assert "hit rate 97.6 %" in text
    assert "generation `gap_based`: 12 runs, 1 failed, 1,200 grids, p50 35 ms, p95 80 ms" in text
    assert "1 draw is too few to call any number hot or cold" in text


def test_charts_are_pngs(em_data: WeeklyReportData) -> None:
    pngs = charts(em_data)
    assert set(pngs) == {"frequency", "gaps", "backtest"}
    for data in pngs.values():
        assert assert_png(data) == (CHART_SIZE[0] * CHART_SCALE, CHART_SIZE[1] * CHART_SCALE)
    assert set(charts(em_data.model_copy(update={"backtest": []}))) == {"frequency", "gaps"}


def test_loto_report(loto_data: WeeklyReportData, tmp_path: Path) -> None:
    assert (loto_data.week_start, loto_data.week_end) == LOTO_WEEK
    assert [d.draw_date for d in loto_data.draws] == [date(2025, 5, 14), date(2025, 5, 12)]
    assert loto_data.backtest == []
    assert loto_data.service is None
    paths = write_report(loto_data, tmp_path)
    assert paths["html"] == tmp_path / "loto" / "2025-W20.html"
    page = paths["latest_html"].read_text(encoding="utf-8")
    for d in loto_data.draws:
        assert d.draw_date.isoformat() in page
        for n in d.numbers:
            assert f'<span class="ball" title="number">{n}</span>' in page
        assert f'<span class="ball bonus" title="chance number">{d.bonus[0]}</span>' in page
    assert "<td>0-1+1</td>" in page
    assert_images_load(page, count=2)
    assert_self_contained(page)
    text = paths["latest_md"].read_text(encoding="utf-8")
    assert "- **2025-05-14** (Wed): 12 31 34 42 43 + chance 10 — 5+1: no winner" in text
    assert f"| {wr.p_cell(loto_data.randomness.numbers.p_value)} |" in text
    assert "No back-test this week." in text
    assert "expected gap of one number under fair draws: 8.8 draws" in text


def test_week_without_draws(con: duckdb.DuckDBPyConnection) -> None:
    data = build_report_data(con, Game.LOTO, date(2025, 8, 6), generated_at=GENERATED)
    assert (data.week_start, data.draws, data.week_hot_cold) == (date(2025, 8, 4), [], None)
    assert "No draw this week." in render_html(data)
    assert "- no draw this week" in render_markdown(data)


def test_write_twice_replaces_latest_atomically(
    em_data: WeeklyReportData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = em_data.model_copy(update={"week_start": date(2026, 5, 11), "week_end": date(2026, 5, 17)})
    first = write_report(earlier, tmp_path)
    assert first["html"].name == "2026-W20.html"
    inode = first["latest_html"].stat().st_ino
    old_latest = first["latest_html"].read_text(encoding="utf-8")
    assert "week 2026-W20" in old_latest

    second = write_report(em_data, tmp_path)
    assert second["latest_html"] == first["latest_html"]
    latest = second["latest_html"].read_text(encoding="utf-8")
    assert latest == second["html"].read_text(encoding="utf-8")
    assert "week 2026-W21" in latest
    assert second["latest_html"].stat().st_ino != inode  # a new file renamed over, not rewritten in place
    assert first["html"].is_file()  # the older week stays
    names = sorted(p.name for p in (tmp_path / "euromillions").iterdir())
    assert names == [
        "2026-W20.draws.csv", "2026-W20.html", "2026-W20.md", "2026-W21.draws.csv", "2026-W21.html",
        "2026-W21.md", "latest.draws.csv", "latest.html", "latest.md",
    ]  # fmt: skip

    # A failure while replacing leaves the previous latest whole and no temp file behind.
    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(report_files.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        write_report(earlier, tmp_path)
    monkeypatch.setattr(report_files.os, "replace", os.replace)
    assert second["latest_html"].read_text(encoding="utf-8") == latest
    assert sorted(p.name for p in (tmp_path / "euromillions").iterdir()) == names


def test_text_is_escaped(em_data: WeeklyReportData) -> None:
    verdict = judge_backtest(Game.EUROMILLIONS, em_data.backtest).model_copy(
        update={"conclusion": "<script>alert('x')</script>", "verdicts": {
            Strategy.RANDOM: 'a "quoted" <b>verdict</b> & more',
            Strategy.GAP_BASED: "", Strategy.FREQUENCY_BASED: ""}}
    )  # fmt: skip
    page = render_html(em_data.model_copy(update={"backtest_verdict": verdict}))
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "a &#34;quoted&#34; &lt;b&gt;verdict&lt;/b&gt; &amp; more" in page


def test_backtest_conclusion_is_judge_backtests(em_data: WeeklyReportData) -> None:
    """The report prints the conclusion of the one function the API uses, whatever the p-values."""
    lines = backtest_lines(Game.EUROMILLIONS)
    assert backtest_conclusion(em_data.model_copy(update={"backtest_verdict": None})) == (
        "No back-test this week."
    )
    # p = 0.03 is below 0.05 and said so, but not below 0.05 / 9 comparisons
    nearly = [lines[0].model_copy(update={"main_p_value": 0.03}), *lines[1:]]
    data = em_data.model_copy(
        update={"backtest": nearly, "backtest_verdict": judge_backtest(Game.EUROMILLIONS, nearly)}
    )
    text = backtest_conclusion(data)
    assert text.startswith(
        "frequency_based: more main numbers than random tickets at the 5 % level (p = 0.03)"
    )
    assert "none is below the cutoff 0.0056" in text
    assert text in render_markdown(data)
    assert data.backtest_verdict is not None
    assert html.escape(data.backtest_verdict.verdicts[Strategy.FREQUENCY_BASED]) in render_html(data)


def test_exact_gap_figures() -> None:
    """The report's gap figures are lottery.stats.fair's, for the current rules of each game."""
    assert wr.gap_figures("euromillions")[0] == pytest.approx(9.0)
    assert wr.gap_figures("loto")[0] == pytest.approx(44 / 5)
    g = wr.gap_figures("euromillions")[1]
    assert 0.9**g == pytest.approx(0.05)
    assert wr.gap_tails("euromillions", 0) == (1.0, 1.0)
    one, some = wr.gap_tails("euromillions", 28)
    assert one == pytest.approx(0.9**28)
    assert some == pytest.approx(1 - (1 - 0.9**28) ** 50)
