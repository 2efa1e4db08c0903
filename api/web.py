"""The web app and the API docs, from this machine's own files: one origin, no other host.

* ``/docs`` (Swagger UI) and ``/redoc`` load their scripts and styles from ``/docs-static``, the files
  the ``fastapi-offline`` package ships, so they render without internet.
* The built web app (``web/dist``, ``WEB_DIST_DIR``) is served at ``/``: hashed files under
  ``/assets`` with a year-long immutable cache, ``index.html`` never cached, and every other GET path
  that is not the API's (``/api``, ``/docs``, ``/redoc``, ``/openapi.json``, ``/health``, ``/metrics``,
  ``/ping``) answered with ``index.html``, so the app's own routes (``/tirages`` ...) load on refresh.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from api.errors import NotFoundError
from api.outer import docs_csp

DOCS_STATIC = "/docs-static"
RESERVED = ("/api", "/docs", "/redoc", "/openapi.json", "/health", "/metrics", "/ping", DOCS_STATIC)
IMMUTABLE = "public, max-age=31536000, immutable"


class HashedAssets(StaticFiles):
    """Vite's hashed assets: a new build gets new names, so they may be cached for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def _swagger_ui(app: FastAPI) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} — API",
        swagger_js_url=f"{DOCS_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_STATIC}/favicon.png",
    )


def _redoc(app: FastAPI) -> HTMLResponse:
    return get_redoc_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} — API",
        redoc_js_url=f"{DOCS_STATIC}/redoc.standalone.js",
        redoc_favicon_url=f"{DOCS_STATIC}/favicon.png",
        with_google_fonts=False,
    )


def docs_policy(app: FastAPI) -> str:
    """The Content Security Policy of ``/docs`` and ``/redoc``: their inline scripts by hash."""
    return docs_csp(*(bytes(page(app).body).decode() for page in (_swagger_ui, _redoc)))


def install_docs(app: FastAPI) -> None:
    """``/docs`` and ``/redoc`` from local files (create the app with ``docs_url=redoc_url=None``)."""
    static = Path(str(files("fastapi_offline").joinpath("static")))
    app.mount(DOCS_STATIC, StaticFiles(directory=static), name="docs-static")
    swagger, redoc = _swagger_ui(app), _redoc(app)

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return swagger

    @app.get("/redoc", include_in_schema=False)
    async def redoc_ui() -> HTMLResponse:
        return redoc


def install_app(app: FastAPI, dist: Path) -> None:
    """The built web app at ``/`` with its SPA fallback; register after every API route."""
    if (dist / "assets").is_dir():
        app.mount("/assets", HashedAssets(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def web_app(path: str) -> Response:
        if f"/{path}".startswith(RESERVED):
            raise NotFoundError("", f"nothing at /{path}")
        index = dist / "index.html"
        if not index.is_file():
            raise NotFoundError("", f"the web app is not built ({dist}): scripts/run.sh builds it")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate, headers={"Cache-Control": "public, max-age=3600"})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
