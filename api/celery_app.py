"""The Celery app: ``celery -A api.celery_app worker`` (Redis broker db 1, results db 2)."""

from __future__ import annotations

import gc

import redis
from celery import Celery
from celery.backends.redis import RedisBackend
from celery.signals import worker_ready
from celery.utils.log import get_logger
from kombu.transport import redis as kombu_redis

from config.settings import Settings, get_settings

log = get_logger(__name__)  # under Celery's logger: the worker's -l INFO shows it


@worker_ready.connect
def freeze_startup_objects(**_: object) -> None:
    """Leave what the worker built at startup out of every later garbage collection (the main
    process: it takes every message). A full collection scanned it all: 85-118 ms pauses of the
    worker's main process, one in a burst of 50 (bench.bench_generation_http). ``GC_FREEZE=false``
    leaves them in."""
    if not get_settings().gc_freeze:
        log.info("startup objects left in garbage collections (GC_FREEZE=false)")
        return
    gc.freeze()
    log.info("startup objects kept out of garbage collections: %d", gc.get_freeze_count())


class PolledRedisBackend(RedisBackend):
    """The Redis result backend without a pub/sub subscription per sent task.

    Celery's Redis backend subscribes to a task's result channel when the task is sent, for a
    later ``AsyncResult.get()``; the API never blocks on a result (``task-status`` reads it by key),
    and the subscription and its unsubscription cost a Redis round trip each on every submit.
    ``AsyncResult.get()`` still works: it subscribes when called, then reads the stored result."""

    def on_task_call(self, producer: object, task_id: str) -> dict[str, object]:
        """Nothing to subscribe to ahead of a ``get()``."""
        return {}


class ReusedClientChannel(kombu_redis.Channel):
    """kombu's Redis channel, with one command client for its life.

    kombu builds a new ``redis.Redis`` over the channel's connection pool for every command it
    sends outside its polling loop: each publish, and twice per message a worker takes (the unacked
    index, then the ack). redis-py builds a table of ~170 response callbacks for each: 0.1 ms of CPU,
    a third of a queue push. A client is thread-safe and holds no connection of its own (the pool
    does), so one serves every command of the channel."""

    _command_client: redis.Redis | None = None

    def _create_client(self, asynchronous: bool = False) -> redis.Redis:
        if asynchronous:  # the polling loop's client: kombu keeps that one already
            return super()._create_client(asynchronous=True)
        if self._command_client is None:
            self._command_client = super()._create_client()
        return self._command_client


class ReusedClientTransport(kombu_redis.Transport):
    """The Redis transport with :class:`ReusedClientChannel` (``redis://`` brokers)."""

    Channel = ReusedClientChannel


def is_redis_url(url: str) -> bool:
    """Whether ``url`` names a Redis server (the result backend is then :class:`PolledRedisBackend`)."""
    return url.partition("://")[0] in ("redis", "rediss")


def _result_backend(url: str, polled: bool = True) -> str:
    """``url`` served by :class:`PolledRedisBackend` when it is a Redis URL and ``polled``
    (CELERY_POLLED_RESULT_BACKEND), as given otherwise (Celery's own backend for its scheme)."""
    return f"{__name__}:PolledRedisBackend+{url}" if polled and is_redis_url(url) else url


def create_celery(settings: Settings | None = None) -> Celery:
    """A Celery app configured from settings (nothing connects until a task is sent or a worker starts)."""
    settings = settings or get_settings()
    backend = _result_backend(settings.celery_result_backend, settings.celery_polled_result_backend)
    app = Celery("lotostats", broker=settings.celery_broker_url, backend=backend, include=["api.tasks"])
    # rediss:// keeps kombu's own transport (its TLS checks), and so does CELERY_REUSE_BROKER_CLIENT=false.
    if settings.celery_reuse_broker_client and settings.celery_broker_url.startswith("redis://"):
        app.conf.broker_transport = f"{__name__}:ReusedClientTransport"
    # Celery's result_backend setting gives way to a CELERY_RESULT_BACKEND environment variable (the
    # plain URL, as deployments and the benchmarks set it), which would select Celery's own Redis
    # backend and its subscription per sent task; the backend class is chosen before that setting.
    app.backend_cls = backend
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # The job record (serving/jobs.py) holds STARTED/PROGRESS; the result backend only ever gets a
        # final outcome, so a redelivered message can never overwrite a stored result with STARTED.
        task_track_started=False,
        result_expires=settings.cache_ttl_generation_s,
        task_time_limit=settings.task_time_limit_s,
        task_soft_time_limit=max(settings.task_time_limit_s - 30, 1),
        # The pool as scripts/run.sh runs it (``celery -A api.celery_app worker``, no pool options).
        worker_concurrency=settings.celery_worker_concurrency,
        # The worker reserves this many messages per process (1 by default), on top of those it runs.
        worker_prefetch_multiplier=settings.celery_prefetch_multiplier,
        task_default_queue=settings.celery_queue,
        task_routes={"lotostats.generate_grids": {"queue": settings.celery_queue}},
        # Acknowledged when the task starts (not acks_late, so task_reject_on_worker_lost does not
        # apply): a job whose worker dies mid-task is never run again; its heartbeat stops and the
        # API reports FAILURE. Messages can still come back (the solo pool acknowledges only after the
        # task; reserved messages of a killed worker return after the visibility timeout): the task
        # claims the job record first, and a finished, overdue or held job is not run (api/tasks.py).
        task_acks_late=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        broker_transport_options={
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            "visibility_timeout": settings.celery_visibility_timeout_s,
            # A live worker scans for messages past their visibility timeout this often (kombu's
            # default is every 10 s x 10 = 100 s).
            "unacked_restore_interval": max(1, min(10, settings.celery_visibility_timeout_s // 2)),
            "unacked_restore_throttle": 1,
        },
        redis_socket_connect_timeout=2,
        redis_socket_timeout=5,
        worker_hijack_root_logger=False,
    )
    return app


app = create_celery()
