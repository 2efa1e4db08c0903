"""Load parsed FDJ files into the DuckDB warehouse, idempotently.

For each draw of a file, against what the warehouse already holds:

* a new draw is inserted;
* the same draw with the same content is left alone (``unchanged``);
* the same draw with revised prize data (or claim deadline, or id) is updated, but only when the
  incoming file is at least as recent as the one that wrote it (its last draw date,
  ``source_as_of``): loading an older export after a newer one never reverts FDJ's revisions;
* the same date with *different balls* is a conflict: the row is rejected, the loaded draw kept.

Each file is loaded in one transaction and leaves one ``ingest_log`` row whose counts add up:
``rows_read = rows_inserted + rows_updated + rows_unchanged + rows_rejected``.

A file whose rows are mostly rejected (more than ``REJECT_FILE_SHARE``, or all of them) is rejected
as a whole: the transaction is rolled back, and its ``ingest_log`` row says ``failed`` with the
reason and the counts. Only the first ``REJECTS_KEPT_PER_FILE`` rejected rows of a file are stored in
``rejects``; ``rows_rejected`` always has the full count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import duckdb
import numpy as np

from lottery.fdj.guards import FileLimits, too_many_rejected, whole_file_reason
from lottery.fdj.parse import ParsedDraw, ParsedFile, Reject
from lottery.games import DrawKind, Game, era_on
from warehouse.schema import DRAW_TABLES, ensure_schema


class RowStatus(StrEnum):
    """What loading did with one draw (or one line)."""

    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class FileReport:
    """The outcome of one file, as written to ``ingest_log``."""

    file: str
    game: Game | None
    sha256: str | None
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error: str | None = None
    reject_reasons: list[str] = field(default_factory=list)
    fetched_sha256: str | None = None  # of the file as fetched: the zip holding this CSV, or the CSV

    @property
    def ok(self) -> bool:
        """Whether the file could be read (rows may still have been rejected)."""
        return self.error is None


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes, as kept in the ingest log."""
    return hashlib.sha256(data).hexdigest()


