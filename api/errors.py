"""Errors as clear JSON, in one shape for every status (404, 413, 422, 429, 503 ...):

    {"detail": [{"loc": ["query", "month"], "msg": "month must be 1..12, got 13", "type": "..."}]}

``loc`` says where the culprit is (empty when it is no input: a service down), ``msg`` why, ``type``
what kind of error. Error bodies never echo more than a short excerpt of what the caller sent, and
never name the hosts and ports of the services behind the API.

The handlers cannot fail on what they echo: every error body is made JSON-safe first
(:func:`json_safe`: bytes, non-finite numbers, strings that are not valid Unicode and unknown objects
become short strings), so a hostile input gets its 4xx, never a 500 from the error page itself.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from api.budgets import BudgetExceededError, BudgetTooSmallError
from api.state import ServiceUnavailableError
from lottery.checker import CheckRequestError
from lottery.stats.models import StatsError
from lottery.strategies import GenerationRequestError
from lottery.wheels import WheelRequestError

log = logging.getLogger("lotostats.api")
LOCATION = {"game": "path", "task_id": "path"}
MAX_ERRORS = 10
DEFAULT_EXCERPT = 120
MAX_MESSAGE = 300  # our own messages may quote an input (a 4,000-digit number...)
_ENDPOINT = re.compile(r"(\w+://\S+|\[[0-9a-fA-F:]+\]:\d+|\b[\w.-]*[A-Za-z.][\w.-]*:\d{2,5}\b)")


class ErrorItem(BaseModel):
    """One error: where, why, what kind (and, for a bad input, a short excerpt of it)."""

    loc: list[str | int] = Field(description="where: ['query', 'month'], ['body', 'exclude', 3], [] ...")
    msg: str
    type: str
    input: Any | None = Field(default=None, description="a short excerpt of the bad input")


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    detail: list[ErrorItem]
    more_errors: int | None = Field(default=None, description="errors left out (at most 10 are listed)")


class NotFoundError(StatsError):
    """Something the caller named that does not exist here (a task id, a report): 404."""

    status_hint = 404


def json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` with everything a strict JSON encoder refuses replaced by a short string: bytes, NaN
    and infinities, lone surrogates (not valid Unicode), objects of other types, nesting past 8."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate becomes '?'
    if depth >= 8:
        return f"<{type(value).__name__}>"
    if isinstance(value, bytes | bytearray):
        return json_safe(bytes(value[:DEFAULT_EXCERPT]).decode("utf-8", "replace"), depth)
    if isinstance(value, dict):
        return {str(json_safe(k, depth + 1)): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v, depth + 1) for v in value]
    return json_safe(str(value), depth)


class ErrorJSONResponse(JSONResponse):
    """An error answer: its content made :func:`json_safe` before it is encoded."""

    def render(self, content: Any) -> bytes:
        return super().render(json_safe(content))


def error_response(
    status: int,
    msg: str,
    type_: str,
    loc: list[str | int] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error answer in the one shape."""
    item = {"loc": loc or [], "msg": msg, "type": type_}
    return ErrorJSONResponse(status_code=status, content={"detail": [item]}, headers=headers)


