"""The Celery app: ``celery -A api.celery_app worker`` (Redis broker db 1, results db 2)."""

from __future__ import annotations

from celery import Celery

from warehouse.settings import Settings, get_settings


def create_celery(settings: Settings | None = None) -> Celery:
    """A Celery app configured from settings (nothing connects until a task is sent or a worker starts)."""
    settings = settings or get_settings()
    app = Celery(
        "lotostats",
        broker=settings.celery_broker_url,
        backend=settings.celery_result_backend,
        include=["api.tasks"],
    )
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_track_started=True,
        result_expires=settings.cache_ttl_generation_s,
        task_time_limit=settings.task_time_limit_s,
        task_soft_time_limit=max(settings.task_time_limit_s - 30, 1),
        worker_prefetch_multiplier=1,
        task_default_queue=settings.celery_queue,
        task_routes={"lotostats.generate_grids": {"queue": settings.celery_queue}},
        # A worker that dies mid-task is detected by the job heartbeat (warehouse/jobs.py), so tasks are
        # acknowledged on receipt: no redelivery half an hour later of a job the API already reported failed.
        task_acks_late=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=2,
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        redis_socket_connect_timeout=2,
        redis_socket_timeout=5,
        worker_hijack_root_logger=False,
    )
    return app


app = create_celery()
