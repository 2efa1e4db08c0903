"""Settings for the guard tests that talk to a real Redis: their own queue, broker and results databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from config.settings import Settings
from tests.redis_fixtures import BROKER_DB, redis_server_url

RESULTS_DB = 15  # the guard tests' result backend (the generation tests use 14)


@pytest.fixture
def celery_settings(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings of one test: flushed broker and results databases, a fresh queue, and no
    CELERY_* or GC_FREEZE variable of the environment in the way (tests set the ones they try)."""
    for name in (
        "CELERY_RESULT_BACKEND",
        "CELERY_BROKER_URL",
        "CELERY_REUSE_BROKER_CLIENT",
        "CELERY_POLLED_RESULT_BACKEND",
        "CELERY_RESULT_LOG_CHARS",
        "GC_FREEZE",
    ):
        monkeypatch.delenv(name, raising=False)
    server = redis_server_url()
    clients = [redis.Redis.from_url(f"{server}/{db}") for db in (BROKER_DB, RESULTS_DB)]
    for client in clients:
        client.flushdb()
    yield Settings(
        redis_url=redis_url,
        celery_broker_url=f"{server}/{BROKER_DB}",
        celery_result_backend=f"{server}/{RESULTS_DB}",
        celery_queue=f"lotostats.fences.{uuid.uuid4().hex[:8]}",
    )
    for client in clients:
        client.flushdb()
        client.close()
