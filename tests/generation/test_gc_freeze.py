"""Startup objects out of garbage collections: no full-collection pause of 85+ ms in the API or the
worker's main process (both took one in a burst of generations)."""

from __future__ import annotations

import gc
import re

from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.generation.conftest import Worker


def test_the_api_freezes_its_startup_objects_while_it_runs(gen_settings: Settings) -> None:
    assert gc.get_freeze_count() == 0
    with TestClient(create_app(gen_settings)) as api:
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # modules, routes, models
        gc.collect()  # a full collection leaves them be (a frozen object freed by its refcount leaves)
        assert gc.get_freeze_count() > frozen * 0.99
        assert api.get("/ping").status_code == 200
    assert gc.get_freeze_count() == 0  # an app that stopped leaves nothing out of collections


def test_the_worker_freezes_its_startup_objects_when_ready(worker: Worker) -> None:
    found = re.search(r"startup objects kept out of garbage collections: (\d+)", worker.log_text())
    assert found is not None, worker.log_text()[-2000:]
    assert int(found.group(1)) > 10_000
