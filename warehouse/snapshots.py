"""Dated statistics snapshots: every scope the app shows, computed and kept in the warehouse.

One snapshot per game and day (re-running the same day replaces it; earlier days are kept), in two
tables: ``stats_snapshots`` (the quick and full JSON payloads, exactly what the API serves) and
``number_stats`` (one row per ball, for analysts' SQL).

A window whose draws did not change since the game's latest stored snapshot (that day's or an earlier
one) is not recomputed when ``write_snapshot`` is asked to ``reuse`` (the statistics asset does; other
callers recompute every window): its payloads and ``number_stats`` rows are that snapshot's, with the
game's new ``data_version`` written into the payloads (the only field that depends on draws outside the
window). ``stats_windows`` records what each stored window was computed from: the count and order-
independent hash of its draws (as :func:`~warehouse.statistics.data_version` fingerprints a game) and
the fingerprint of the code and libraries that compute statistics. Both must match for a reuse, so a new
draw recomputes all history, its year, its month and the last-N windows (five of about three hundred),
and a new version of the engine recomputes everything. All history and the last-N windows are always
recomputed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import numpy as np

from lottery.games import Game
from lottery.stats.engine import full_stats, quick_stats
from lottery.stats.models import NUMBER_STAT_COLUMNS, FullStats, NumberStat, StatsFilter
from warehouse.statistics import data_version, load_window, window_sql

# The sources whose code shapes a payload, and the libraries whose numerics do.
_ENGINE_SOURCES = ("lottery/stats", "lottery/games.py", "lottery/significance.py", "warehouse/statistics.py")
_ENGINE_LIBRARIES = ("numpy", "scipy", "pydantic", "pydantic-core", "duckdb")
_ROOT = Path(__file__).resolve().parents[1]

LAST_N_SCOPES = (50, 100)


def snapshot_scopes(con: duckdb.DuckDBPyConnection, game: Game) -> list[StatsFilter]:
    """All history, every year and year+month that has draws, the last 50 and 100 draws."""
    months = con.execute(
        "SELECT DISTINCT year(draw_date), month(draw_date) FROM draws WHERE game = ? ORDER BY 1, 2",
        [game.value],
    ).fetchall()
    scopes = [StatsFilter()]
    scopes += [StatsFilter(year=y) for y in sorted({y for y, _ in months})]
    scopes += [StatsFilter(year=y, month=m) for y, m in months]
    scopes += [StatsFilter(last=n) for n in LAST_N_SCOPES]
    return scopes


@cache
def engine_version() -> str:
    """A fingerprint of the statistics code (its source files) and of the libraries it computes with."""
    digest = hashlib.sha256()
    for source in _ENGINE_SOURCES:
        path = _ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(_ROOT).as_posix().encode() + b"\0" + file.read_bytes())
    for library in _ENGINE_LIBRARIES:
        digest.update(f"{library}=={importlib.metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


def window_versions(con: duckdb.DuckDBPyConnection, game: Game) -> dict[str, str]:
    """The fingerprint of each calendar window's draws (all history, each year, each year+month):
    its draw count and the XOR of each draw's hash, in one scan. The last-N windows have none."""
    rows = con.execute(
        """
        SELECT year(draw_date) AS y, month(draw_date) AS m, count(*) AS n,
               coalesce(bit_xor(hash(draw_date, numbers, bonus)), 0) AS h
        FROM draws WHERE game = ? GROUP BY GROUPING SETS ((), (y), (y, m))
        """,
        [game.value],
    ).fetchall()
    versions = {}
    for year, month, count, digest in rows:
        scope = StatsFilter(year=year, month=month).scope if year is not None else "all"
        versions[scope] = f"{count}-{digest:016x}"
    return versions


@dataclass
class SnapshotReport:
    """What one snapshot computed (``reused``: the windows taken unchanged from an earlier snapshot)."""

    game: Game
    snapshot_date: date
    data_version: str
    scopes: int = 0
    headline: FullStats | None = None
    draw_counts: dict[str, int] = field(default_factory=dict)
    reused: list[str] = field(default_factory=list)
    reused_from: date | None = None

    @property
    def computed(self) -> int:
        """Windows computed by the engine in this snapshot."""
        return self.scopes - len(self.reused)


@dataclass
class _Reusable:
    """The stored windows of the latest snapshot that the new one may take as they are."""

    day: date
    payloads: dict[str, list[tuple[str, str, int, str]]]  # scope -> (kind, filters, draw_count, payload)
    balls: list[tuple]  # number_stats rows of those scopes, in _insert's column order


