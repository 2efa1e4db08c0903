"""Guards of ``PolledRedisBackend`` (api/celery_app.py) and of the order of Celery's tracer that
``GenerationTask.on_success`` (api/tasks.py) relies on; CELERY_POLLED_RESULT_BACKEND both ways."""

from __future__ import annotations

import inspect
import threading
import time
import uuid

import pytest
import redis
from celery import Celery, Task
from celery.app.trace import build_tracer
from celery.backends.base import Backend
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult

from api.celery_app import PolledRedisBackend, create_celery
from config.settings import Settings


def _send(app: Celery, settings: Settings) -> AsyncResult:
    """A task sent as the API sends one; its result object (kept: Celery's own backend unsubscribes
    when it is deleted)."""
    return app.send_task(
        "lotostats.generate_grids",
        task_id=str(uuid.uuid4()),
        queue=settings.celery_queue,
        exchange="",
        routing_key=settings.celery_queue,
        retry=False,
        kwargs={},
    )


def test_celerys_redis_backend_still_subscribes_in_on_task_call() -> None:
    """The subclass overrides ``on_task_call(producer, task_id)``, the hook ``send_task`` calls
    before each message; the base backend's returns the message's extra properties (a dict)."""
    own = RedisBackend.__dict__.get("on_task_call")
    assert own is not None, "Celery's RedisBackend no longer defines on_task_call"
    assert list(inspect.signature(own).parameters) == ["self", "producer", "task_id"]
    assert list(inspect.signature(Backend.on_task_call).parameters) == ["self", "producer", "task_id"]
    assert Backend.on_task_call(None, None, "x") == {}  # type: ignore[arg-type]
    assert PolledRedisBackend.on_task_call(None, None, "x") == {}  # type: ignore[arg-type]


@pytest.mark.parametrize("polled", [True, False])
def test_the_switch_chooses_whether_a_send_subscribes(celery_settings: Settings, polled: bool) -> None:
    """CELERY_POLLED_RESULT_BACKEND on (default): nothing subscribed when a task is sent; off:
    Celery's own backend, one subscription to the task's result channel per send (the round trips
    the polled backend saves)."""
    app = create_celery(celery_settings.model_copy(update={"celery_polled_result_backend": polled}))
    try:
        assert type(app.backend) is (PolledRedisBackend if polled else RedisBackend)
        sent = _send(app, celery_settings)
        channel = app.backend.get_key_for_task(sent.id)
        results = redis.Redis.from_url(celery_settings.celery_result_backend)
        assert results.pubsub_numsub(channel) == [(channel, 0 if polled else 1)]
    finally:
        app.close()


def test_the_switch_reads_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CELERY_POLLED_RESULT_BACKEND", "false")
    assert Settings().celery_polled_result_backend is False
    monkeypatch.delenv("CELERY_POLLED_RESULT_BACKEND")
    assert Settings().celery_polled_result_backend is True


def test_get_still_waits_for_a_result_with_the_polled_backend(celery_settings: Settings) -> None:
    """``AsyncResult.get()`` subscribes when it is called and reads what is already stored first:
    a result stored before the call and one stored while it waits are both returned."""
    app = create_celery(celery_settings)
    try:
        assert type(app.backend) is PolledRedisBackend
        before = _send(app, celery_settings).id
        app.backend.store_result(before, {"grids": 1}, "SUCCESS")
        assert app.AsyncResult(before).get(timeout=10) == {"grids": 1}

        during = _send(app, celery_settings).id
        results = redis.Redis.from_url(celery_settings.celery_result_backend)
        channel = app.backend.get_key_for_task(during)

        def store_once_subscribed() -> None:
            deadline = time.monotonic() + 10
            while results.pubsub_numsub(channel) != [(channel, 1)] and time.monotonic() < deadline:
                time.sleep(0.01)
            app.backend.store_result(during, {"grids": 2}, "SUCCESS")

        storer = threading.Thread(target=store_once_subscribed)
        storer.start()
        assert app.AsyncResult(during).get(timeout=15) == {"grids": 2}
        storer.join(10)
    finally:
        app.close()


def test_on_success_runs_once_the_result_is_stored(celery_settings: Settings) -> None:
    """``GenerationTask.on_success`` writes SUCCESS to the job record, which the API then answers
    with the stored grids: Celery's tracer must store the result before it calls ``on_success``."""
    app = create_celery(celery_settings)
    seen: list[object] = []

    class Probe(Task):  # type: ignore[misc]
        def on_success(self, retval: object, task_id: str, args: object, kwargs: object) -> None:
            seen.append(self.backend.get_task_meta(task_id))

    @app.task(bind=True, base=Probe, name="fences.probe")
    def probe(self: Task) -> dict[str, int]:
        return {"grids": 3}

    try:
        task_id = str(uuid.uuid4())
        trace = build_tracer(probe.name, probe, app=app, eager=False)
        trace(task_id, (), {}, request={"id": task_id})
        assert len(seen) == 1
        meta = seen[0]
        assert isinstance(meta, dict)
        assert (meta["status"], meta["result"]) == ("SUCCESS", {"grids": 3})
    finally:
        app.close()
