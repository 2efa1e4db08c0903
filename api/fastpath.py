"""Serve in-process cache hits and job states before FastAPI's routing, dependencies and validation.

``FastPathLayer`` is the innermost of the app's ASGI middleware (api/main.py): every request has
passed the same outer layers (error guard, metrics, security headers, client identity, request
guard, body limit) when it asks ``CachedFastPath.answer`` for a GET. It only takes
``GET /api/{game}/quick-stats`` and ``/stats`` whose query parses cleanly into the same canonical
filters the routes build; anything else (bad parameters, a miss, no snapshot) goes on to the
FastAPI route, which validates, reads Redis or computes, and fills the in-process layer.
The answer is byte-for-byte the one the route would give, with ``X-Cache: HIT``.

It also takes ``GET /api/{game}/task-status/{task_id}`` (a known game, an id of at most 64
characters, no query string) when the job is found: the route's own reader
(``read_task_state``: result backend, then the job record's RESOLVE script, on the event loop's
asyncio clients), and the route's response model's JSON, byte for byte. An unknown or foreign id,
or Redis unreachable, goes on to the route (its 404, its 503); so does anything it does not parse.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import redis
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import NotFoundError
from api.metrics import Metrics
from api.routes.generation import read_task_state, status_body
from api.state import AppState
from lottery.games import Game
from lottery.stats.models import StatsError, StatsFilter
from serving.cache import CacheKind, CacheStatus, cache_key

_KINDS = {"quick-stats": CacheKind.QUICK, "stats": CacheKind.FULL}
_ALLOWED = {
    CacheKind.QUICK: {"year": int, "month": int},
    CacheKind.FULL: {
        "year": int,
        "month": int,
        "from": date.fromisoformat,
        "to": date.fromisoformat,
        "last": int,
    },
}


class RouteLabel(NamedTuple):
    """What the metrics middleware reads of ``scope["route"]`` (a route's path template)."""

    path: str


_ROUTES = {
    CacheKind.QUICK: RouteLabel("/api/{game}/quick-stats"),
    CacheKind.FULL: RouteLabel("/api/{game}/stats"),
}
STATUS_ROUTE = RouteLabel("/api/{game}/task-status/{task_id}")
MAX_TASK_ID = 64  # the route's Path(max_length=64): longer ids get its 422
_GAMES = {game.value: game for game in Game}


def parse_filters(kind: CacheKind, query: bytes) -> StatsFilter | None:
    """The request's filters if the query string is simple and valid, else None (let FastAPI answer)."""
    values: dict[str, object] = {}
    try:
        for name, raw in parse_qsl(query.decode("latin-1"), keep_blank_values=True, strict_parsing=False):
            convert = _ALLOWED[kind].get(name)
            if convert is None or name in values:
                return None
            values[name] = convert(raw)
        return StatsFilter.model_validate(values).validated()
    except (ValueError, StatsError):
        return None


MEMO_ENTRIES = 4096  # distinct query strings remembered per kind (then the memo starts afresh)
_INVALID = ""  # memo value of a query string the fast path leaves to FastAPI


class CachedFastPath:
    """Answers in-process cache hits before FastAPI's routing (see ``FastPathLayer``).

    What depends only on the request line is remembered: each query string's canonical scope (or
    that FastAPI must answer it), and each (game, kind, data version, scope)'s cache key. The data
    version is read from the snapshot in force at every request, so a new publication is followed
    at once, and a bad query string still reaches FastAPI's validation every time. A HIT is counted
    as the cache would count it (Prometheus and the daily counters); the request itself is counted
    by the metrics middleware around it, under the route's template (``scope["route"]``).
    """

    def __init__(self) -> None:
        self._scopes: dict[tuple[CacheKind, bytes], str] = {}
        self._keys: dict[tuple[str, CacheKind, str, str], str] = {}
        self._hits: dict[tuple[int, CacheKind], Any] = {}  # per app's metrics

    def _scope_of(self, kind: CacheKind, query: bytes) -> str | None:
        memo = self._scopes.get((kind, query))
        if memo is None:
            filters = parse_filters(kind, query)
            memo = _INVALID if filters is None else filters.scope
            if len(self._scopes) >= MEMO_ENTRIES:
                self._scopes.clear()
            self._scopes[(kind, query)] = memo
        return memo or None

    def _key(self, game: Game, kind: CacheKind, version: str, scope: str) -> str:
        memo = (game.value, kind, version, scope)
        key = self._keys.get(memo)
        if key is None:
            key = cache_key(game, kind, version, scope)
            if len(self._keys) >= MEMO_ENTRIES:
                self._keys.clear()
            self._keys[memo] = key
        return key

    def _hit_counter(self, metrics: Metrics, kind: CacheKind) -> Any:
        """The labelled child a HIT of ``kind`` increments."""
        found = self._hits.get((id(metrics), kind))
        if found is None:
            found = self._hits[(id(metrics), kind)] = metrics.cache.labels(kind.value, CacheStatus.HIT.value)
        return found

    async def answer(self, state: AppState, scope: Scope, send: Send) -> bool:
        """Send the in-process copy of a GET's answer and return True, or return False (FastAPI answers)."""
        parts = scope["path"].split("/")
        if len(parts) == 5 and parts[1] == "api" and parts[3] == "task-status":
            return await self._task_status(state, parts[2], parts[4], scope, send)
        if len(parts) != 4 or parts[1] != "api" or parts[3] not in _KINDS:
            return False
        kind = _KINDS[parts[3]]
        game = _GAMES.get(parts[2])
        if game is None:
            return False
        variant = self._scope_of(kind, scope["query_string"])
        view = state.reader.current() if variant is not None else None
        if variant is None or view is None:
            return False
        body = state.cache.peek_local(kind, self._key(game, kind, view.manifest.version(game), variant))
        if body is None:
            return False
        self._hit_counter(state.metrics, kind).inc()
        scope["route"] = _ROUTES[kind]
        await _send_json(send, body, [(b"x-cache", b"HIT")])
        return True

    async def _task_status(
        self, state: AppState, game_name: str, task_id: str, scope: Scope, send: Send
    ) -> bool:
        """A job's state as ``GET /api/{game}/task-status/{task_id}`` answers it (200 only), or False."""
        game = _GAMES.get(game_name)
        if game is None or not task_id or len(task_id) > MAX_TASK_ID or scope["query_string"]:
            return False
        try:
            status = await read_task_state(state, game, task_id)
        except (NotFoundError, redis.RedisError, OSError):
            return False  # the route answers: its 404, its 503
        scope["route"] = STATUS_ROUTE
        await _send_json(send, status_body(status))
        return True


class FastPathLayer:
    """The fast path as the innermost ASGI middleware: a GET that the app's ``fast_path`` (a
    :class:`CachedFastPath`) can answer goes no further."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            app = scope["app"]
            state = getattr(app.state, "lotostats", None)
            if state is not None and await app.fast_path.answer(state, scope, send):
                return
        await self.app(scope, receive, send)


async def _send_json(send: Send, body: bytes, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """A 200 with a JSON body (and ``extra`` headers), in one start and one body message."""
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})