def content_digest(draw: ParsedDraw) -> str:
    """A fingerprint of everything FDJ may revise about a draw."""
    payload = repr(
        (draw.balls, draw.bonus, draw.fdj_draw_id, draw.claim_deadline, draw.currency, draw.prizes)
    )
    return hashlib.sha1(payload.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class _Existing:
    numbers: tuple[int, ...]
    bonus: tuple[int, ...]
    digest: str
    as_of: date
    loaded_at: datetime
    source: str


def _existing(con: duckdb.DuckDBPyConnection, table: str, game: Game) -> dict[tuple[date, int], _Existing]:
    rows = con.execute(
        f"SELECT draw_date, tirage, numbers, bonus, content_digest, source_as_of, loaded_at, source_file "
        f"FROM {table} WHERE game = ?",
        [game.value],
    ).fetchall()
    return {
        (d, t): _Existing(tuple(n), tuple(b), digest, as_of, loaded_at, src)
        for d, t, n, b, digest, as_of, loaded_at, src in rows
    }


def _key_columns(draws: list[ParsedDraw]) -> dict[str, np.ndarray]:
    """The key of each draw (game, date, tirage) as staging columns for DuckDB."""
    return {
        "game": np.array([d.game.value for d in draws], dtype=object),
        "draw_date": np.array([d.draw_date.isoformat() for d in draws], dtype=object),
        "tirage": np.array([d.tirage for d in draws], dtype=np.int8),
    }


def _ints(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values)


_INT_LIST = "CASE WHEN {c} = '' THEN []::INTEGER[] ELSE string_split({c}, ',')::INTEGER[] END"


def _write_draws(
    con: duckdb.DuckDBPyConnection,
    table: str,
    draws: list[ParsedDraw],
    loaded_at: list[datetime],
    source: str,
    as_of: date,
    now: datetime,
) -> None:
    if not draws:
        return
    stage = {
        **_key_columns(draws),
        "numbers": np.array([_ints(d.numbers) for d in draws], dtype=object),
        "bonus": np.array([_ints(d.bonus_sorted) for d in draws], dtype=object),
        "balls_drawn": np.array([_ints(d.balls) for d in draws], dtype=object),
        "bonus_drawn": np.array([_ints(d.bonus) for d in draws], dtype=object),
        "fdj_draw_id": np.array([d.fdj_draw_id or "" for d in draws], dtype=object),
        "claim_deadline": np.array(
            [d.claim_deadline.isoformat() if d.claim_deadline else "" for d in draws], dtype=object
        ),
        "currency": np.array([d.currency for d in draws], dtype=object),
        "content_digest": np.array([content_digest(d) for d in draws], dtype=object),
        "source_line": np.array([d.line_no for d in draws], dtype=np.int32),
        "loaded_at": np.array([t.isoformat() for t in loaded_at], dtype=object),
    }
    con.register("stage_draws", stage)
    try:
        con.execute(
            f"""
            DELETE FROM {table} t USING stage_draws s
            WHERE t.game = s.game AND t.draw_date = s.draw_date::DATE AND t.tirage = s.tirage
            """
        )
        con.execute(
            f"""
            INSERT INTO {table}
            SELECT game, draw_date::DATE, tirage,
                   {_INT_LIST.format(c="numbers")}, {_INT_LIST.format(c="bonus")},
                   {_INT_LIST.format(c="balls_drawn")}, {_INT_LIST.format(c="bonus_drawn")},
                   nullif(fdj_draw_id, ''), nullif(claim_deadline, '')::DATE, currency, content_digest,
                   ?, source_line, ?::DATE, loaded_at::TIMESTAMP, ?::TIMESTAMP
            FROM stage_draws
            """,
            [source, as_of.isoformat(), now.isoformat()],
        )
    finally:
        con.unregister("stage_draws")
    _write_prizes(con, draws)


def _raise_as_of(
    con: duckdb.DuckDBPyConnection, table: str, draws: list[ParsedDraw], source: str, as_of: date
) -> None:
    """Record that a newer file confirmed these rows, so an older export can never revise them."""
    if not draws:
        return
    keys = {
        **_key_columns(draws),
        "source_line": np.array([d.line_no for d in draws], dtype=np.int32),
    }
    con.register("stage_keys", keys)
    try:
        con.execute(
            f"""
            UPDATE {table} t SET source_as_of = ?::DATE, source_file = ?, source_line = s.source_line
            FROM stage_keys s
            WHERE t.game = s.game AND t.draw_date = s.draw_date::DATE AND t.tirage = s.tirage
            """,
            [as_of.isoformat(), source],
        )
    finally:
        con.unregister("stage_keys")


def _write_prizes(con: duckdb.DuckDBPyConnection, draws: list[ParsedDraw]) -> None:
    rows: list[tuple] = []
    for d in draws:
        era = era_on(d.game, d.kind, d.draw_date)
        tiers = {t.rank: t for t in era.tiers} if era else {}
        for p in d.prizes:
            tier = tiers.get(p.rank) if p.table in ("main", "second") else None
            rows.append(
                (
                    d.game.value,
                    d.kind.value,
                    d.draw_date.isoformat(),
                    d.tirage,
                    p.table,
                    p.rank,
                    tier.label if tier else None,
                    tier.numbers[0] if tier else None,
                    tier.numbers[1] if tier else None,
                    tier.bonus if tier else None,
                    p.winners_france,
                    p.winners_europe,
                    None if p.amount is None else str(p.amount),
                    d.currency,
                )
            )
    keys = {**_key_columns(draws), "kind": np.array([d.kind.value for d in draws], dtype=object)}
    con.register("stage_keys", keys)
    try:
        con.execute(
            """
            DELETE FROM prize_tiers t USING stage_keys s
            WHERE t.game = s.game AND t.kind = s.kind AND t.draw_date = s.draw_date::DATE
              AND t.tirage = s.tirage
            """
        )
    finally:
        con.unregister("stage_keys")
    if not rows:
        return
    cols = list(zip(*rows, strict=True))
    names = [
        "game",
        "kind",
        "draw_date",
        "tirage",
        "prize_table",
        "rank",
        "pattern",
        "numbers_min",
        "numbers_max",
        "bonus_matched",
        "winners_france",
        "winners_europe",
        "prize",
        "currency",
    ]
    stage = {name: np.array(col, dtype=object) for name, col in zip(names, cols, strict=True)}
    con.register("stage_prizes", stage)
    try:
        con.execute(
            """
            INSERT INTO prize_tiers
            SELECT game, kind, draw_date::DATE, tirage::TINYINT, prize_table, rank::INTEGER,
                   pattern::VARCHAR, numbers_min::INTEGER, numbers_max::INTEGER, bonus_matched::INTEGER,
                   winners_france::BIGINT, winners_europe::BIGINT, prize::DECIMAL(18, 2), currency
            FROM stage_prizes
            """
        )
    finally:
        con.unregister("stage_prizes")


def _classify(draw: ParsedDraw, existing: _Existing | None, as_of: date) -> tuple[RowStatus, str | None]:
    if existing is None:
        return RowStatus.INSERTED, None
    if existing.numbers != draw.numbers or existing.bonus != draw.bonus_sorted:
        return RowStatus.REJECTED, (
            f"conflicts with the loaded {draw.kind} draw of {draw.draw_date.isoformat()} from "
            f"{existing.source}: numbers {list(existing.numbers)} + {list(existing.bonus)}, "
            f"this row says {list(draw.numbers)} + {list(draw.bonus_sorted)}"
        )
    if existing.digest == content_digest(draw) or as_of < existing.as_of:
        return RowStatus.UNCHANGED, None
    return RowStatus.UPDATED, None


_PRECEDENCE = [RowStatus.REJECTED, RowStatus.INSERTED, RowStatus.UPDATED, RowStatus.UNCHANGED]


def load_parsed(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    *,
    sha256: str | None,
    size: int | None,
    run_id: str | None = None,
    limits: FileLimits | None = None,
    fetched_sha256: str | None = None,
) -> FileReport:
    """Load one parsed file in one transaction and log it; returns what it did.

    If the file's rejected rows (bad rows, and rows conflicting with loaded draws) are over
    ``limits.reject_file_share``, nothing of it is loaded and it is logged as failed.
    """
    limits = limits or FileLimits()
    ensure_schema(con)
    started = datetime.now()
    as_of = max((d.draw_date for d in parsed.draws), default=date.min)
    line_status: dict[int, RowStatus] = dict.fromkeys(parsed.rejected_lines, RowStatus.REJECTED)
    rejects: list[Reject] = list(parsed.rejects)
    con.execute("BEGIN TRANSACTION")
    try:
        for kind in DrawKind:
            table = DRAW_TABLES[kind.value]
            draws = [d for d in parsed.draws if d.kind == kind]
            if not draws:
                continue
            existing = _existing(con, table, parsed.game)
            to_write: list[ParsedDraw] = []
            loaded_at: list[datetime] = []
            newer_source: list[ParsedDraw] = []
            for d in draws:
                old = existing.get((d.draw_date, d.tirage))
                status, reason = _classify(d, old, as_of)
                if status == RowStatus.UNCHANGED and old is not None and as_of > old.as_of:
                    newer_source.append(d)  # same content, newer file: it now vouches for the row
                if status == RowStatus.REJECTED:
                    rejects.append(Reject(d.line_no, parsed.raw_lines.get(d.line_no, ""), reason or "", kind))
                    if kind == DrawKind.LOTO_SECOND:
                        status = RowStatus.UNCHANGED  # the line's main draw decides its status
                elif status != RowStatus.UNCHANGED:
                    to_write.append(d)
                    loaded_at.append(old.loaded_at if old else started)
                previous = line_status.get(d.line_no, RowStatus.UNCHANGED)
                line_status[d.line_no] = min(previous, status, key=_PRECEDENCE.index)
            _write_draws(con, table, to_write, loaded_at, parsed.source, as_of, started)
            _raise_as_of(con, table, newer_source, parsed.source, as_of)
        report = FileReport(
            file=parsed.source,
            game=parsed.game,
            sha256=sha256,
            rows_read=parsed.rows_read,
            fetched_sha256=fetched_sha256,
        )
        for status in line_status.values():
            setattr(report, status.value, getattr(report, status.value) + 1)
        rejects.sort(key=lambda r: r.line_no)
        report.reject_reasons = [r.reason for r in rejects[: limits.rejects_kept]]
        whole = too_many_rejected(report.rows_read, report.rejected, limits.reject_file_share)
        if not whole:
            ingest_id = _log(con, report, parsed.encoding, size, run_id, started)
            _store_rejects(con, ingest_id, parsed.game, parsed.source, rejects[: limits.rejects_kept])
            con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if whole:
        con.execute("ROLLBACK")
        return log_rejected_file(
            con,
            parsed,
            rejects,
            report.rejected,
            sha256=sha256,
            size=size,
            run_id=run_id,
            limits=limits,
            fetched_sha256=fetched_sha256,
        )
    return report


def log_rejected_file(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedFile,
    rejects: list[Reject],
    rejected: int,
    *,
    sha256: str | None,
    size: int | None,
    run_id: str | None,
    limits: FileLimits,
    fetched_sha256: str | None = None,
) -> FileReport:
    """Record a file rejected as a whole: a failed ingest_log row with the counts, and its first rejects."""
    ensure_schema(con)
    first = sorted(rejects, key=lambda r: r.line_no)[: limits.rejects_kept]
    reason = whole_file_reason(
        parsed.source,
        parsed.rows_read,
        rejected,
        limits.reject_file_share,
        [(r.line_no, r.reason) for r in first],
    )
    report = FileReport(
        file=parsed.source,
        game=parsed.game,
        sha256=sha256,
        rows_read=parsed.rows_read,
        rejected=rejected,
        error=reason,
        reject_reasons=[r.reason for r in first],
        fetched_sha256=fetched_sha256,
    )
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = _log(con, report, parsed.encoding, size, run_id, datetime.now())
        _store_rejects(con, ingest_id, parsed.game, parsed.source, first)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return report


def log_failed_file(
    con: duckdb.DuckDBPyConnection,
    file: str,
    error: str,
    *,
    game: Game | None = None,
    sha256: str | None = None,
    size: int | None = None,
    run_id: str | None = None,
    fetched_sha256: str | None = None,
) -> FileReport:
    """Record a file that could not be read at all."""
    ensure_schema(con)
    report = FileReport(file=file, game=game, sha256=sha256, error=error, fetched_sha256=fetched_sha256)
    _log(con, report, None, size, run_id, datetime.now())
    return report


def _log(
    con: duckdb.DuckDBPyConnection,
    r: FileReport,
    encoding: str | None,
    size: int | None,
    run_id: str | None,
    started: datetime,
) -> int:
    row = con.execute(
        """
        INSERT INTO ingest_log (run_id, game, file, sha256, bytes, encoding, rows_read, rows_inserted,
            rows_updated, rows_unchanged, rows_rejected, status, error, started_at, finished_at,
            fetched_sha256)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?)
        RETURNING ingest_id
        """,
        [
            run_id,
            r.game.value if r.game else None,
            r.file,
            r.sha256,
            size,
            encoding,
            r.rows_read,
            r.inserted,
            r.updated,
            r.unchanged,
            r.rejected,
            "ok" if r.ok else "failed",
            r.error,
            started,
            r.fetched_sha256,
        ],
    ).fetchall()[0]
    return int(row[0])


def _store_rejects(
    con: duckdb.DuckDBPyConnection, ingest_id: int, game: Game, file: str, rejects: list[Reject]
) -> None:
    if not rejects:
        return
    stage = {
        "line_no": np.array([r.line_no for r in rejects], dtype=np.int32),
        "raw_line": np.array([r.raw_line for r in rejects], dtype=object),
        "reason": np.array([r.reason for r in rejects], dtype=object),
        "kind": np.array([r.kind.value if r.kind else "" for r in rejects], dtype=object),
    }
    con.register("stage_rejects", stage)
    try:
        con.execute(
            """
            INSERT INTO rejects
            SELECT ?, ?, nullif(kind, ''), ?, line_no, raw_line, reason, now() FROM stage_rejects
            """,
            [ingest_id, game.value, file],
        )
    finally:
        con.unregister("stage_rejects")


def record_counts(con: duckdb.DuckDBPyConnection, game: Game, run_id: str | None) -> dict[str, int]:
    """Snapshot each draw table's row count for ``game`` (the never-shrinks check reads these)."""
    ensure_schema(con)
    counts = {}
    for kind, table in DRAW_TABLES.items():
        row = con.execute(f"SELECT count(*) FROM {table} WHERE game = ?", [game.value]).fetchall()[0]
        counts[kind] = int(row[0])
        con.execute(
            "INSERT INTO draw_counts VALUES (?, ?, now(), ?, ?)", [game.value, kind, run_id, counts[kind]]
        )
    return counts
