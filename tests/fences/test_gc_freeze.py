"""Guards of ``gc.freeze()`` (the API's lifespan in api/main.py, the worker's main process in
api/celery_app.py): what CPython does with frozen objects, and GC_FREEZE on the worker both ways."""

from __future__ import annotations

import gc
import logging
import weakref
from collections.abc import Iterator

import pytest

from api.celery_app import freeze_startup_objects


class _Node:
    """An object in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Starts and leaves the process with nothing frozen (a test that froze undoes it)."""
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()


def test_a_full_collection_leaves_frozen_objects_alone(unfrozen: None) -> None:
    """What the freeze saves: objects present at ``gc.freeze()`` go to the permanent generation,
    which no collection examines (a cycle frozen stays, even unreachable), until ``gc.unfreeze()``."""
    node = _Node()
    alive = weakref.ref(node)
    gc.freeze()
    assert gc.get_freeze_count() > 0
    del node
    gc.collect()
    assert alive() is not None, "a full collection examined the frozen objects"
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert alive() is None


def test_objects_made_after_the_freeze_are_collected(unfrozen: None) -> None:
    gc.freeze()
    node = _Node()
    alive = weakref.ref(node)
    del node
    gc.collect()
    assert alive() is None


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_freeze_switches_the_workers_freeze(
    unfrozen: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, enabled: bool
) -> None:
    """The worker's ``worker_ready`` handler freezes its startup objects, unless GC_FREEZE=false."""
    if enabled:
        monkeypatch.delenv("GC_FREEZE", raising=False)
    else:
        monkeypatch.setenv("GC_FREEZE", "false")
    caplog.set_level(logging.INFO, logger="api.celery_app")
    freeze_startup_objects()
    if enabled:
        assert gc.get_freeze_count() > 10_000
        assert "startup objects kept out of garbage collections" in caplog.text
    else:
        assert gc.get_freeze_count() == 0
        assert "GC_FREEZE=false" in caplog.text
