"""What one submit costs Redis: no result subscription, whichever way the result backend is configured;
one broker client per channel."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import redis

from api.celery_app import PolledRedisBackend, ReusedClientTransport, create_celery
from config.settings import Settings


@pytest.mark.parametrize("from_environment", [False, True])
def test_sending_a_task_subscribes_to_nothing(
    gen_settings: Settings, monkeypatch: pytest.MonkeyPatch, from_environment: bool
) -> None:
    """Celery's result_backend setting gives way to CELERY_RESULT_BACKEND (a plain Redis URL, as
    deployments and the benchmarks set it): the polled backend must be the one in use all the same."""
    if from_environment:
        monkeypatch.setenv("CELERY_RESULT_BACKEND", gen_settings.celery_result_backend)
    else:
        monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    app = create_celery(gen_settings)
    try:
        assert type(app.backend) is PolledRedisBackend
        results = redis.Redis.from_url(gen_settings.celery_result_backend)
        task_id = str(uuid.uuid4())
        app.send_task(
            "lotostats.generate_grids",
            task_id=task_id,
            queue=gen_settings.celery_queue,
            exchange="",
            routing_key=gen_settings.celery_queue,
            retry=False,
            kwargs={},
        )
        channel = app.backend.get_key_for_task(task_id)
        assert results.pubsub_numsub(channel) == [(channel, 0)]
        assert results.pubsub_channels() == []
        broker = redis.Redis.from_url(gen_settings.celery_broker_url)
        assert broker.llen(gen_settings.celery_queue) == 1
    finally:
        app.close()


def test_a_generation_message_says_what_celery_would_have_said_of_its_arguments(
    gen_settings: Settings,
) -> None:
    """The submit writes the arguments' text itself (repr: the plain, bounded body); the message
    holds what Celery's saferepr writes, for the largest body allowed."""
    from celery.utils.saferepr import saferepr
    from fastapi.testclient import TestClient

    from api.main import create_app

    body = {
        "strategy": "gap_based",
        "count": 10,
        "seed": 2**62,
        "window": {"from": "2019-02-01", "to": "2024-06-30"},
        "exclude": list(range(50, 10, -1)),
        "exclude_bonus": [12, 1, 5],
    }
    broker = redis.Redis.from_url(gen_settings.celery_broker_url)
    with TestClient(create_app(gen_settings)) as api:
        assert api.post("/api/euromillions/generate-advanced", json=body).status_code == 202
        message = json.loads(broker.lpop(gen_settings.celery_queue))
        headers = message["headers"]
        kwargs = json.loads(base64.b64decode(message["body"]))[1]
        conf = api.app.state.lotostats.celery.conf  # type: ignore[attr-defined]
    assert kwargs["exclude"] == list(range(11, 51))
    assert headers["kwargsrepr"] == saferepr(kwargs, 1024, maxlevels=conf.task_repr_maxlevels)
    assert headers["argsrepr"] == saferepr((), 1024, maxlevels=conf.task_repr_maxlevels)


def test_the_broker_channel_sends_every_command_through_one_client(gen_settings: Settings) -> None:
    """kombu would build a redis.Redis per publish and per ack; ours builds one per channel, and the
    messages still arrive whole (the worker side runs in every generation test)."""
    app = create_celery(gen_settings)
    try:
        with app.connection_for_write() as connection:
            assert type(connection.transport) is ReusedClientTransport
            channel = connection.default_channel
            assert channel._create_client() is channel._create_client()
            assert channel._create_client(asynchronous=True) is not channel._create_client()
        ids = [str(uuid.uuid4()) for _ in range(3)]
        for task_id in ids:
            app.send_task(
                "lotostats.generate_grids", task_id=task_id, queue=gen_settings.celery_queue, kwargs={}
            )
        broker = redis.Redis.from_url(gen_settings.celery_broker_url)
        sent = [json.loads(m)["headers"]["id"] for m in broker.lrange(gen_settings.celery_queue, 0, -1)]
        assert sorted(sent) == sorted(ids)
    finally:
        app.close()


def test_a_tls_broker_keeps_kombus_own_transport(gen_settings: Settings) -> None:
    app = create_celery(gen_settings.model_copy(update={"celery_broker_url": "rediss://127.0.0.1:6380/1"}))
    assert app.conf.broker_transport is None
