"""The floor for cached answers: a bare ASGI app that returns fixed bytes with the API's headers.

    FLOOR_BODY=/path/to/body.json [FLOOR_HEADERS=/path/to/headers.json] uvicorn bench.floor_app:app

No routing, no parsing, no cache, no metrics: what uvicorn itself costs to answer the same bytes
with the same headers as a cached statistics answer. FLOOR_HEADERS holds them as a JSON list of
``[name, value]`` pairs (bench.bench_api copies those of a real HIT, security headers included);
without it, content-type, content-length and x-cache.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from starlette.types import Receive, Scope, Send

BODY = Path(os.environ["FLOOR_BODY"]).read_bytes()
_HEADERS = os.environ.get("FLOOR_HEADERS")
HEADERS = (
    [(name.encode(), value.encode()) for name, value in json.loads(Path(_HEADERS).read_text())]
    if _HEADERS
    else [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(BODY)).encode()),
        (b"x-cache", b"HIT"),
    ]
)
START = {"type": "http.response.start", "status": 200, "headers": HEADERS}
RESPONSE = {"type": "http.response.body", "body": BODY}


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Every HTTP request gets the body; lifespan events are acknowledged."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send(START)
    await send(RESPONSE)
