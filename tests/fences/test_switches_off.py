"""Every worker-side switch off at once: a real worker (``celery -A api.celery_app worker``) with
kombu's own transport, Celery's own result backend, no gc.freeze and Celery's 1,024-character result
text still runs generations to SUCCESS (the switches on are what every other generation test runs)."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest
from celery.backends.redis import RedisBackend
from fastapi.testclient import TestClient
from kombu.transport import redis as kombu_redis

from api.main import create_app
from config.settings import Settings
from tests.generation.conftest import Worker, generation_settings
from tests.generation.test_generation import wait_for
from tests.serving_fixtures import Published

pytestmark = pytest.mark.slow

OFF = {
    "CELERY_REUSE_BROKER_CLIENT": "false",
    "CELERY_POLLED_RESULT_BACKEND": "false",
    "GC_FREEZE": "false",
    "CELERY_RESULT_LOG_CHARS": "1024",
}


@pytest.fixture
def off_settings(published: Published, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings (API and worker) with every switch off, read from the environment as a deployment would."""
    for name, value in OFF.items():
        monkeypatch.setenv(name, value)
    settings = generation_settings(published, redis_url, f"lotostats.fences.{uuid.uuid4().hex[:8]}")
    assert settings.model_dump(include={name.lower() for name in OFF}) == {
        "celery_reuse_broker_client": False,
        "celery_polled_result_backend": False,
        "gc_freeze": False,
        "celery_result_log_chars": 1024,
    }
    return settings


def test_generations_succeed_with_every_switch_off(off_settings: Settings, tmp_path: Path) -> None:
    worker = Worker(off_settings, tmp_path / "worker.log")
    worker.start()
    try:
        with TestClient(create_app(off_settings)) as api:
            celery = api.app.state.lotostats.celery  # type: ignore[attr-defined]
            assert type(celery.backend) is RedisBackend
            with celery.connection_for_write() as connection:
                assert type(connection.transport) is kombu_redis.Transport
            for seed in (1, 2):
                body = {"count": 100, "seed": seed}
                accepted = api.post("/api/euromillions/generate-advanced", json=body).json()
                final, _ = wait_for(api, accepted["status_url"])
                assert final["state"] == "SUCCESS", final
                assert len(final["result"]["grids"]) == 100
        log = worker.log_text()
        assert "startup objects left in garbage collections (GC_FREEZE=false)" in log
        assert "kept out of garbage collections" not in log
        deadline = time.monotonic() + 5
        while not (shown := re.findall(r"succeeded in [0-9.e-]+s: (.*)", worker.log_text())):
            assert time.monotonic() < deadline, worker.log_text()[-2000:]
            time.sleep(0.05)
        assert len(shown[0]) > 1000  # Celery's own 1,024 characters, not 128
    finally:
        worker.stop()
