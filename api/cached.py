"""Answers served from the response cache, computed from the serving snapshot on a miss."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Response
from starlette.concurrency import run_in_threadpool

from api.state import AppState
from lottery.games import Game
from serving.cache import CacheKind, cache_key
from serving.snapshot import ServingView

JSON = "application/json"


async def serve_cached(
    state: AppState,
    game: Game,
    kind: CacheKind,
    variant: str,
    produce: Callable[[ServingView], bytes],
    *,
    cacheable: bool = True,
    finish: Callable[[bytes], bytes] | None = None,
) -> Response:
    """The JSON of ``produce(view)`` under the cache key of this snapshot's data version and
    ``variant`` (computed in a worker thread on a miss), counted in the cache metrics; ``finish``
    reshapes the cached bytes per request. The ``X-Cache`` header says HIT, MISS or BYPASS."""
    view = state.view()
    key = cache_key(game, kind, view.manifest.version(game), variant)
    body, status = await state.cache.get_or_compute(
        kind, key, lambda: run_in_threadpool(produce, view), cacheable=cacheable
    )
    state.metrics.cache.labels(kind.value, status.value).inc()
    if finish is not None:
        body = finish(body)
    return Response(body, media_type=JSON, headers={"X-Cache": status.value})
