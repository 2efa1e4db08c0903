"""The checker's HTTP tests: the API and a real Celery worker on the test's own queue and databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.generation.conftest import Worker, generation_settings
from tests.serving_fixtures import Published

QUEUED_ABOVE = 5_000  # tickets x draws: 3 tickets over the whole EuroMillions history are queued


@pytest.fixture
def check_settings(published: Published, redis_url: str) -> Settings:
    """A fresh queue; checks above QUEUED_ABOVE cells go to Celery; up to 100,000 win rows listed."""
    return generation_settings(
        published,
        redis_url,
        f"lotostats.test.{uuid.uuid4().hex[:8]}",
        check_direct_max_cells=QUEUED_ABOVE,
        api_check_max_win_rows=100_000,
        api_max_check_tickets=50,
    )


@pytest.fixture
def check_worker(check_settings: Settings, tmp_path: Path) -> Iterator[Worker]:
    """A running worker on the test's queue."""
    w = Worker(check_settings, tmp_path / "worker.log")
    w.start()
    yield w
    w.stop()


@pytest.fixture
def check_api(check_settings: Settings) -> Iterator[TestClient]:
    """The app, on the same broker, results and job store as the worker."""
    with TestClient(create_app(check_settings)) as client:
        yield client
