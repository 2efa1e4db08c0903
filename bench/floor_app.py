"""The floor for cached answers: a bare ASGI app that returns fixed bytes with the API's headers.

    FLOOR_BODY=/path/to/body.json uvicorn bench.floor_app:app

No routing, no parsing, no cache, no metrics: what uvicorn itself costs to answer the same bytes
with the same headers (content-type, content-length, x-cache) as a cached statistics answer.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.types import Receive, Scope, Send

BODY = Path(os.environ["FLOOR_BODY"]).read_bytes()
START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(BODY)).encode()),
        (b"x-cache", b"HIT"),
    ],
}
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