def excerpt(value: Any, limit: int = DEFAULT_EXCERPT) -> Any:
    """``value`` itself when it is short, else a string of its first ``limit`` characters and its size."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if value.bit_length() <= 64 else f"<an integer of {value.bit_length()} bits>"
    if isinstance(value, bytes | bytearray):
        value = bytes(value[: limit + 1]).decode("utf-8", "replace")
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
    """InvalidFilterError -> 422, UnknownGameError / NoDrawsError / NotFoundError -> 404."""
    assert isinstance(exc, StatsError)
    loc = [LOCATION.get(exc.field, "query"), exc.field] if exc.field else []
    return error_response(exc.status_hint, excerpt(exc.message, MAX_MESSAGE), type(exc).__name__, loc)


async def generation_request_error(_: Request, exc: Exception) -> JSONResponse:
    """A generation that can never succeed (the domain's check): 422 naming the body field."""
    assert isinstance(exc, GenerationRequestError)
    return error_response(
        422, excerpt(exc.message, MAX_MESSAGE), "GenerationRequestError", ["body", exc.field]
    )


async def check_request_error(_: Request, exc: Exception) -> JSONResponse:
    """Tickets that can never be checked (or a task id that names no finished generation): each
    problem with its ``loc`` (``['body', 'tickets', 3, 'bonus']``), at most ``MAX_ERRORS`` of them."""
    assert isinstance(exc, CheckRequestError)
    detail = [
        {"loc": list(loc), "msg": excerpt(msg, MAX_MESSAGE), "type": "CheckRequestError"}
        for loc, msg in exc.problems[:MAX_ERRORS]
    ]
    content: dict[str, Any] = {"detail": detail}
    if len(exc.problems) > MAX_ERRORS:
        content["more_errors"] = len(exc.problems) - MAX_ERRORS
    return ErrorJSONResponse(status_code=exc.status, content=content)


async def wheel_request_error(_: Request, exc: Exception) -> JSONResponse:
    """A wheel that can never be built (the domain's check): 422 naming the body field."""
    assert isinstance(exc, WheelRequestError)
    return error_response(422, excerpt(exc.message, MAX_MESSAGE), "WheelRequestError", ["body", exc.field])


def _message(error: Any) -> str:
    """A validation error's message; a body that is not JSON says why (orjson's reason)."""
    why = (error.get("ctx") or {}).get("error")
    if error.get("type") == "json_invalid" and why:
        return f"the body is not valid JSON: {why}"
    return str(error.get("msg", ""))


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
            "msg": excerpt(_message(error), limit),
            "type": error.get("type", "value_error"),
        }
        if "input" in error:
            item["input"] = excerpt(error["input"], limit)
        detail.append(item)
    content: dict[str, Any] = {"detail": detail}
    if len(errors) > MAX_ERRORS:
        content["more_errors"] = len(errors) - MAX_ERRORS
    return ErrorJSONResponse(status_code=422, content=content)


async def service_unavailable(_: Request, exc: Exception) -> JSONResponse:
    """503 with the reason (no snapshot yet, broker down, ...), without hosts or ports."""
    log.warning("503: %s (cause: %r)", exc, exc.__cause__)
    return error_response(503, redact(str(exc)), type(exc).__name__, headers={"Retry-After": "60"})


async def budget_exceeded(_: Request, exc: Exception) -> JSONResponse:
    """429 naming the budget, with ``Retry-After``: when it holds the request's cost again."""
    assert isinstance(exc, BudgetExceededError)
    headers = {"Retry-After": str(exc.retry_after_s), "X-Budget": exc.budget}
    return error_response(429, str(exc), "budget_exceeded", ["budget", exc.budget], headers=headers)


async def budget_too_small(_: Request, exc: Exception) -> JSONResponse:
    """422: the request costs more than the whole budget, so no wait would let it through."""
    assert isinstance(exc, BudgetTooSmallError)
    return error_response(422, str(exc), "budget_too_small", ["body", exc.field] if exc.field else [])


async def unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    """Anything no other handler took: logged with its traceback, answered in the one shape."""
    log.error("unhandled %s", type(exc).__name__, exc_info=exc)
    return error_response(500, "internal error: the failure is logged", "internal_error")


async def http_error(_: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (no such route 404, method 405 ...) in the same shape."""
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, str(exc.detail), "http_error", headers=exc.headers)


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(StatsError, stats_error)
    app.add_exception_handler(GenerationRequestError, generation_request_error)
    app.add_exception_handler(CheckRequestError, check_request_error)
    app.add_exception_handler(WheelRequestError, wheel_request_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(ServiceUnavailableError, service_unavailable)
    app.add_exception_handler(BudgetExceededError, budget_exceeded)
    app.add_exception_handler(BudgetTooSmallError, budget_too_small)
    app.add_exception_handler(Exception, unexpected_error)
    app.add_exception_handler(HTTPException, http_error)
