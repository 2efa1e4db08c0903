"""One settings object for every process, read from environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Typed configuration. Each field reads the environment variable of the same name, upper-cased."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    warehouse_path: Path = Field(
        default=PROJECT_ROOT / "var" / "warehouse.duckdb",
        description="The DuckDB warehouse that Dagster writes (WAREHOUSE_PATH).",
    )
    fdj_source: str = Field(
        default=str(PROJECT_ROOT / "data" / "fdj"),
        description=(
            "Where FDJ files come from (FDJ_SOURCE): a directory (searched recursively for .csv/.zip), "
            "a file, or an http(s) URL; several separated by commas."
        ),
    )
    http_timeout_s: float = Field(default=30.0, gt=0, description="Timeout of one download (HTTP_TIMEOUT_S).")


def get_settings() -> Settings:
    """Settings as the environment says now (cheap; call where needed, inject into resources)."""
    return Settings()
