"""One outer stack for every answer: the fast path's HITs and task states, the routes, every refusal,
the docs and the web app all carry the same layers (security headers, added middleware)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.main import create_app
from config.settings import Settings

QUICK = "/api/euromillions/quick-stats?year=2024"
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


class Stamp:
    """A middleware a deployment might add (identity, sessions ...): it marks every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (b"x-stamp", b"seen")]}
            await send(message)

        await self.app(scope, receive, stamped)


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built web app: index.html and one hashed asset."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><script type="module" src="/assets/a-1.js"></script>')
    (root / "assets" / "a-1.js").write_text("export {}")
    return root


def client_for(settings: Settings, dist: Path, **update: object) -> TestClient:
    app = create_app(settings.model_copy(update={"web_dist_dir": dist, **update}))
    app.add_middleware(Stamp)
    return TestClient(app)


@pytest.fixture
def client(settings: Settings, dist: Path) -> Iterator[TestClient]:
    with client_for(settings, dist) as c:
        yield c


def answers(client: TestClient) -> dict[str, object]:
    """One answer of each kind the app gives."""
    client.get(QUICK)  # fills the in-process cache: the next one is the fast path's
    hit = client.get(QUICK)
    assert hit.headers["x-cache"] == "HIT"
    return {
        "fast path HIT": hit,
        "route": client.get("/api/euromillions/draws/latest"),
        "route 422": client.get("/api/euromillions/quick-stats?month=13"),
        "route 404": client.get("/api/keno/stats"),
        "405": client.delete("/api/euromillions/stats"),
        "request guard 415": client.post("/api/euromillions/check", content=b"x"),
        "request guard 404": client.get("/%00"),
        "body limit 413": client.post(
            "/api/euromillions/generate-advanced",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": str(2**30)},
        ),
        "web app": client.get("/tirages"),
        "hashed asset": client.get("/assets/a-1.js"),
        "docs": client.get("/docs"),
        "openapi": client.get("/openapi.json"),
        "health": client.get("/health"),
        "metrics": client.get("/metrics"),
    }


def test_every_answer_passes_the_same_outer_layers(client: TestClient) -> None:
    """Security headers and a middleware added to the app are on every answer, fast path included."""
    for name, response in answers(client).items():
        headers = response.headers  # type: ignore[attr-defined]
        assert headers.get("x-stamp") == "seen", name
        for header, value in COMMON.items():
            assert headers.get(header) == value, (name, header)
        assert "frame-ancestors 'none'" in headers["content-security-policy"], name
        assert "strict-transport-security" not in headers, name


def test_the_task_status_fast_path_passes_them_too(client: TestClient) -> None:
    """A queued job's state, answered by the fast path, carries the added middleware's mark."""
    queued = client.post("/api/loto/generate-advanced", json={"count": 2, "seed": 1})
    assert queued.status_code == 202
    status = client.get(queued.json()["status_url"])
    assert status.status_code == 200
    assert status.headers["x-stamp"] == "seen"
    assert status.headers["x-content-type-options"] == "nosniff"


def test_the_app_policy_allows_only_its_own_origin(client: TestClient) -> None:
    """The web app: scripts, styles, data only from 'self'; no inline script; no framing."""
    policy = client.get("/").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_the_docs_inline_script_is_allowed_by_its_hash_only(client: TestClient) -> None:
    """/docs has one inline script (Swagger UI's start): the policy names its sha256, nothing more."""
    docs = client.get("/docs")
    inline = re.findall(r"<script>(.*?)</script>", docs.text, re.DOTALL)
    assert inline
    digests = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline}
    script_src = next(
        d for d in docs.headers["content-security-policy"].split(";") if d.strip().startswith("script-src")
    )
    assert {f"'sha256-{d}'" for d in digests} <= set(script_src.split())
    assert "unsafe-inline" not in script_src


def test_hsts_only_where_the_deployment_says_tls(settings: Settings, dist: Path) -> None:
    with client_for(settings, dist, api_tls=True) as c:
        for name, response in answers(c).items():
            assert response.headers["strict-transport-security"].startswith("max-age="), name  # type: ignore[attr-defined]