def _reusable(
    con: duckdb.DuckDBPyConnection, game: Game, snapshot_date: date, versions: dict[str, str], engine: str
) -> _Reusable | None:
    """The windows of ``game``'s latest snapshot up to ``snapshot_date`` computed by this engine from
    the draws each window holds now."""
    latest = con.execute(
        "SELECT max(snapshot_date) FROM stats_windows WHERE game = ? AND snapshot_date <= ?",
        [game.value, snapshot_date],
    ).fetchall()[0][0]
    if latest is None:
        return None
    stored = con.execute(
        "SELECT scope, window_version FROM stats_windows WHERE game = ? AND snapshot_date = ? "
        "AND engine_version = ?",
        [game.value, latest, engine],
    ).fetchall()
    same = sorted(scope for scope, version in stored if versions.get(scope) == version and scope != "all")
    if not same:
        return None
    payloads: dict[str, list[tuple[str, str, int, str]]] = {}
    for scope, kind, filters, count, payload in con.execute(
        "SELECT scope, kind, filters::VARCHAR, draw_count, payload::VARCHAR FROM stats_snapshots "
        "WHERE game = ? AND snapshot_date = ? AND list_contains(?::VARCHAR[], scope) ORDER BY scope, kind",
        [game.value, latest, same],
    ).fetchall():
        payloads.setdefault(scope, []).append((kind, filters, count, payload))
    payloads = {scope: rows for scope, rows in payloads.items() if len(rows) == 2}
    columns = ", ".join(["scope", "ball", *NUMBER_STAT_COLUMNS])
    balls = con.execute(
        f"SELECT {columns} FROM number_stats WHERE game = ? AND snapshot_date = ? "
        "AND list_contains(?::VARCHAR[], scope)",
        [game.value, latest, list(payloads)],
    ).fetchall()
    balls = [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in balls]
    return _Reusable(day=latest, payloads=payloads, balls=balls)


def _with_version(payload: str, old: str, new: str) -> str | None:
    """A stored payload with the game's new data_version (None if the field is not found exactly once)."""
    field_old = f'"data_version":"{old}"'
    if payload.count(field_old) != 1:
        return None
    return payload.replace(field_old, f'"data_version":"{new}"')


