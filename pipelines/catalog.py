"""What the Dagster catalog shows of each asset: owners, column schema, row count and a table preview.

The keys are Dagster's table metadata (``dagster/column_schema``, ``dagster/row_count``,
``dagster/table_name``; dagster 1.13 does not export ``TableMetadataSet``). Column schemas are read
from the warehouse's own DDL (``warehouse.catalog``), never written by hand; previews are Dagster
tables (``TableRecord``/``TableSchema``) typed with the DuckDB types of the query.
"""

from __future__ import annotations

import dagster as dg
import duckdb

from lottery.games import Game
from warehouse.catalog import Preview, TableShape, describe_table, game_rows, preview, table_shape

OWNERS = ["team:lotostats"]
# One writer at a time on the DuckDB file: every asset or check that opens it runs in this pool.
DUCKDB_POOL = "duckdb_writer"


def column_schema(shape: TableShape) -> dg.TableSchema:
    """A table's columns (DuckDB types, NOT NULL, single-column keys) and its primary key."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=c.name,
                type=c.type,
                constraints=dg.TableColumnConstraints(nullable=c.nullable, unique=c.unique),
            )
            for c in shape.columns
        ],
        constraints=dg.TableConstraints(
            other=[f"PRIMARY KEY ({', '.join(shape.primary_key)})"] if shape.primary_key else []
        ),
    )


def table_definition_metadata(table: str) -> dict[str, object]:
    """Definition metadata of an asset that writes ``table``: its column schema and table name."""
    return {"dagster/column_schema": column_schema(table_shape(table)), "dagster/table_name": table}


def game_table_asset(game: Game, table: str) -> dict[str, object]:
    """What every per-game warehouse asset declares: the team as owner, its game as a tag, the
    definition metadata of the ``table`` it writes, and the DuckDB writer pool."""
    return {
        "owners": OWNERS,
        "tags": {"game": game.value},
        "metadata": table_definition_metadata(table),
        "pool": DUCKDB_POOL,
    }


def table_value(rows: Preview) -> dg.MetadataValue:
    """A preview as a Dagster table, each column typed as DuckDB returned it."""
    schema = dg.TableSchema(columns=[dg.TableColumn(name=name, type=type_) for name, type_ in rows.columns])
    return dg.MetadataValue.table(records=[dg.TableRecord(row) for row in rows.rows], schema=schema)


def game_table_metadata(
    con: duckdb.DuckDBPyConnection,
    table: str,
    game: Game,
    preview_sql: str,
    params: list[object] | None = None,
) -> dict[str, object]:
    """Materialisation metadata: the table's columns as the warehouse holds them, the game's rows in it,
    and a bounded preview of what was written."""
    return {
        "dagster/column_schema": column_schema(describe_table(con, table)),
        "dagster/row_count": game_rows(con, table, game),
        "preview": table_value(preview(con, preview_sql, params)),
    }
