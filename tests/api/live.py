"""A real uvicorn server on 127.0.0.1 in a thread, for tests that speak real HTTP (schemathesis)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from api.main import create_app
from config.settings import Settings
from tests.redis_fixtures import free_port


@contextlib.contextmanager
def live_api(settings: Settings, start_timeout_s: float = 15.0) -> Iterator[str]:
    """Serve ``create_app(settings)``; yields its base URL, stops it (bounded) on exit."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        proxy_headers=False,  # forwarded headers are the app's (API_TRUSTED_PROXIES)
    )
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
