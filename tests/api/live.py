"""A real uvicorn server on 127.0.0.1 in a thread, configured as ``python -m api.server`` configures it,
for tests that speak real HTTP (schemathesis)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from api.main import create_app
from api.server import uvicorn_options
from config.settings import Settings
from tests.redis_fixtures import free_port


@contextlib.contextmanager
def live_api(settings: Settings, start_timeout_s: float = 15.0) -> Iterator[str]:
    """Serve ``create_app(settings)``; yields its base URL, stops it (bounded) on exit."""
    port = free_port()
    options = uvicorn_options(settings, port=port, log_level="warning")  # as python -m api.server
    config = uvicorn.Config(**{**options, "app": create_app(settings)}, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the test API server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
