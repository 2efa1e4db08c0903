"""The outer layers every answer passes, the cached fast path's included (see ``api.main``).

Outermost first:

* :class:`ResponseGuard`: whatever fails inside, the client gets an answer in the error shape and the
  connection stays usable (an exception that escaped the app made the server close it).
* Starlette's ``ServerErrorMiddleware`` (the JSON 500 of ``api.errors.unexpected_error``), then the
  metrics, :class:`SecurityHeaders`, the client identity (uvicorn's ``ProxyHeadersMiddleware`` with
  ``API_TRUSTED_PROXIES``), :class:`RequestGuard`, the body size limit, the fast path, FastAPI.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("lotostats.api")
JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _error(status: int, msg: str, type_: str, loc: list[str] | None = None) -> tuple[Message, Message]:
    """The start and body messages of an error answer in the API's one shape."""
    body = json.dumps({"detail": [{"loc": loc or [], "msg": msg, "type": type_}]}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


class ResponseGuard:
    """The outermost layer: an exception from inside never reaches the server.

    Not started: a 500 in the error shape is sent. Sent in full (Starlette's error middleware
    answers, then re-raises so servers can log): it is logged here and swallowed, so the server
    keeps the keep-alive connection. Started but cut short: re-raised (the server must close it).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = finished = False

        async def tracking_send(message: Message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                finished = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if finished:
                return  # already answered (500 in the error shape) and logged by api.errors
            if started:
                raise
            log.exception("unhandled error before any answer")
            for message in _error(500, "internal error: the failure is logged", "internal_error"):
                await send(message)


class RequestGuard:
    """What no route can accept, refused before routing: a path holding a control character (a NUL
    byte reached the file system) is a 404; a body sent to an ``/api`` route with a content type
    other than JSON (or none) is a 415 saying what to send."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal is not None:
                for message in refusal:
                    await send(message)
                return
        await self.app(scope, receive, send)

    @staticmethod
    def refusal(scope: Scope) -> tuple[Message, Message] | None:
        """The answer to a request no route can accept, or None."""
        path: str = scope["path"]
        if not path.isprintable():
            return _error(404, "no such path: it holds a control character", "http_error", ["path"])
        if scope["method"] in JSON_METHODS and path.startswith("/api/"):
            content_type = b""
            has_body = False
            for name, value in scope["headers"]:
                if name == b"content-type":
                    content_type = value
                elif name == b"content-length":
                    has_body = value.strip() not in (b"0", b"")
                elif name == b"transfer-encoding":
                    has_body = True
            media = content_type.split(b";", 1)[0].strip().lower()
            if has_body and not (media == b"application/json" or media.endswith(b"+json")):
                shown = media.decode("latin-1")[:60] or "none"
                return _error(
                    415,
                    f"the body must be JSON: send Content-Type: application/json (got {shown})",
                    "unsupported_media_type",
                    ["header", "content-type"],
                )
        return None


DOCS_PATHS = ("/docs", "/redoc")
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _hashes(pattern: re.Pattern[str], *pages: str) -> list[str]:
    """The CSP source expressions (``'sha256-…'``) of every inline block ``pattern`` finds."""
    return sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
            for page in pages
            for block in pattern.findall(page)
        }
    )


def report_csp(page: str) -> str:
    """The policy of a weekly report (self-contained: its inline style by hash, charts as data:
    images, nothing else), shown framed by the web app's own pages only."""
    styles = " ".join(_hashes(_INLINE_STYLE, page)) or "'none'"
    return (
        f"default-src 'none'; style-src {styles}; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'"
    )


def docs_csp(*pages: str) -> str:
    """The policy of the API's own documentation pages: their inline scripts allowed by hash only.

    Swagger UI and ReDoc inject their own styles and ReDoc starts a worker from a blob."""
    hashes = _hashes(_INLINE_SCRIPT, *pages)
    return (
        f"default-src 'self'; script-src 'self' {' '.join(hashes)}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ).replace("  ", " ")


class SecurityHeaders:
    """The browser-facing security headers on every answer (unless the app set one itself):
    nosniff, no framing, no referrer, a Content Security Policy (the docs' own for ``/docs`` and
    ``/redoc``) and, where the deployment says TLS, Strict-Transport-Security."""

    def __init__(self, app: ASGIApp, docs_policy: str, tls: bool) -> None:
        self.app = app
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if tls:
            common.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self.headers = [*common, (b"content-security-policy", APP_CSP.encode())]
        self.docs_headers = [*common, (b"content-security-policy", docs_policy.encode())]
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.docs_headers if scope["path"] in DOCS_PATHS else self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = self.names
                present = [name.lower() for name, _ in headers if name.lower() in names]
                headers.extend([h for h in extra if h[0] not in present] if present else extra)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
