"""Dated statistics snapshots: every scope the app shows, computed and kept in the warehouse.

One snapshot per game and day (re-running the same day replaces it; earlier days are kept), in two
tables: ``stats_snapshots`` (the quick and full JSON payloads, exactly what the API serves) and
``number_stats`` (one row per ball, for analysts' SQL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np

from lottery.games import Game
from lottery.stats.engine import full_stats, quick_stats
from lottery.stats.models import NUMBER_STAT_COLUMNS, FullStats, NumberStat, StatsFilter
from warehouse.statistics import data_version, load_window, window_sql

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


@dataclass
class SnapshotReport:
    """What one snapshot computed."""

    game: Game
    snapshot_date: date
    data_version: str
    scopes: int = 0
    headline: FullStats | None = None
    draw_counts: dict[str, int] = field(default_factory=dict)


def write_snapshot(con: duckdb.DuckDBPyConnection, game: Game, snapshot_date: date) -> SnapshotReport:
    """Compute every scope of ``game`` and store it as the snapshot of ``snapshot_date``."""
    version = data_version(con, game)
    report = SnapshotReport(game=game, snapshot_date=snapshot_date, data_version=version)
    payload_rows: list[tuple[str, str, str, int, str]] = []
    ball_rows: list[tuple] = []
    for filters in snapshot_scopes(con, game):
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
    report.scopes = len(report.draw_counts)
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("stats_snapshots", "number_stats"):
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
    """Read a stored snapshot back and verify it against the ``draws`` table."""
    rows = con.execute(
        "SELECT scope, filters, draw_count, payload FROM stats_snapshots "
        "WHERE game = ? AND snapshot_date = ? AND kind = 'full' ORDER BY scope",
        [game.value, snapshot_date],
    ).fetchall()
    bad_sums, bad_freq, bad_counts = [], [], []
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
        sql, params = window_sql(game, StatsFilter.model_validate(json.loads(filters_json)))
        actual = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchall()[0]
        if actual[0] != draw_count:
            bad_counts.append(f"{scope}: snapshot says {draw_count} draws, draws table has {actual[0]}")
    return SnapshotAudit(scopes=len(rows), bad_sums=bad_sums, bad_frequencies=bad_freq, bad_counts=bad_counts)
