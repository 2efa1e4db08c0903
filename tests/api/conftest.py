"""Fixtures for the serving layer: settings pointing at the published snapshot and real Redis databases."""

from __future__ import annotations

import pytest

from config.settings import Settings
from tests.redis_fixtures import BROKER_DB, redis_server_url
from tests.serving_fixtures import Published


@pytest.fixture
def settings(published: Published, redis_url: str) -> Settings:
    """Settings pointing at the published snapshot and the test's Redis databases."""
    return Settings(
        serving_dir=published.serving_dir,
        warehouse_path=published.warehouse,
        redis_url=redis_url,
        celery_broker_url=f"{redis_server_url()}/{BROKER_DB}",
    )
