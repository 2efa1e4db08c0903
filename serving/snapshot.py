"""The serving snapshot: an immutable read-only DuckDB file the API reads, never the warehouse.

It holds the draws, prize tiers, today's statistics payloads, the latest back-test and the statistics
over time (trend tables) of each game, and, for analysts, the per-number statistics over all history
as they stood each time the draws changed, and every back-test run.

DuckDB allows one writing process or many readers, never both, so the API must not open the
warehouse Dagster writes. After each pipeline run Dagster *publishes* a snapshot:

1. the served tables are copied into a new file ``serving-<time>-<id>.duckdb`` (never modified again);
2. ``manifest.json`` is replaced atomically (``os.replace``) to point at it, with each game's
   ``data_version``.

Readers look at the manifest on every request (one ``stat``), and switch to the new file when it
changes; requests in flight finish on the file they started with. Old files are pruned.

A publish holds an exclusive ``flock`` on ``.publish.lock`` while it writes. A publish killed
mid-way leaves ``.serving-*.duckdb.tmp`` (and its ``.wal``) or a ``.manifest.json.*.tmp`` behind;
the next publish, once it holds the lock (so no other publish is writing), deletes every such
leftover that the manifest does not name.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from config.settings import Settings
from lottery.games import Game
from serving.cache import CacheKind, cache_key, ttl_for
from warehouse.statistics import data_version

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
KEEP_OLD_SNAPSHOTS = 2
LOCK = ".publish.lock"


@dataclass(frozen=True)
class GameManifest:
    """What a snapshot holds for one game."""

    data_version: str
    draw_count: int
    first_draw: str | None
    last_draw: str | None


@dataclass(frozen=True)
class Manifest:
    """The published snapshot: file name, time, and each game's data version."""

    snapshot: str
    published_at: str
    games: dict[str, GameManifest]
    run_id: str | None = None

    def version(self, game: Game) -> str:
        """The data version of ``game`` in this snapshot."""
        return self.games[game.value].data_version

    def to_json(self) -> str:
        """Serialised as written to ``manifest.json``."""
        return json.dumps(
            {
                "snapshot": self.snapshot,
                "published_at": self.published_at,
                "run_id": self.run_id,
                "games": {g: vars(m) for g, m in self.games.items()},
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse ``manifest.json``."""
        raw = json.loads(text)
        return cls(
            snapshot=raw["snapshot"],
            published_at=raw["published_at"],
            run_id=raw.get("run_id"),
            games={g: GameManifest(**m) for g, m in raw["games"].items()},
        )


def publish(
    con: duckdb.DuckDBPyConnection,
    serving_dir: Path,
    run_id: str | None = None,
    before_switch: Callable[[Path], None] | None = None,
) -> Manifest:
    """Copy the served tables from the warehouse into a new snapshot file and point the manifest at it.

    ``before_switch(new_file)`` runs once the new file is complete and before readers see it: the
    cache warm-up goes there, so the first request for the new data is already a HIT.
    Leftovers of earlier publishes that were killed are removed first (see :func:`clean_leftovers`).
    """
    serving_dir.mkdir(parents=True, exist_ok=True)
    with _publish_lock(serving_dir):
        clean_leftovers(serving_dir)
        return _publish(con, serving_dir, run_id, before_switch)


@contextlib.contextmanager
def _publish_lock(serving_dir: Path) -> Iterator[None]:
    """One publish at a time per serving folder; the kernel drops the lock when its process dies."""
    with (serving_dir / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_leftovers(serving_dir: Path) -> list[str]:
    """Delete temporary files of killed publishes (call with the publish lock held); returns their names.

    Only ``.serving-*.duckdb.tmp`` (+ ``.wal``) and ``.manifest.json.*.tmp`` files are candidates, and
    never one the manifest names. Holding the lock means no live publish is writing any of them.
    """
    manifest = read_manifest(serving_dir)
    named = {manifest.snapshot} if manifest else set()
    removed = []
    for pattern in (".serving-*.duckdb.tmp", ".serving-*.duckdb.tmp.wal", f".{MANIFEST}.*.tmp"):
        for path in serving_dir.glob(pattern):
            if path.name.removeprefix(".").split(".tmp")[0] in named:
                continue
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return sorted(removed)


def _publish(
    con: duckdb.DuckDBPyConnection,
    serving_dir: Path,
    run_id: str | None,
    before_switch: Callable[[Path], None] | None,
) -> Manifest:
    stamp = datetime.now(UTC)
    name = f"serving-{stamp:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.duckdb"
    tmp = serving_dir / f".{name}.tmp"
    games = {}
    for game in Game:
        count, first, last = con.execute(
            "SELECT count(*), min(draw_date)::VARCHAR, max(draw_date)::VARCHAR FROM draws WHERE game = ?",
            [game.value],
        ).fetchall()[0]
        games[game.value] = GameManifest(data_version(con, game), count, first, last)
    con.execute(f"ATTACH '{tmp}' AS serving")
    try:
        con.execute("CREATE TABLE serving.draws AS SELECT * FROM draws ORDER BY game, draw_date")
        con.execute(
            "CREATE TABLE serving.prize_tiers AS SELECT * FROM prize_tiers WHERE kind = 'main' "
            "ORDER BY game, draw_date, prize_table, rank"
        )
        # Today's precomputed payloads, only where they were computed from the draws being published.
        con.execute(
            """
            CREATE TABLE serving.stats_payloads AS
            SELECT s.game, s.scope, s.kind, s.data_version, s.payload::VARCHAR AS payload
            FROM stats_snapshots s
            JOIN (SELECT game, max(snapshot_date) AS d FROM stats_snapshots GROUP BY game) latest
              ON s.game = latest.game AND s.snapshot_date = latest.d
            JOIN (SELECT unnest(?::VARCHAR[]) AS game, unnest(?::VARCHAR[]) AS data_version) v
              ON s.game = v.game AND s.data_version = v.data_version
            """,
            [list(games), [m.data_version for m in games.values()]],
        )
        con.execute(
            """
            CREATE TABLE serving.backtests AS
            SELECT b.* EXCLUDE (payload), b.payload::VARCHAR AS payload FROM backtests b
            JOIN (SELECT game, max(run_date) AS d FROM backtests GROUP BY game) latest
              ON b.game = latest.game AND b.run_date = latest.d
            """
        )
        _copy_trends(con, games)
        _copy_history(con)
    finally:
        con.execute("DETACH serving")
    os.replace(tmp, serving_dir / name)
    if before_switch is not None:
        before_switch(serving_dir / name)
    manifest = Manifest(snapshot=name, published_at=stamp.isoformat(), games=games, run_id=run_id)
    tmp_manifest = serving_dir / f".{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
    tmp_manifest.write_text(manifest.to_json())
    os.replace(tmp_manifest, serving_dir / MANIFEST)
    _prune(serving_dir, keep=name)
    return manifest


def _copy_trends(con: duckdb.DuckDBPyConnection, games: dict[str, GameManifest]) -> None:
    """The statistics over time (warehouse/trends.py), where computed from the draws being published."""
    versions = [list(games), [m.data_version for m in games.values()]]
    for table in ("trend_balls", "trend_chi_square"):
        con.execute(
            f"""
            CREATE TABLE serving.{table} AS
            SELECT t.* FROM {table} t
            JOIN (SELECT unnest(?::VARCHAR[]) AS game, unnest(?::VARCHAR[]) AS data_version) v
              ON t.game = v.game AND t.data_version = v.data_version
            ORDER BY t.game, t.period, t.period_end
            """,
            versions,
        )
    con.execute("CREATE TABLE serving.trend_backtests AS SELECT * FROM trend_backtests ORDER BY game, week")


def _copy_history(con: duckdb.DuckDBPyConnection) -> None:
    """Statistics over time, for analysts (``analysis/``), and every back-test run. Read by nothing on
    the API's paths.

    The all-history per-number figures as they stood each time the draws changed: one set per data
    version, dated by the first day stored with it (a day without a new draw repeats the day before
    exactly). ``stats_history_days`` lists those days with their draw count and data version,
    ``number_stats_history`` holds their ``number_stats`` rows (unsorted: sorting doubled the copy).
    A full daily backfill of 2004-2026 is 8,000 days but about 4,500 versions; copying every day of
    the three moving scopes had made each publish 16x slower.
    """
    con.execute(
        """
        CREATE TABLE serving.stats_history_days AS
        SELECT game, min(snapshot_date) AS snapshot_date, min(draw_count) AS draw_count, data_version
        FROM stats_snapshots WHERE scope = 'all' AND kind = 'full'
        GROUP BY game, data_version ORDER BY game, snapshot_date
        """
    )
    con.execute(
        """
        CREATE TABLE serving.number_stats_history AS
        SELECT n.* EXCLUDE (scope) FROM number_stats n
        SEMI JOIN serving.stats_history_days d ON d.game = n.game AND d.snapshot_date = n.snapshot_date
        WHERE n.scope = 'all'
        """
    )
    con.execute(
        "CREATE TABLE serving.backtest_history AS SELECT * EXCLUDE (payload), payload::VARCHAR AS payload "
        "FROM backtests ORDER BY game, run_date, strategy"
    )


def _prune(serving_dir: Path, keep: str) -> None:
    old = sorted(p for p in serving_dir.glob("serving-*.duckdb") if p.name != keep)
    for path in old[: max(len(old) - KEEP_OLD_SNAPSHOTS, 0)]:
        path.unlink(missing_ok=True)  # readers holding it open keep reading it (POSIX)


def read_manifest(serving_dir: Path) -> Manifest | None:
    """The current manifest, or None before the first publication."""
    try:
        return Manifest.from_json((serving_dir / MANIFEST).read_text())
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class ServingView:
    """One published snapshot: its manifest and a read-only connection to its file."""

    manifest: Manifest
    connection: duckdb.DuckDBPyConnection

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on this snapshot, for one thread of work (close it; see :meth:`reading`)."""
        return self.connection.cursor()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on this snapshot, closed when the block ends."""
        cur = self.connection.cursor()
        try:
            yield cur
        finally:
            cur.close()


class SnapshotReader:
    """Follows the published snapshot.

    ``current()`` is cheap (one ``stat``, at most every ``recheck_s`` seconds of ``clock``) and safe to
    call on every request; the view it returns stays usable after a newer snapshot is published (the
    last few are kept open). The API looks every ``SERVING_RECHECK_S``: the ``stat`` was a tenth of a
    cached answer's cost (bench.bench_api); other readers look every time.
    """

    def __init__(
        self, serving_dir: Path, recheck_s: float = 0.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.serving_dir = serving_dir
        self._recheck_s = recheck_s
        self._clock = clock
        self._next_look = float("-inf")
        self._manifest_path = str(serving_dir / MANIFEST)  # stat-ed at every request: built once
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._view: ServingView | None = None
        self._retired: list[ServingView] = []
        self.problem: str | None = None  # why the latest publication could not be read, if it could not

    def current(self) -> ServingView | None:
        """The snapshot in force now (reloaded when the manifest changed), or None if none is published
        or readable (``problem`` then says why). A publication that cannot be read (a corrupt file,
        a broken manifest) leaves the last good snapshot in force, and is tried again only when the
        manifest changes."""
        if self._recheck_s:
            now = self._clock()
            if now < self._next_look:
                return self._view
            self._next_look = now + self._recheck_s
        try:
            st = os.stat(self._manifest_path)
        except FileNotFoundError:
            return None
        stamp = (st.st_ino, st.st_mtime_ns)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._switch(stamp)
        return self._view

    def _switch(self, stamp: tuple[int, int]) -> None:
        try:
            manifest = read_manifest(self.serving_dir)
            if manifest is None:
                return
            con = duckdb.connect(str(self.serving_dir / manifest.snapshot), read_only=True)
        except (duckdb.Error, OSError, ValueError, KeyError, TypeError) as exc:
            self.problem = f"the published serving snapshot cannot be read ({type(exc).__name__}: {exc})"
            self._stamp = stamp
            served = "still serving the one before" if self._view else "nothing to serve"
            log.error("%s; %s", self.problem, served)
            return
        self.problem = None
        if self._view is not None:
            self._retired.append(self._view)
        while len(self._retired) > KEEP_OLD_SNAPSHOTS:
            self._retired.pop(0).connection.close()
        self._view, self._stamp = ServingView(manifest, con), stamp

    def close(self) -> None:
        """Close every connection."""
        for view in [*self._retired, *([self._view] if self._view else [])]:
            view.connection.close()
        self._retired.clear()
        self._view = None
        self._stamp = None


def snapshot_entries(snapshot_file: Path, settings: Settings) -> list[tuple[str, bytes, int]]:
    """Every precomputed quick/full payload of one snapshot file as (cache key, bytes, TTL)."""
    with duckdb.connect(str(snapshot_file), read_only=True) as con:
        rows = con.execute("SELECT game, kind, data_version, scope, payload FROM stats_payloads").fetchall()
    return [
        (
            cache_key(Game(game), CacheKind(kind), version, scope),
            payload.encode(),
            ttl_for(settings, CacheKind(kind)),
        )
        for game, kind, version, scope, payload in rows
    ]


def precomputed_entries(serving_dir: Path, settings: Settings) -> list[tuple[str, bytes, int]]:
    """The entries of the snapshot in force (FileNotFoundError before the first publication)."""
    manifest = read_manifest(serving_dir)
    if manifest is None:
        raise FileNotFoundError(f"no serving snapshot in {serving_dir}: materialise serving_snapshot first")
    return snapshot_entries(serving_dir / manifest.snapshot, settings)
