"""Errors as clear JSON: 422 with the field and the reason, 404 for unknown things, 503 when not ready."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.state import ServiceUnavailableError
from lottery.stats.models import StatsError

LOCATION = {"game": "path"}


async def stats_error(_: Request, exc: Exception) -> JSONResponse:
    """InvalidFilterError -> 422, UnknownGameError / NoDrawsError -> 404, in FastAPI's error shape."""
    assert isinstance(exc, StatsError)
    return JSONResponse(
        status_code=exc.status_hint,
        content={
            "detail": [
                {
                    "loc": [LOCATION.get(exc.field, "query"), exc.field],
                    "msg": exc.message,
                    "type": type(exc).__name__,
                }
            ]
        },
    )


async def service_unavailable(_: Request, exc: Exception) -> JSONResponse:
    """503 with the reason (no snapshot yet, broker down, ...)."""
    return JSONResponse(status_code=503, content={"detail": str(exc)}, headers={"Retry-After": "60"})


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(StatsError, stats_error)
    app.add_exception_handler(ServiceUnavailableError, service_unavailable)
