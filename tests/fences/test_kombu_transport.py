"""Guards of ``ReusedClientTransport`` (api/celery_app.py): what it assumes of kombu's Redis channel
and of redis-py, and its switch (CELERY_REUSE_BROKER_CLIENT) both ways."""

from __future__ import annotations

import inspect
import threading
import uuid

import kombu
import pytest
import redis
from kombu.transport import redis as kombu_redis

from api.celery_app import ReusedClientChannel, ReusedClientTransport, create_celery
from config.settings import Settings


def test_kombus_channel_still_builds_its_command_clients_in_create_client() -> None:
    """The subclass overrides ``Channel._create_client(asynchronous=False)``; the transport builds
    its channels from its ``Channel`` class attribute. A rename or a new signature would leave the
    override unused (or break every command)."""
    method = kombu_redis.Channel.__dict__.get("_create_client")
    assert method is not None, "kombu's Redis Channel no longer defines _create_client"
    parameters = list(inspect.signature(method).parameters.values())
    assert [p.name for p in parameters] == ["self", "asynchronous"]
    assert parameters[1].default is False
    assert kombu_redis.Transport.Channel is kombu_redis.Channel
    assert ReusedClientTransport.Channel is ReusedClientChannel


def test_kombus_own_channel_builds_a_client_per_command(celery_settings: Settings) -> None:
    """The figure's premise: kombu's channel gives every command (publish, the unacked index, the
    ack) a new ``redis.Redis`` through ``conn_or_acquire``; its polling client is another, kept one."""
    with kombu.Connection(celery_settings.celery_broker_url) as connection:
        channel = connection.default_channel
        assert type(channel) is kombu_redis.Channel
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is not second
        assert channel.client is channel.client  # the polling loop's (asynchronous) client


def test_one_command_client_serves_every_command_of_a_reused_channel(celery_settings: Settings) -> None:
    app = create_celery(celery_settings)
    try:
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            assert type(channel) is ReusedClientChannel
            with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
                assert first is second
            assert channel.client is not first  # the polling loop keeps kombu's own client
            assert first.connection_pool is channel.pool
    finally:
        app.close()


def test_a_redis_client_holds_no_connection_and_serves_threads_at_once(celery_settings: Settings) -> None:
    """One client is shared by every command of a channel, from any thread: redis-py's client takes a
    connection from its pool per command and holds none itself (unless single_connection_client)."""
    pool = redis.ConnectionPool.from_url(celery_settings.celery_broker_url)
    client = redis.Redis(connection_pool=pool)
    client.ping()
    assert client.connection is None
    key = f"fences:{uuid.uuid4().hex}"
    errors: list[BaseException] = []

    def push(n: int) -> None:
        try:
            for i in range(200):
                client.rpush(key, f"{n}:{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert client.llen(key) == 800
    client.delete(key)
    pool.disconnect()


def _consume_and_ack(app_settings: Settings, reuse: bool) -> tuple[type, list[str], int]:
    """Send three tasks, then take and acknowledge them as a worker does (kombu's consumer on the
    app's transport): the transport's class, the ids taken, what is left unacknowledged."""
    settings = app_settings.model_copy(update={"celery_reuse_broker_client": reuse})
    app = create_celery(settings)
    ids = [str(uuid.uuid4()) for _ in range(3)]
    taken: list[str] = []
    try:
        for task_id in ids:
            app.send_task("lotostats.generate_grids", task_id=task_id, queue=settings.celery_queue, kwargs={})
        with app.connection_for_read() as connection:
            transport = type(connection.transport)
            queue = kombu.Queue(settings.celery_queue, routing_key=settings.celery_queue)

            def on_message(body: object, message: kombu.Message) -> None:
                taken.append(message.headers["id"])
                message.ack()

            with kombu.Consumer(connection, [queue], callbacks=[on_message], accept=["json"]):
                while len(taken) < len(ids):
                    connection.drain_events(timeout=5)
        broker = redis.Redis.from_url(settings.celery_broker_url)
        unacked = broker.hlen("unacked") + broker.zcard("unacked_index")
        assert broker.llen(settings.celery_queue) == 0
    finally:
        app.close()
    assert sorted(taken) == sorted(ids)
    return transport, taken, unacked


@pytest.mark.parametrize("reuse", [True, False])
def test_the_switch_chooses_the_transport_and_messages_go_through_either(
    celery_settings: Settings, reuse: bool
) -> None:
    """CELERY_REUSE_BROKER_CLIENT (default on): ours; off: kombu's own. Either way every message is
    delivered once and acknowledged (the unacked index and hash end empty)."""
    transport, _, unacked = _consume_and_ack(celery_settings, reuse)
    assert transport is (ReusedClientTransport if reuse else kombu_redis.Transport)
    assert unacked == 0


def test_the_switch_reads_its_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CELERY_REUSE_BROKER_CLIENT", "false")
    assert Settings().celery_reuse_broker_client is False
    monkeypatch.delenv("CELERY_REUSE_BROKER_CLIENT")
    assert Settings().celery_reuse_broker_client is True
    assert create_celery(Settings(celery_reuse_broker_client=False)).conf.broker_transport is None


def test_the_default_exchange_puts_a_message_straight_onto_its_queue(celery_settings: Settings) -> None:
    """The submit publishes through the default exchange (``exchange=""``, routing key = queue):
    kombu's virtual channel then pushes onto the queue's list without looking up any binding (the
    queue's own exchange would read its bindings first, one more round trip a message)."""
    app = create_celery(celery_settings)
    try:
        with app.connection_for_write() as connection:
            producer = kombu.Producer(connection.default_channel, auto_declare=False)
            producer.publish({"n": 1}, exchange="", routing_key=celery_settings.celery_queue)
        broker = redis.Redis.from_url(celery_settings.celery_broker_url)
        assert broker.llen(celery_settings.celery_queue) == 1
        assert broker.keys("_kombu.binding.*") == []  # nothing declared, nothing bound: none needed
    finally:
        app.close()
