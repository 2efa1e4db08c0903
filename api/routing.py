"""Routers of the API: strict JSON bodies, and the responses every ``/api/{game}`` route documents.

Python's ``json`` (what Starlette's ``Request.json`` uses) accepts what JSON does not: ``NaN`` and
``Infinity``, numbers that overflow to infinity (``1e400``), strings holding lone surrogates
(``"\\ud800"``, not valid Unicode: Redis keys and answers cannot encode them), and it dies with a
RecursionError on deep nesting. Request bodies are read with orjson instead, which refuses each of
these with a ``JSONDecodeError``: FastAPI turns that into its 422 ``json_invalid``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from api.responses import GAME_RESPONSES


class StrictJSONRequest(Request):
    """A request whose JSON body is parsed strictly (RFC 8259, valid Unicode, depth at most 1024)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose handler sees a :class:`StrictJSONRequest` (FastAPI's documented way to swap it)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict


def game_router() -> APIRouter:
    """A router for ``/api/{game}/...`` routes: strict JSON bodies, the shared error responses."""
    return APIRouter(prefix="/api/{game}", responses=GAME_RESPONSES, route_class=StrictJSONRoute)