def write_snapshot(
    con: duckdb.DuckDBPyConnection, game: Game, snapshot_date: date, *, reuse: bool = False
) -> SnapshotReport:
    """Compute every scope of ``game`` and store it as the snapshot of ``snapshot_date``; with ``reuse``
    a window whose draws and engine are those of the game's latest stored snapshot is taken from it
    (the statistics asset asks for that; without it every window is computed)."""
    version = data_version(con, game)
    report = SnapshotReport(game=game, snapshot_date=snapshot_date, data_version=version)
    payload_rows: list[tuple[str, str, str, int, str]] = []
    ball_rows: list[tuple] = []
    versions = window_versions(con, game)
    engine = engine_version()
    previous = _reusable(con, game, snapshot_date, versions, engine) if reuse else None
    window_rows: list[tuple[str, str, str, str | None]] = []
    for filters in snapshot_scopes(con, game):
        scope = filters.scope
        if previous is not None and scope in previous.payloads:
            rows = previous.payloads[scope]
            old = json.loads(rows[0][3])["data_version"]
            updated = [_with_version(payload, old, version) for _, _, _, payload in rows]
            if all(p is not None for p in updated):
                for (kind, filters_json, count, _), payload in zip(rows, updated, strict=True):
                    payload_rows.append((scope, kind, filters_json, count, payload))  # type: ignore[arg-type]
                report.draw_counts[scope] = rows[0][2]
                report.reused.append(scope)
                window_rows.append((scope, versions[scope], engine, previous.day.isoformat()))
                continue
        ds = load_window(con, game, filters)
        quick = quick_stats(ds, filters, version)
        full = full_stats(ds, filters, version)
        scope = filters.scope
        report.draw_counts[scope] = ds.size
        if scope == "all":
            report.headline = full
        filters_json = json.dumps(filters.public())
        payload_rows.append((scope, "quick", filters_json, ds.size, quick.model_dump_json()))
        payload_rows.append((scope, "full", filters_json, ds.size, full.model_dump_json()))
        for ball, stats in (("number", full.numbers), ("bonus", full.bonus)):
            ball_rows += [(scope, ball, *_number_cells(s)) for s in stats]
        if scope in versions:
            window_rows.append((scope, versions[scope], engine, None))
    if previous is not None:
        reused = set(report.reused)
        ball_rows += [row for row in previous.balls if row[0] in reused]
        report.reused_from = previous.day if reused else None
    report.scopes = len(report.draw_counts)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("stats_snapshots", "number_stats", "stats_windows"):
            con.execute(
                f"DELETE FROM {table} WHERE game = ? AND snapshot_date = ?", [game.value, snapshot_date]
            )
        _insert(
            con,
            "stats_snapshots",
            ["scope", "kind", "filters", "draw_count", "payload"],
            payload_rows,
            "?, ?, scope, kind, filters::JSON, ?, draw_count::INTEGER, payload::JSON, now()",
            [game.value, snapshot_date, version],
        )
        _insert(
            con,
            "number_stats",
            ["scope", "ball", *NUMBER_STAT_COLUMNS],
            ball_rows,
            "?, ?, scope, ball, number::INTEGER, count::INTEGER, eligible_draws::INTEGER, frequency::DOUBLE,"
            " expected::DOUBLE, current_gap::INTEGER, max_gap::INTEGER, mean_gap::DOUBLE, last_drawn::DATE,"
            " gap_before_first::INTEGER",
            [game.value, snapshot_date],
        )
        if window_rows:
            _insert(
                con,
                "stats_windows",
                ["scope", "window_version", "engine_version", "reused_from"],
                window_rows,
                "?, ?, scope, window_version, engine_version, reused_from::DATE",
                [game.value, snapshot_date],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


def _number_cells(s: NumberStat) -> tuple:
    """One ball's ``number_stats`` cells in :data:`NUMBER_STAT_COLUMNS` order (dates as ISO text)."""
    values = (getattr(s, column) for column in NUMBER_STAT_COLUMNS)
    return tuple(v.isoformat() if isinstance(v, date) else v for v in values)


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, names: list[str], rows: list[tuple], select: str, params: list
) -> None:
    columns = list(zip(*rows, strict=True))
    con.register(
        "stage", {name: np.array(col, dtype=object) for name, col in zip(names, columns, strict=True)}
    )
    try:
        con.execute(f"INSERT INTO {table} SELECT {select} FROM stage", params)
    finally:
        con.unregister("stage")


@dataclass
class SnapshotAudit:
    """Consistency of a stored snapshot (what the asset checks report)."""

    scopes: int
    bad_sums: list[str]
    bad_frequencies: list[str]
    bad_counts: list[str]


def audit_snapshot(con: duckdb.DuckDBPyConnection, game: Game, snapshot_date: date) -> SnapshotAudit:
    """Read a stored snapshot back and verify it against the ``draws`` table (the calendar windows'
    counts in one grouped scan, the last-N windows' each by its own query)."""
    rows = con.execute(
        "SELECT scope, filters, draw_count, payload FROM stats_snapshots "
        "WHERE game = ? AND snapshot_date = ? AND kind = 'full' ORDER BY scope",
        [game.value, snapshot_date],
    ).fetchall()
    bad_sums, bad_freq, bad_counts = [], [], []
    fresh = window_versions(con, game)  # every calendar window's count from the draws, in one scan
    for scope, filters_json, draw_count, payload_json in rows:
        payload = json.loads(payload_json)
        k = len(payload["last_draw"]["numbers"])
        b = len(payload["last_draw"]["bonus"])
        n_sum = sum(s["count"] for s in payload["numbers"])
        b_sum = sum(s["count"] for s in payload["bonus"])
        if n_sum != k * draw_count or b_sum != b * draw_count:
            bad_sums.append(
                f"{scope}: numbers {n_sum} vs {k}x{draw_count}, bonus {b_sum} vs {b}x{draw_count}"
            )
        freqs = [s["frequency"] for s in payload["numbers"] + payload["bonus"]]
        if any(not 0.0 <= f <= 1.0 for f in freqs):
            bad_freq.append(f"{scope}: frequency outside [0, 1]")
        if scope in fresh:
            actual = int(fresh[scope].split("-", 1)[0])
        else:
            sql, params = window_sql(game, StatsFilter.model_validate(json.loads(filters_json)))
            actual = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0][0]
        if actual != draw_count:
            bad_counts.append(f"{scope}: snapshot says {draw_count} draws, draws table has {actual}")
    return SnapshotAudit(scopes=len(rows), bad_sums=bad_sums, bad_frequencies=bad_freq, bad_counts=bad_counts)
