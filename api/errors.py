"""Errors as clear JSON: 422 with the field and the reason, 404 for unknown things, 503 when not ready.

Error bodies never echo more than a short excerpt of what the caller sent, and never name the hosts
and ports of the services behind the API.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.ratelimit import RateLimitedError
from api.state import ServiceUnavailableError
from lottery.stats.models import StatsError

log = logging.getLogger("lotostats.api")
LOCATION = {"game": "path"}
MAX_ERRORS = 10
DEFAULT_EXCERPT = 120
MAX_MESSAGE = 300  # our own messages may quote an input (a 4,000-digit number...)
_ENDPOINT = re.compile(r"(\w+://\S+|\[[0-9a-fA-F:]+\]:\d+|\b[\w.-]*[A-Za-z.][\w.-]*:\d{2,5}\b)")


def excerpt(value: Any, limit: int = DEFAULT_EXCERPT) -> Any:
    """``value`` itself when it is short, else a string of its first ``limit`` characters and its size."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if value.bit_length() <= 64 else f"<an integer of {value.bit_length()} bits>"
    try:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
    except (ValueError, TypeError):
        size = f" of {len(value)} items" if hasattr(value, "__len__") else ""
        return f"<{type(value).__name__}{size}>"
    if len(text) <= limit:
        return value
    return f"{text[:limit]}… ({len(text)} characters)"


def redact(message: str) -> str:
    """``message`` without URLs or ``host:port`` pairs."""
    return _ENDPOINT.sub("<service>", message)


async def stats_error(_: Request, exc: Exception) -> JSONResponse:
    """InvalidFilterError -> 422, UnknownGameError / NoDrawsError -> 404, in FastAPI's error shape."""
    assert isinstance(exc, StatsError)
    return JSONResponse(
        status_code=exc.status_hint,
        content={
            "detail": [
                {
                    "loc": [LOCATION.get(exc.field, "query"), exc.field],
                    "msg": excerpt(exc.message, MAX_MESSAGE),
                    "type": type(exc).__name__,
                }
            ]
        },
    )


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, with each ``input`` cut to a short excerpt and at most ``MAX_ERRORS`` errors."""
    assert isinstance(exc, RequestValidationError)
    state = getattr(request.app.state, "lotostats", None)
    limit = state.settings.api_error_excerpt_chars if state is not None else DEFAULT_EXCERPT
    errors = exc.errors()
    detail: list[dict[str, Any]] = []
    for error in errors[:MAX_ERRORS]:
        item: dict[str, Any] = {
            "loc": [excerpt(part, limit) for part in error.get("loc", ())],
            "msg": excerpt(str(error.get("msg", "")), limit),
            "type": error.get("type", "value_error"),
        }
        if "input" in error:
            item["input"] = excerpt(error["input"], limit)
        detail.append(item)
    content: dict[str, Any] = {"detail": detail}
    if len(errors) > MAX_ERRORS:
        content["more_errors"] = len(errors) - MAX_ERRORS
    return JSONResponse(status_code=422, content=content)


async def service_unavailable(_: Request, exc: Exception) -> JSONResponse:
    """503 with the reason (no snapshot yet, broker down, ...), without hosts or ports."""
    log.warning("503: %s (cause: %r)", exc, exc.__cause__)
    return JSONResponse(status_code=503, content={"detail": redact(str(exc))}, headers={"Retry-After": "60"})


async def rate_limited(_: Request, exc: Exception) -> JSONResponse:
    """429 with ``Retry-After``."""
    assert isinstance(exc, RateLimitedError)
    return JSONResponse(
        status_code=429,
        content={"detail": f"too many requests: {exc}"},
        headers={"Retry-After": str(exc.retry_after_s)},
    )


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(StatsError, stats_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ServiceUnavailableError, service_unavailable)
    app.add_exception_handler(RateLimitedError, rate_limited)
