"""The API's HTTP server, configured in one place: ``python -m api.server [--host H] [--port P]``.

scripts/supervise.py (the main command) starts the API this way, and so do the tests and benches
that start "the API as the main command does". The uvicorn options come from the settings
(``uvicorn_options``): the HTTP protocol is ``api.connection_guard.GuardedHttpToolsProtocol``
(header size, count and time limits, a body deadline) unless ``API_CONNECTION_GUARD=false``, the
keep-alive idle time is ``API_KEEPALIVE_TIMEOUT_S``, WebSocket upgrades are off (the API has none).
At start the process raises its soft open-files limit to the hard one: each open connection costs a
descriptor, and 1,000 of them must not stop ``accept``. docs/operators/slow-clients.md has the figures.
"""

from __future__ import annotations

import argparse
import logging
import resource
from typing import Any

import httptools
import uvicorn

from api.connection_guard import TESTED_HTTPTOOLS, TESTED_UVICORN
from config.settings import Settings, get_settings

log = logging.getLogger("lotostats.api.server")
GUARDED_PROTOCOL = "api.connection_guard:GuardedHttpToolsProtocol"


def uvicorn_options(
    settings: Settings,
    *,
    app: str = "api.main:app",
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    log_level: str | None = None,
    access_log: bool = True,
) -> dict[str, Any]:
    """Keyword arguments of ``uvicorn.Config`` / ``uvicorn.run`` for serving ``app`` as configured."""
    return {
        "app": app,
        "host": host,
        "port": port,
        "workers": workers,
        "log_level": log_level,
        "access_log": access_log,
        "http": GUARDED_PROTOCOL if settings.api_connection_guard else "httptools",
        "ws": "none",
        "timeout_keep_alive": settings.api_keepalive_timeout_s,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1 (FORWARDED_ALLOW_IPS) before the app sees
        # the request: the app resolves the client itself, from API_TRUSTED_PROXIES only.
        "proxy_headers": False,
    }


def raise_open_files_limit() -> int:
    """Raise this process's soft RLIMIT_NOFILE to its hard limit (never lower it); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def check_fence(settings: Settings) -> None:
    """Warn when the guarded protocol runs on versions it was not checked against."""
    versions = (uvicorn.__version__, httptools.__version__)
    if settings.api_connection_guard and versions != (TESTED_UVICORN, TESTED_HTTPTOOLS):
        log.warning(
            "the connection guard was checked against uvicorn %s / httptools %s, this is %s / %s: run "
            "tests/api/test_connection_guard.py (or set API_CONNECTION_GUARD=false)",
            TESTED_UVICORN,
            TESTED_HTTPTOOLS,
            *versions,
        )


def main(argv: list[str] | None = None) -> None:
    """Serve the API until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m api.server", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--app", default="api.main:app", help="the ASGI app as module:attribute")
    parser.add_argument(
        "--log-level", default=None, choices=["critical", "error", "warning", "info", "debug"]
    )
    parser.add_argument("--no-access-log", dest="access_log", action="store_false")
    args = parser.parse_args(argv)
    settings = get_settings()
    raise_open_files_limit()
    check_fence(settings)
    uvicorn.run(
        **uvicorn_options(
            settings,
            app=args.app,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=args.log_level,
            access_log=args.access_log,
        )
    )


if __name__ == "__main__":
    main()
