"""The checker's HTTP tests: the API and a real Celery worker on the test's own queue and databases."""

from __future__ import annotations

import uuid

import pytest

from config.settings import Settings
from tests.generation.conftest import api, generation_settings, worker  # noqa: F401 (fixtures)
from tests.serving_fixtures import Published

QUEUED_ABOVE = 5_000  # tickets x draws: 3 tickets over the whole EuroMillions history are queued


@pytest.fixture
def gen_settings(published: Published, redis_url: str) -> Settings:
    """A fresh queue; checks above QUEUED_ABOVE cells go to Celery; up to 100,000 win rows listed.

    It stands in for the generation tests' settings, so their ``worker`` and ``api`` fixtures serve here."""
    return generation_settings(
        published,
        redis_url,
        f"lotostats.test.{uuid.uuid4().hex[:8]}",
        check_direct_max_cells=QUEUED_ABOVE,
        api_check_max_win_rows=100_000,
        api_max_check_tickets=50,
    )
