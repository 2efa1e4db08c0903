"""Health, Prometheus metrics, and a constant endpoint (the load benchmark's baseline)."""

from __future__ import annotations

import time
from typing import Annotated

import redis
from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.routing import StrictJSONRoute
from api.state import AppState, get_state

router = APIRouter(route_class=StrictJSONRoute)
PONG = b'{"ok":true}'


@router.get("/ping", response_class=Response, summary="Constant answer (no I/O)")
async def ping() -> Response:
    """Always ``{"ok":true}``: the cheapest request the app can serve."""
    return Response(PONG, media_type="application/json")


@router.get("/health", summary="Redis, serving snapshot and Celery broker")
async def health(state: Annotated[AppState, Depends(get_state)]) -> JSONResponse:
    """200 while the API can answer (``status`` says ``degraded`` if Redis or the broker is down,
    or a newer publication could not be read: the API still serves from the snapshot before); 503
    when no serving snapshot is published yet, or the one published cannot be read."""
    checks: dict[str, dict[str, object]] = {}
    redis_ok, detail = await state.cache.ping()
    checks["redis"] = {"ok": redis_ok, "detail": detail}
    try:
        await state.broker.ping()
        checks["celery_broker"] = {"ok": True, "detail": "ok"}
    except (redis.RedisError, OSError) as exc:
        checks["celery_broker"] = {"ok": False, "detail": exc.__class__.__name__}
    view, problem = state.reader.current(), state.reader.problem
    if view is None:
        checks["snapshot"] = {
            "ok": False,
            "detail": problem or f"none published in {state.settings.serving_dir}: run the pipeline",
        }
    else:
        checks["snapshot"] = {
            "ok": True,
            "file": view.manifest.snapshot,
            "published_at": view.manifest.published_at,
            "data_versions": {g: m.data_version for g, m in view.manifest.games.items()},
        }
        if problem:  # a newer publication could not be read: the one before is still served
            checks["snapshot"]["problem"] = problem
    all_ok = not problem and all(c["ok"] for c in checks.values())
    status = "ok" if all_ok else ("degraded" if checks["snapshot"]["ok"] else "unavailable")
    body = {"status": status, "checks": checks, "uptime_s": round(time.time() - state.started_at, 1)}
    return JSONResponse(body, status_code=200 if checks["snapshot"]["ok"] else 503)


@router.get("/metrics", response_class=Response, summary="Prometheus metrics of this process")
async def metrics(state: Annotated[AppState, Depends(get_state)]) -> Response:
    """Request counts and latencies per route, cache outcomes per kind (text exposition format)."""
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
