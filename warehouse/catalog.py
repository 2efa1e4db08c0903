"""The warehouse described for a data catalog: each table's columns, rows per game, bounded previews.

Column descriptions come from the DDL itself (``schema.ensure_schema`` applied to an in-memory DuckDB,
no file opened), so the catalog can never disagree with the tables it describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

import duckdb

from lottery.games import Game
from warehouse.schema import ensure_schema

PREVIEW_MAX_ROWS = 20

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Column:
    """One column: its name, DuckDB type, whether it may be NULL and whether it is the whole key."""

    name: str
    type: str
    nullable: bool
    unique: bool


@dataclass(frozen=True)
class TableShape:
    """A table's columns and its primary key (empty when it has none)."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]


@dataclass(frozen=True)
class Preview:
    """A few rows of a query, with the name and DuckDB type of each column; cells are plain scalars."""

    columns: tuple[tuple[str, str], ...]
    rows: tuple[dict[str, Cell], ...]


def describe_table(con: duckdb.DuckDBPyConnection, table: str) -> TableShape:
    """A table's columns and primary key as the connected database holds them (KeyError if absent)."""
    here = "database_name = current_database() AND schema_name = current_schema() AND table_name = ?"
    if not con.execute(f"SELECT 1 FROM duckdb_tables() WHERE {here}", [table]).fetchall():
        raise KeyError(table)
    keys = con.execute(
        f"SELECT constraint_column_names FROM duckdb_constraints() "
        f"WHERE {here} AND constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchall()
    key = tuple(keys[0][0]) if keys else ()
    columns = tuple(
        Column(name=name, type=type_, nullable=null == "YES", unique=key == (name,))
        for name, type_, null, *_ in con.execute(f'DESCRIBE "{table}"').fetchall()
    )
    return TableShape(name=table, columns=columns, primary_key=key)


@cache
def table_shape(table: str) -> TableShape:
    """A warehouse table as the schema (DDL and migrations) creates it, read from an in-memory DuckDB."""
    con = duckdb.connect(":memory:")
    try:
        ensure_schema(con)
        return describe_table(con, table)
    finally:
        con.close()


def game_rows(con: duckdb.DuckDBPyConnection, table: str, game: Game) -> int:
    """Rows of ``table`` that belong to ``game``."""
    table_shape(table)  # only known tables are interpolated
    return con.execute(f'SELECT count(*) FROM "{table}" WHERE game = ?', [game.value]).fetchall()[0][0]


def cell(value: object) -> Cell:
    """A value as a catalog cell: dates ISO, lists space-separated, decimals as floats."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return " ".join(str(cell(v)) for v in value)
    return str(value)


def preview(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> Preview:
    """The first PREVIEW_MAX_ROWS rows of a query, with its column names and types."""
    rel = con.execute(sql, params or [])
    columns = tuple((d[0], str(d[1])) for d in rel.description)
    rows = tuple(
        {name: cell(v) for (name, _), v in zip(columns, row, strict=True)}
        for row in rel.fetchmany(PREVIEW_MAX_ROWS)
    )
    return Preview(columns=columns, rows=rows)
