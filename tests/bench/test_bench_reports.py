"""The benches' shared report: README-format Markdown, a JSON result file that loads back, one real bench."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import (
    Column,
    Interval,
    Measure,
    Report,
    Target,
    command_line,
    ms,
    p_value_text,
    ratio,
)
from config.settings import PROJECT_ROOT

MACHINE = {
    "cores": 2,
    "cpu": "Test CPU",
    "python": "3.11.7",
    "numpy": "2.0.0",
    "duckdb": "1.1.0",
    "os": "Linux",
    "commit": "abc1234",
}


def synthetic() -> Report:
    """A small report with every kind of cell the benches print."""
    report = Report(
        bench="bench_fake",
        title="Fake",
        command=".venv/bin/python -m bench.bench_fake --repeat 5",
        settings={"repeat": 5},
        machine=MACHINE,
        timestamp="2026-01-02T03:04:05+00:00",
    )
    table = report.table(Column("", "left"), Column("median"), Column("req/s"), Column("target", "left"))
    table.add("`duckdb.read_csv` (baseline)", ms(0.6513, 0), Measure(9737.4, "req/s", 0), None)
    table.add("full ingest", ms(1.5632, 0), None, Target.check(1.5632, "<", Measure(2.0, "s", 0, "s")))
    table.add("warm", Measure(0.00049, "s"), Interval(0.2991, 0.7012), "n/a")
    table.add(
        "ratio",
        Measure(125.2, "%", 0, bold=True, target=Target.check(125.2, "≥", Measure(70, "%", 0))),
        ratio(2.41),
        Target.check(1.92, "≤", ratio(1.5, 1)),
    )
    report.figure("p", Measure(0.00812, "p"))
    report.figure("rows", Measure(10144, "rows", 0))
    report.notes.append("A note.")
    return report


EXPECTED = """\
Fake: `.venv/bin/python -m bench.bench_fake --repeat 5` (2026-01-02; 2 cores Test CPU; Python 3.11.7, \
numpy 2.0.0, duckdb 1.1.0)

| | median | req/s | target |
|---|---:|---:|---|
| `duckdb.read_csv` (baseline) | 651 ms | 9,737 | |
| full ingest | 1,563 ms | | < 2 s ✓ |
| warm | 0.49 ms | [0.299, 0.701] | n/a |
| ratio | **125 %** (target ≥ 70 % ✓) | 2.4x | ≤ 1.5x ✗ |

- p: 0.00812
- rows: 10,144

A note."""


def test_markdown_is_the_readme_format() -> None:
    assert synthetic().markdown() == EXPECTED


def test_json_round_trip(tmp_path: Path) -> None:
    report = synthetic()
    path = report.write(tmp_path / "results")
    assert path == tmp_path / "results" / "bench_fake.json"
    data = json.loads(path.read_text())
    assert data["command"] == report.command
    assert data["machine"] == MACHINE
    assert data["timestamp"] == "2026-01-02T03:04:05+00:00"
    first, second = data["tables"][0]["rows"][:2]
    assert first[1] == {"value": 0.6513, "unit": "s", "digits": 0, "display": "ms", "text": "651 ms"}
    assert second[3]["met"] is True
    assert second[3]["limit"]["value"] == 2.0
    assert data["tables"][0]["rows"][3][3]["met"] is False
    assert data["figures"]["rows"]["value"] == 10144
    loaded = Report.load(path)
    assert loaded == report
    assert loaded.markdown() == EXPECTED


@pytest.mark.parametrize(
    ("op", "value", "met"),
    [("<", 1.99, True), ("<", 2.0, False), ("≤", 2.0, True), (">", 2.0, False), ("≥", 2.0, True)],
)
def test_target_check(op: str, value: float, met: bool) -> None:
    assert Target.check(value, op, Measure(2.0, "s")).met is met  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("p", "text"), [(0.4321, "0.43"), (0.04979, "0.0497"), (0.00812, "0.00812"), (0.0004, "< 0.001")]
)
def test_p_values_print_like_the_domain(p: float, text: str) -> None:
    assert p_value_text(p) == text


def test_table_rejects_a_row_of_the_wrong_width() -> None:
    table = synthetic().tables[0]
    with pytest.raises(ValueError, match="2 cells for 4 columns"):
        table.add("short", None)


def test_command_line_is_relative_to_the_project() -> None:
    line = command_line("bench.bench_x", ["--repeat", "1", "a b"])
    assert line.endswith("-m bench.bench_x --repeat 1 'a b'")


@pytest.mark.slow
@pytest.mark.serial  # a benchmark: not beside another one
def test_bench_backtest_end_to_end(tmp_path: Path) -> None:
    """The cheapest bench, smallest settings, in a subprocess: its printed tables are its JSON file."""
    args = ["--repeat", "1", "--draws", "20", "--grids", "2", "--results-dir", str(tmp_path)]
    run = subprocess.run(
        [sys.executable, "-m", "bench.bench_backtest", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    path = tmp_path / "bench_backtest.json"
    report = Report.load(path)
    assert report.command.endswith("-m bench.bench_backtest " + " ".join(args))
    assert report.settings == {
        "repeat": 1,
        "draws": 20,
        "grids": 2,
        "seed": 0,
        "game": "euromillions",
        "source": report.settings["source"],
    }
    assert report.markdown() in run.stdout
    timing, result = report.tables
    (_, base, base_rate, one, _), (_, seconds, rate, vs, target) = timing.rows
    tickets = 4 * 20 * 2
    assert report.figures[next(k for k in report.figures if k.startswith("tickets"))].value == tickets
    assert base.value > 0  # type: ignore[union-attr]
    assert seconds.value > 0  # type: ignore[union-attr]
    assert rate.value == pytest.approx(tickets / seconds.value)  # type: ignore[union-attr]
    assert base_rate.value == pytest.approx(tickets / base.value)  # type: ignore[union-attr]
    assert one.value == 1.0  # type: ignore[union-attr]
    assert vs.value == pytest.approx(seconds.value / base.value)  # type: ignore[union-attr]
    assert target.met is (seconds.value < 10)  # type: ignore[union-attr]
    assert [row[0] for row in result.rows] == [
        "`frequency_based`",
        "`gap_based`",
        "`combination_based`",
        "`random`",
    ]
    for row in result.rows:
        assert row[2].value == pytest.approx(0.5)  # type: ignore[union-attr]  # 5 x 5 / 50, one era
        assert 0 <= row[1].value <= 5  # type: ignore[union-attr]
    raw = json.loads(path.read_text())
    assert raw["tables"][0]["rows"][1][1]["unit"] == "s"
    assert any("`random`:" in note for note in report.notes)
