"""Dagster resources: the warehouse connection and the FDJ file source."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from warehouse.schema import ensure_schema


class Warehouse(DuckDBResource):
    """The DuckDB warehouse; ``connect()`` creates its folder and schema on first use."""

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection with the schema in place."""
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with self.get_connection() as con:
            ensure_schema(con)
            yield con


class FdjSource(dg.ConfigurableResource):
    """Where the FDJ files are: a directory, a file or an http(s) URL, several separated by commas."""

    location: str
    http_timeout_s: float = 30.0
