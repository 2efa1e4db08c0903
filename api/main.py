"""The FastAPI app: ``uvicorn api.main:app`` (or ``create_app(settings)`` in tests)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

import redis
import redis.asyncio as aioredis
from fastapi import FastAPI
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import errors, openapi, web
from api.budgets import Budgets
from api.celery_app import create_celery, is_redis_url
from api.fastpath import CachedFastPath, FastPathLayer
from api.limits import BodySizeLimit
from api.metrics import Metrics, MetricsMiddleware
from api.outer import RequestGuard, ResponseGuard, SecurityHeaders
from api.routes import check, generation, odds, performance, stats, system, trends, wheels
from api.state import AppState
from config.settings import Settings, get_settings
from serving import queries
from serving.cache import StatsCache
from serving.jobs import AsyncJobReader, JobStore
from serving.snapshot import SnapshotReader

log = logging.getLogger("lotostats.api")
COUNTER_FLUSH_S = 1.0


def _redis(url: str, settings: Settings) -> aioredis.Redis:
    """A client on a blocking pool whose broken connections are detected and replaced.

    redis-py's asyncio pool raises when full; the blocking pool waits (bounded) for a connection.
    An idle connection is PINGed before use (``health_check_interval``), and a command that meets a
    dead connection (Redis restarted) reconnects and is retried with a short backoff, so a restart
    costs no lasting BYPASS. Timeouts are not retried: a stalled Redis is bypassed at once.
    """
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_timeout_s * 4,
        socket_timeout=settings.redis_timeout_s,
        socket_connect_timeout=settings.redis_connect_timeout_s,
        socket_keepalive=True,
        health_check_interval=settings.redis_health_check_interval_s,
        # Retry a dead connection (restart), not a timeout (a stall): the caller BYPASSes at once.
        retry=Retry(
            ExponentialBackoff(cap=0.05, base=0.005), settings.redis_retries, (redis.ConnectionError,)
        ),
    )
    return aioredis.Redis(connection_pool=pool)


async def _flush_counters(state: AppState) -> None:
    while True:
        await asyncio.sleep(COUNTER_FLUSH_S)
        state.cache.sweep_local()  # expired in-process entries go now, not when next read
        await state.cache.counters.flush(state.redis)


class LotostatsAPI(FastAPI):
    """The FastAPI app inside :class:`~api.outer.ResponseGuard` (nothing raised inside reaches the
    server), with its fast path (``fast_path``, asked by the innermost middleware)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fast_path = CachedFastPath()
        self._guarded = ResponseGuard(super().__call__)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._guarded(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; connections are opened by its lifespan, not here."""
    settings = settings or get_settings()
    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = _redis(settings.redis_url, settings)
        broker = _redis(settings.celery_broker_url, settings)
        reader = SnapshotReader(settings.serving_dir, settings.serving_recheck_s)
        jobs_client = redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_timeout_s * 4,
            socket_connect_timeout=settings.redis_timeout_s * 4,
        )
        results = (
            _redis(settings.celery_result_backend, settings)
            if is_redis_url(settings.celery_result_backend)
            else None
        )
        state = AppState(
            settings=settings,
            redis=client,
            broker=broker,
            cache=StatsCache(client, settings),
            reader=reader,
            metrics=metrics,
            celery=create_celery(settings),
            jobs=JobStore(jobs_client, settings.cache_ttl_generation_s),
            job_reader=AsyncJobReader(client, settings.cache_ttl_generation_s),
            budgets=Budgets.from_settings(client, settings),
            results=results,
        )
        app.state.lotostats = state
        if reader.current() is None:
            missing = f"no serving snapshot in {settings.serving_dir} yet: run the pipeline"
            log.warning(reader.problem or missing)
        await asyncio.to_thread(queries.warm, reader)  # not on the first requests
        flusher = asyncio.create_task(_flush_counters(state))
        # What startup built (modules, routes, models: most of the heap's containers) is left out of
        # every later collection: a full collection scanned it all, an 85 ms pause of every request
        # in flight (bench.bench_generation_http: one ad-hoc submit in 28 took 70-90 ms). Undone at
        # shutdown, so an app that stops (tests) leaves no objects out of collections.
        if settings.gc_freeze:
            gc.freeze()
        try:
            yield
        finally:
            if settings.gc_freeze:
                gc.unfreeze()
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
            await state.cache.counters.flush(client)
            await client.aclose(close_connection_pool=True)
            await broker.aclose(close_connection_pool=True)
            if results is not None:
                await results.aclose(close_connection_pool=True)
            reader.close()
            jobs_client.close()
            state.celery.close()

    app = LotostatsAPI(
        title="lotostats",
        description=(
            "EuroMillions and Loto statistics from FDJ's draw history. Lotteries are random: every figure "
            "comes with its exact expectation under fair draws."
        ),
        version="0.1.0",
        lifespan=lifespan,
        # No OpenTelemetry here: without this, every request asks OTel three times (environment
        # reads) whether a provider was configured since.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        docs_url=None,  # served from local files by api.web
        redoc_url=None,
    )
    # Middleware, innermost first (each added one wraps the ones before; Starlette's error middleware
    # wraps them all): every answer, the fast path's included, passes every layer.
    if settings.api_fast_path:
        app.add_middleware(FastPathLayer)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.api_max_body_bytes,
        larger={check.PATH: settings.api_max_check_body_bytes},
    )
    app.add_middleware(RequestGuard)
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.api_trusted_proxies)
    app.add_middleware(SecurityHeaders, docs_policy=web.docs_policy(app), tls=settings.api_tls)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    errors.install(app)
    openapi.install(app, settings)
    app.include_router(system.router, tags=["system"])
    app.include_router(stats.router, tags=["statistics"])
    app.include_router(trends.router, tags=["statistics"])
    app.include_router(generation.router, tags=["generation"])
    app.include_router(performance.router, tags=["performance"])
    app.include_router(odds.router, tags=["odds"])
    app.include_router(check.router, tags=["checker"])
    app.include_router(wheels.router, tags=["wheels"])
    web.install_docs(app)
    web.install_app(app, settings.web_dist_dir)  # last: its fallback takes what no route above took
    return app


app = create_app()
