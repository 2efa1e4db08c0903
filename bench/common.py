"""Shared set-up for the benchmarks, and the report every bench prints and stores.

Set-up: the shipped data in a throw-away warehouse and serving folder, the API's uvicorn
(``python -m api.server``) on a free port of 127.0.0.1, median timings. Reporting: ``Report``
prints the bench's Markdown table exactly as the README shows it, preceded by the command and the
machine, and writes ``bench/results/<bench>.json`` (raw numbers with units, ratios, targets, the
command, the settings, the machine, a timestamp).
"""

from __future__ import annotations

import argparse
import json
import operator
import os
import platform
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import duckdb
import httpx
import numpy as np

from config.settings import PROJECT_ROOT
from lottery.games import Game
from lottery.significance import p_number
from lottery.stats.engine import DrawSet
from lottery.stats.models import StatsFilter
from serving.snapshot import publish
from warehouse.ingest import ingest_game
from warehouse.snapshots import write_snapshot
from warehouse.statistics import load_window

BIN = Path(sys.executable).parent


def build(root: Path) -> Path:
    """Warehouse, today's statistics and a published snapshot from the shipped data; the serving folder."""
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    for game in Game:
        ingest_game(con, game, str(PROJECT_ROOT / "data" / "fdj"))
        write_snapshot(con, game, date.today())
    publish(con, root / "serving")
    con.close()
    return root / "serving"


