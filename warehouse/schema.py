"""DuckDB schema of the warehouse (documented in warehouse/README.md).

``ensure_schema`` is idempotent: it creates what is missing and records the schema version.
"""

from __future__ import annotations

import duckdb

SCHEMA_VERSION = 5

# Changes to tables an earlier version created (each idempotent), by the version that made them.
MIGRATIONS: dict[int, list[str]] = {
    # v2: max_gap is the longest *complete* gap (None below two appearances); the run before the
    # first appearance moved to its own column. Rows written before v2 keep gap_before_first NULL,
    # and their max_gap counted the censored runs too (see warehouse/README.md).
    2: [
        "ALTER TABLE number_stats ALTER COLUMN max_gap DROP NOT NULL",
        "ALTER TABLE number_stats ADD COLUMN IF NOT EXISTS gap_before_first INTEGER",
    ],
    # v3: the sha256 of the file as fetched (a zip archive, or the CSV itself), so that a download
    # whose bytes were already ingested is recognised before any run (rows before v3: NULL).
    3: ["ALTER TABLE ingest_log ADD COLUMN IF NOT EXISTS fetched_sha256 VARCHAR"],
}

# The three draw tables share one shape so one loader serves them all.
DRAW_TABLES = {"main": "draws", "loto_6_49": "loto_6_49_draws", "loto_second": "loto_second_draws"}

_DRAW_COLUMNS = """
    game            VARCHAR   NOT NULL CHECK (game IN ('euromillions', 'loto')),
    draw_date       DATE      NOT NULL,
    tirage          TINYINT   NOT NULL DEFAULT 1,
    numbers         INTEGER[] NOT NULL,
    bonus           INTEGER[] NOT NULL,
    balls_drawn     INTEGER[] NOT NULL,
    bonus_drawn     INTEGER[] NOT NULL,
    fdj_draw_id     VARCHAR,
    claim_deadline  DATE,
    currency        VARCHAR   NOT NULL,
    content_digest  VARCHAR   NOT NULL,
    source_file     VARCHAR   NOT NULL,
    source_line     INTEGER   NOT NULL,
    source_as_of    DATE      NOT NULL,
    loaded_at       TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (game, draw_date, tirage)
"""

# Statistics over time (lottery/stats/trends.py): the latest computation per game, replaced whole.
TREND_DDL = [
    """
    CREATE TABLE IF NOT EXISTS trend_balls (
        game            VARCHAR   NOT NULL,
        period          VARCHAR   NOT NULL CHECK (period IN ('year', 'rolling')),
        period_end      DATE      NOT NULL,
        label           VARCHAR   NOT NULL,
        ball            VARCHAR   NOT NULL CHECK (ball IN ('number', 'bonus')),
        number          INTEGER   NOT NULL,
        draws           INTEGER   NOT NULL,
        eligible_draws  INTEGER   NOT NULL,
        count           INTEGER   NOT NULL,
        frequency       DOUBLE    NOT NULL,
        expected        DOUBLE    NOT NULL,
        max_gap         INTEGER,
        current_gap     INTEGER   NOT NULL,
        data_version    VARCHAR   NOT NULL,
        computed_at     TIMESTAMP NOT NULL,
        PRIMARY KEY (game, period, label, ball, number)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS trend_chi_square (
        game                VARCHAR   NOT NULL,
        period              VARCHAR   NOT NULL
                            CHECK (period IN ('year', 'cumulative', 'rolling', 'snapshot')),
        period_end          DATE      NOT NULL,
        label               VARCHAR   NOT NULL,
        ball                VARCHAR   NOT NULL CHECK (ball IN ('number', 'bonus')),
        draws               INTEGER   NOT NULL,
        corrected_statistic DOUBLE    NOT NULL,
        df                  INTEGER   NOT NULL,
        p_value             DOUBLE    NOT NULL,
        comparisons         INTEGER   NOT NULL,
        cutoff              DOUBLE    NOT NULL,
        level               VARCHAR   NOT NULL,
        data_version        VARCHAR   NOT NULL,
        computed_at         TIMESTAMP NOT NULL,
        PRIMARY KEY (game, period, label, ball)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS trend_backtests (
        game                    VARCHAR   NOT NULL,
        week                    DATE      NOT NULL,
        run_date                DATE      NOT NULL,
        strategy                VARCHAR   NOT NULL,
        targets                 INTEGER   NOT NULL,
        mean_main_matches       DOUBLE    NOT NULL,
        expected_main_matches   DOUBLE    NOT NULL,
        p_value                 DOUBLE,
        comparisons             INTEGER   NOT NULL,
        cutoff                  DOUBLE    NOT NULL,
        level                   VARCHAR   NOT NULL,
        verdict                 VARCHAR   NOT NULL,
        computed_at             TIMESTAMP NOT NULL,
        PRIMARY KEY (game, week, strategy)
    )
    """,
]
# v4: the trend tables. New tables only (nothing earlier changes); DDL creates them on any warehouse,
# the migration is listed so an older warehouse records the version that brought them.
MIGRATIONS[4] = TREND_DDL

# What each stored statistics window was computed from (warehouse/snapshots.py reuses a window's
# payloads only when both match): the fingerprint of the window's draws and of the code computing it.
WINDOW_DDL = [
    """
    CREATE TABLE IF NOT EXISTS stats_windows (
        game            VARCHAR   NOT NULL,
        snapshot_date   DATE      NOT NULL,
        scope           VARCHAR   NOT NULL,
        window_version  VARCHAR   NOT NULL,
        engine_version  VARCHAR   NOT NULL,
        reused_from     DATE,
        PRIMARY KEY (game, snapshot_date, scope)
    )
    """,
]
# v5: stats_windows, a new table only (rows before v5: none, so the first snapshot computes every window).
MIGRATIONS[5] = WINDOW_DDL

