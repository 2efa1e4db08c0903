"""Dagster resources: the warehouse connection and the FDJ file source."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import redis
from dagster_duckdb import DuckDBResource

from config.settings import Settings
from lottery.fdj.guards import FileLimits
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
    """Where the FDJ files are: a directory, a file or an http(s) URL, several separated by commas.

    With the ingest guards (defaults: the settings' defaults; ``build_definitions`` passes the settings).
    """

    location: str
    http_timeout_s: float = 30.0
    max_file_bytes: int = FileLimits.max_file_bytes
    max_member_bytes: int = FileLimits.max_member_bytes
    max_zip_ratio: float = FileLimits.max_zip_ratio
    max_zip_members: int = FileLimits.max_zip_members
    max_line_bytes: int = FileLimits.max_line_bytes
    reject_file_share: float = FileLimits.reject_file_share
    rejects_kept: int = FileLimits.rejects_kept

    @classmethod
    def from_settings(cls, settings: Settings, location: str | None = None) -> FdjSource:
        """The source and guards the settings describe."""
        return cls(
            location=location or settings.fdj_source,
            http_timeout_s=settings.http_timeout_s,
            **vars(settings.file_limits()),
        )

    def limits(self) -> FileLimits:
        """The ingest guards."""
        return FileLimits(**{f.name: getattr(self, f.name) for f in fields(FileLimits)})


class ServingStore(dg.ConfigurableResource):
    """The folder where the serving snapshot and its manifest are published (SERVING_DIR)."""

    directory: str

    @property
    def path(self) -> Path:
        """The folder as a path."""
        return Path(self.directory)


class ReportsStore(dg.ConfigurableResource):
    """The folder where weekly reports are written (REPORTS_DIR)."""

    directory: str

    @property
    def path(self) -> Path:
        """The folder as a path."""
        return Path(self.directory)


class RedisCache(dg.ConfigurableResource):
    """The Redis server of the cache (database in the URL; the cache uses 0), with the cache TTLs."""

    url: str
    timeout_s: float = 2.0
    ttl_quick_s: int = 15 * 60
    ttl_full_s: int = 30 * 60

    def settings(self) -> Settings:
        """Cache settings as the shared cache layer expects them."""
        return Settings(
            redis_url=self.url, cache_ttl_quick_s=self.ttl_quick_s, cache_ttl_full_s=self.ttl_full_s
        )

    def client(self) -> redis.Redis:
        """A client; the caller closes it."""
        return redis.Redis.from_url(
            self.url, socket_timeout=self.timeout_s, socket_connect_timeout=self.timeout_s
        )


PARIS = ZoneInfo("Europe/Paris")


class Clock(dg.ConfigurableResource):
    """What time it is for the freshness checks: now, or the ISO 8601 instant ``now`` when set (tests).

    An instant without a time zone is read as UTC. Days are Paris days, where FDJ draws.
    """

    now: str = ""

    def current(self) -> datetime:
        """The current instant, time-zone aware."""
        if not self.now:
            return datetime.now(UTC)
        instant = datetime.fromisoformat(self.now)
        return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)

    def today(self) -> date:
        """Today in Paris."""
        return self.current().astimezone(PARIS).date()