def redis_server() -> str:
    """``redis://host:port`` of REDIS_URL (the benchmarks pick their own database numbers)."""
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_api(
    env: dict[str, str], app: str = "api.main:app", workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    """``app`` served as the main command serves the API (``python -m api.server``: uvicorn with the
    settings' limits) with ``workers`` processes on a free port; returns the process and its base URL
    once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.server",
            "--app",
            app,
            "--port",
            str(port),
            *(["--workers", str(workers)] if workers > 1 else []),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
        cwd=PROJECT_ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded 2-core machine takes 20 s to import the app
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(f"{url}/ping", timeout=1)
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("uvicorn did not start")


def median_s(fn: Callable[[], object], repeat: int, warmup: bool = True) -> float:
    """Median seconds of ``repeat`` calls (after one untimed call when ``warmup``)."""
    if warmup:
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def shipped_draws(source: str, game: Game = Game.EUROMILLIONS) -> DrawSet:
    """Every main-formula draw of ``game`` in ``source``, through a throw-away warehouse."""
    with tempfile.TemporaryDirectory() as tmp, duckdb.connect(str(Path(tmp) / "bench.duckdb")) as con:
        result = ingest_game(con, game, source)
        if result.failed:
            raise SystemExit(f"ingest failed: {[f.error for f in result.failed]}")
        return load_window(con, game, StatsFilter())


# --- Reporting: one Markdown table in the README's format, and a JSON result file ---------------------

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"
SUFFIX = {"s": " s", "ms": " ms", "x": "x", "%": " %", "MB": " MB", "GB": " GB"}
CHECK = {True: "✓", False: "✗"}
OPS = {"<": operator.lt, "≤": operator.le, ">": operator.gt, "≥": operator.ge}
Align = Literal["left", "right"]


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries the report)."""
    print(message, file=sys.stderr, flush=True)


def auto_digits(value: float, unit: str) -> int:
    """Decimals for about three significant figures: 0.49 ms, 3.3 ms, 470 ms, 1.72 s, 6.5x, 20x."""
    size = abs(value)
    if unit == "%":
        return 0
    if unit in ("s", "x"):
        return 2 if size < (10 if unit == "s" else 1) else 1 if size < (100 if unit == "s" else 10) else 0
    return 2 if size < 1 else 1 if size < 100 else 0


def p_value_text(p: float) -> str:
    """As the product prints p-values (lottery.significance.p_number): 0.43, 0.0497, < 0.001."""
    return p_number(p)


def ms(seconds: float, digits: int | None = None, **kw: Any) -> Measure:
    """A duration measured in seconds, printed in milliseconds."""
    return Measure(seconds, "s", digits, display="ms", **kw)


def ratio(value: float, digits: int | None = None, **kw: Any) -> Measure:
    """A ratio to the baseline, printed ``2.4x``."""
    return Measure(value, "x", digits, **kw)


@dataclass(frozen=True)
class Target:
    """A limit a figure should meet: ``< 20 ms``, ``≥ 70 %``; ``met`` is decided when measured."""

    op: Literal["<", "≤", ">", "≥"]
    limit: Measure
    met: bool

    @classmethod
    def check(cls, value: float, op: Literal["<", "≤", ">", "≥"], limit: Measure) -> Target:
        """``value`` (in ``limit``'s unit) against the limit."""
        return cls(op, limit, OPS[op](value, limit.value))

    def text(self) -> str:
        """``< 20 ms ✓``."""
        return f"{self.op} {self.limit.text()} {CHECK[self.met]}"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON, with the limit's printed form."""
        return {"op": self.op, "limit": self.limit.to_json(), "met": self.met, "text": self.text()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Target:
        """The inverse of to_json."""
        return cls(data["op"], Measure.from_json(data["limit"]), data["met"])


@dataclass(frozen=True)
class Measure:
    """A raw number with its unit and how it is printed.

    Durations are kept in seconds and may be printed in ``ms`` (``display``); ``digits`` is the number
    of decimals printed (None: chosen from the magnitude; p-values (unit ``p``) as the domain prints
    them, cutoffs (unit ``cutoff``) to two figures); units other than s, ms, x, %, MB and GB are
    named by the column header or the label and not repeated in the cell.
    """

    value: float
    unit: str
    digits: int | None = None
    display: str | None = None
    bold: bool = False
    approx: bool = False
    target: Target | None = None

    def shown(self) -> tuple[float, str]:
        """The value in the printed unit, and that unit."""
        unit = self.display or self.unit
        if self.unit == "s" and unit == "ms":
            return self.value * 1000, "ms"
        if self.unit == "s" and self.display is None and self.value < 1:
            return self.value * 1000, "ms"
        return self.value, unit

    def text(self) -> str:
        """``1,563 ms``, ``2.4x``, ``**125 %** (target ≥ 70 % ✓)``, ``0.0042``."""
        value, unit = self.shown()
        if unit == "p" and self.digits is None:
            number = p_value_text(value)
        elif unit == "cutoff" and self.digits is None:
            number = f"{value:.2g}"
        else:
            digits = auto_digits(value, unit) if self.digits is None else self.digits
            number = f"{value:,.{digits}f}"
        out = number + SUFFIX.get(unit, "")
        if self.approx:
            out = f"≈ {out}"
        if self.bold:
            out = f"**{out}**"
        if self.target is not None:
            out += f" (target {self.target.text()})"
        return out

    def to_json(self) -> dict[str, Any]:
        """Plain JSON: the raw value and unit, the printing choices and the printed form."""
        data: dict[str, Any] = {"value": self.value, "unit": self.unit}
        for key in ("digits", "display"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        for key in ("bold", "approx"):
            if getattr(self, key):
                data[key] = True
        if self.target is not None:
            data["target"] = self.target.to_json()
        data["text"] = self.text()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measure:
        """The inverse of to_json (``text`` is derived, so ignored)."""
        target = data.get("target")
        return cls(
            value=data["value"],
            unit=data["unit"],
            digits=data.get("digits"),
            display=data.get("display"),
            bold=data.get("bold", False),
            approx=data.get("approx", False),
            target=None if target is None else Target.from_json(target),
        )


@dataclass(frozen=True)
class Interval:
    """A confidence interval, printed ``[0.480, 0.520]``."""

    low: float
    high: float
    digits: int = 3

    def text(self) -> str:
        """``[low, high]``."""
        return f"[{self.low:.{self.digits}f}, {self.high:.{self.digits}f}]"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON with the printed form."""
        return {"low": self.low, "high": self.high, "digits": self.digits, "text": self.text()}


Cell = str | Measure | Target | Interval | None


def cell_text(cell: Cell) -> str:
    """What a cell prints (None: an empty cell)."""
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else cell.text()


def cell_to_json(cell: Cell) -> Any:
    """A cell as plain JSON (strings and None as themselves)."""
    return cell if cell is None or isinstance(cell, str) else cell.to_json()


def cell_from_json(data: Any) -> Cell:
    """The inverse of cell_to_json."""
    if data is None or isinstance(data, str):
        return data
    if "op" in data:
        return Target.from_json(data)
    if "low" in data:
        return Interval(data["low"], data["high"], data["digits"])
    return Measure.from_json(data)


@dataclass(frozen=True)
class Column:
    """A column's header and alignment (numbers right, text left)."""

    header: str
    align: Align = "right"


@dataclass
class Table:
    """A Markdown table: the first cell of each row names it."""

    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    title: str = ""

    def add(self, *cells: Cell) -> None:
        """One row; also echoed to stderr as it comes (long benches show progress)."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))
        progress("  " + " | ".join(cell_text(c) for c in cells))

    def markdown(self) -> str:
        """``| case | median |`` / ``|---|---:|`` / rows, as the README writes them."""

        def line(cells: list[str]) -> str:
            return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"

        out = [line([c.header for c in self.columns])]
        out.append("|" + "|".join("---:" if c.align == "right" else "---" for c in self.columns) + "|")
        out += [line([cell_text(c) for c in row]) for row in self.rows]
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        """Columns and rows as plain JSON."""
        return {
            "title": self.title,
            "columns": [{"header": c.header, "align": c.align} for c in self.columns],
            "rows": [[cell_to_json(c) for c in row] for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        """The inverse of to_json."""
        return cls(
            columns=[Column(c["header"], c["align"]) for c in data["columns"]],
            rows=[[cell_from_json(c) for c in row] for row in data["rows"]],
            title=data["title"],
        )


def machine() -> dict[str, Any]:
    """What the figures depend on: cores, CPU, load average when it ran, Python, numpy, duckdb, OS, commit."""
    cpu = ""
    with suppress(OSError):
        cpu = next(
            (
                ln.split(":", 1)[1].strip()
                for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")
            ),
            "",
        )
    commit = ""
    with suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    load: list[float] = []
    with suppress(OSError):
        load = [round(x, 2) for x in os.getloadavg()]
    return {
        "cores": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "load_average": load,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "duckdb": duckdb.__version__,
        "os": platform.platform(),
        "commit": commit,
    }


def command_line(module: str, argv: list[str]) -> str:
    """The command as a reader types it from the project root: ``.venv/bin/python -m bench.x --flag 1``."""
    python = Path(sys.executable)
    with suppress(ValueError):
        python = python.relative_to(PROJECT_ROOT)
    return shlex.join([str(python), "-m", module, *argv])


def add_results_argument(parser: argparse.ArgumentParser) -> None:
    """``--results-dir`` (default bench/results), shared by every bench."""
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where <bench>.json is written")


@dataclass
class Report:
    """One bench run: its command, the machine, its tables, free-form figures and notes.

    ``print()`` writes the Markdown the README shows (a line naming the command and the machine, the
    tables, the figures, the notes); ``write()`` stores everything as ``<results>/<bench>.json``.
    """

    bench: str
    title: str
    command: str
    settings: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=machine)
    timestamp: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, Measure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, module: str, title: str, args: argparse.Namespace, argv: list[str] | None) -> Report:
        """A report for ``module`` (``bench.bench_x``) run with ``argv`` (None: this process's)."""
        argv = sys.argv[1:] if argv is None else argv
        settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        settings.pop("results_dir", None)
        return cls(module.rsplit(".", 1)[-1], title, command_line(module, argv), settings)

    def table(self, *columns: Column, title: str = "") -> Table:
        """A new table, printed in the order created."""
        table = Table(list(columns), title=title)
        self.tables.append(table)
        return table

    def figure(self, label: str, measure: Measure) -> Measure:
        """A figure outside the tables (printed as ``- label: value``)."""
        self.figures[label] = measure
        progress(f"  {label}: {measure.text()}")
        return measure

    def heading(self) -> str:
        """The line naming the command and the machine."""
        m = self.machine
        return (
            f"`{self.command}` ({self.timestamp[:10]}; {m['cores']} cores {m['cpu']}; Python {m['python']}, "
            f"numpy {m['numpy']}, duckdb {m['duckdb']})"
        )

    def markdown(self) -> str:
        """Everything printed, as Markdown."""
        parts = [f"{self.title}: {self.heading()}"]
        for table in self.tables:
            parts.append((f"{table.title}\n\n" if table.title else "") + table.markdown())
        if self.figures:
            parts.append("\n".join(f"- {label}: {m.text()}" for label, m in self.figures.items()))
        if self.notes:
            parts += self.notes
        return "\n\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON of the whole run."""
        return {
            "bench": self.bench,
            "title": self.title,
            "command": self.command,
            "settings": self.settings,
            "machine": self.machine,
            "timestamp": self.timestamp,
            "tables": [t.to_json() for t in self.tables],
            "figures": {label: m.to_json() for label, m in self.figures.items()},
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """The inverse of to_json: a stored result, to print or compare."""
        return cls(
            bench=data["bench"],
            title=data["title"],
            command=data["command"],
            settings=data["settings"],
            machine=data["machine"],
            timestamp=data["timestamp"],
            tables=[Table.from_json(t) for t in data["tables"]],
            figures={label: Measure.from_json(m) for label, m in data["figures"].items()},
            notes=data["notes"],
        )

    @classmethod
    def load(cls, path: Path) -> Report:
        """A result file written by ``write``."""
        return cls.from_json(json.loads(path.read_text()))

    def write(self, folder: Path = RESULTS_DIR) -> Path:
        """``folder/<bench>.json`` (the folder is created on demand); returns the path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.bench}.json"
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")
        return path

    def finish(self, folder: Path = RESULTS_DIR) -> Path:
        """Print the Markdown on stdout, write the JSON file, and name it."""
        path = self.write(folder)
        print(self.markdown())
        shown = path
        with suppress(ValueError):
            shown = path.resolve().relative_to(PROJECT_ROOT)
        print(f"\nresult file: {shown}")
        return path


@dataclass
class RateTable:
    """Medians against a baseline measured in the same run, with the work done per second.

    Columns: case, median, ``{unit}/s``, ``vs {versus}``, target; the first row is the baseline."""

    table: Table
    unit: str
    work: float
    base_s: float

    @classmethod
    def start(
        cls, report: Report, unit: str, work: float, base_label: str, base_s: float, versus: str = "baseline"
    ) -> RateTable:
        """The table with its baseline row (``work`` units done in ``base_s`` seconds)."""
        table = report.table(
            Column("case", "left"),
            Column("median"),
            Column(f"{unit}/s"),
            Column(f"vs {versus}"),
            Column("target", "left"),
        )
        table.add(
            base_label,
            Measure(base_s, "s", 3, display="s"),
            Measure(work / base_s, f"{unit}/s", 0),
            ratio(1.0, 0),
            None,
        )
        return cls(table, unit, work, base_s)

    def add(self, label: str, seconds: float, target_s: float | None = None) -> None:
        """A measured row: median, rate, ratio to the baseline, and ``< target_s`` checked if given."""
        target = (
            Target.check(seconds, "<", Measure(target_s, "s", 0, display="s"))
            if target_s is not None
            else None
        )
        self.table.add(
            label,
            Measure(seconds, "s", 3, display="s"),
            Measure(self.work / seconds, f"{self.unit}/s", 0),
            ratio(seconds / self.base_s),
            target,
        )