DDL = [
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL)",
    *(f"CREATE TABLE IF NOT EXISTS {table} ({_DRAW_COLUMNS})" for table in DRAW_TABLES.values()),
    """
    CREATE TABLE IF NOT EXISTS prize_tiers (
        game            VARCHAR   NOT NULL,
        kind            VARCHAR   NOT NULL,
        draw_date       DATE      NOT NULL,
        tirage          TINYINT   NOT NULL,
        prize_table     VARCHAR   NOT NULL,
        rank            INTEGER   NOT NULL,
        pattern         VARCHAR,
        numbers_min     INTEGER,
        numbers_max     INTEGER,
        bonus_matched   INTEGER,
        winners_france  BIGINT,
        winners_europe  BIGINT,
        prize           DECIMAL(18, 2),
        currency        VARCHAR   NOT NULL,
        PRIMARY KEY (game, kind, draw_date, tirage, prize_table, rank)
    )
    """,
    "CREATE SEQUENCE IF NOT EXISTS ingest_id_seq START 1",
    """
    CREATE TABLE IF NOT EXISTS ingest_log (
        ingest_id       BIGINT    PRIMARY KEY DEFAULT nextval('ingest_id_seq'),
        run_id          VARCHAR,
        game            VARCHAR,
        file            VARCHAR   NOT NULL,
        sha256          VARCHAR,
        bytes           BIGINT,
        encoding        VARCHAR,
        rows_read       INTEGER   NOT NULL DEFAULT 0,
        rows_inserted   INTEGER   NOT NULL DEFAULT 0,
        rows_updated    INTEGER   NOT NULL DEFAULT 0,
        rows_unchanged  INTEGER   NOT NULL DEFAULT 0,
        rows_rejected   INTEGER   NOT NULL DEFAULT 0,
        status          VARCHAR   NOT NULL CHECK (status IN ('ok', 'failed')),
        error           VARCHAR,
        started_at      TIMESTAMP NOT NULL,
        finished_at     TIMESTAMP NOT NULL,
        fetched_sha256  VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS rejects (
        ingest_id       BIGINT    NOT NULL,
        game            VARCHAR   NOT NULL,
        kind            VARCHAR,
        file            VARCHAR   NOT NULL,
        line_no         INTEGER   NOT NULL,
        raw_line        VARCHAR   NOT NULL,
        reason          VARCHAR   NOT NULL,
        rejected_at     TIMESTAMP NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS stats_snapshots (
        game            VARCHAR   NOT NULL,
        snapshot_date   DATE      NOT NULL,
        scope           VARCHAR   NOT NULL,
        kind            VARCHAR   NOT NULL CHECK (kind IN ('quick', 'full')),
        filters         JSON      NOT NULL,
        data_version    VARCHAR   NOT NULL,
        draw_count      INTEGER   NOT NULL,
        payload         JSON      NOT NULL,
        computed_at     TIMESTAMP NOT NULL,
        PRIMARY KEY (game, snapshot_date, scope, kind)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS number_stats (
        game            VARCHAR   NOT NULL,
        snapshot_date   DATE      NOT NULL,
        scope           VARCHAR   NOT NULL,
        ball            VARCHAR   NOT NULL CHECK (ball IN ('number', 'bonus')),
        number          INTEGER   NOT NULL,
        count           INTEGER   NOT NULL,
        eligible_draws  INTEGER   NOT NULL,
        frequency       DOUBLE    NOT NULL,
        expected        DOUBLE    NOT NULL,
        current_gap     INTEGER   NOT NULL,
        max_gap         INTEGER,
        mean_gap        DOUBLE,
        last_drawn      DATE,
        gap_before_first INTEGER,
        PRIMARY KEY (game, snapshot_date, scope, ball, number)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS backtests (
        game                    VARCHAR   NOT NULL,
        run_date                DATE      NOT NULL,
        strategy                VARCHAR   NOT NULL,
        first_target            DATE      NOT NULL,
        last_target             DATE      NOT NULL,
        targets                 INTEGER   NOT NULL,
        tickets                 INTEGER   NOT NULL,
        mean_main_matches       DOUBLE    NOT NULL,
        expected_main_matches   DOUBLE    NOT NULL,
        main_ci_low             DOUBLE,
        main_ci_high            DOUBLE,
        main_p_value            DOUBLE,
        any_prize_rate          DOUBLE    NOT NULL,
        expected_any_prize_rate DOUBLE    NOT NULL,
        verdict                 VARCHAR   NOT NULL,
        payload                 JSON      NOT NULL,
        computed_at             TIMESTAMP NOT NULL,
        PRIMARY KEY (game, run_date, strategy)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS draw_counts (
        game            VARCHAR   NOT NULL,
        kind            VARCHAR   NOT NULL,
        counted_at      TIMESTAMP NOT NULL,
        run_id          VARCHAR,
        row_count       BIGINT    NOT NULL
    )
    """,
    *TREND_DDL,
    *WINDOW_DDL,
]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table that is missing and record the schema version once."""
    for statement in DDL:
        con.execute(statement)
    current = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
    if current is not None:
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS.get(version, []):
                con.execute(statement)
    if current is None or current < SCHEMA_VERSION:
        con.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION])
