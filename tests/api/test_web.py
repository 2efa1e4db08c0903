"""The web app and the docs from local files: SPA fallback, cache headers, nothing shadowed, offline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.errors import ErrorBody
from api.main import create_app
from config.settings import Settings

INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head></html>'


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A built app as Vite lays it out: index.html, hashed assets, a file at the root."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "app-1a2b3c.js").write_text("console.log('app')")
    (root / "favicon.svg").write_text("<svg/>")
    return root


@pytest.fixture
def client(settings: Settings, dist: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"web_dist_dir": dist}))) as c:
        yield c


def test_the_app_and_its_routes_load_from_index_html_never_cached(client: TestClient) -> None:
    for path in ("/", "/tirages", "/generer", "/performance", "/rapport?game=loto"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year(client: TestClient) -> None:
    response = client.get("/assets/app-1a2b3c.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/favicon.svg").headers["cache-control"] == "public, max-age=3600"
    assert client.get("/assets/missing-000000.js").status_code == 404


def test_the_fallback_never_shadows_the_api(client: TestClient) -> None:
    assert client.get("/api/euromillions/quick-stats", params={"year": 2025}).json()["draw_count"] == 104
    unknown = client.get("/api/euromillions/no-such-thing")
    assert unknown.status_code == 404
    ErrorBody.model_validate(unknown.json())
    assert client.get("/health").json()["status"] in {"ok", "degraded"}
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")
    assert client.get("/openapi.json").json()["info"]["title"] == "lotostats"
    assert client.get("/ping").json() == {"ok": True}
    assert client.get("/../../etc/passwd").text in (INDEX, "")  # never a file outside dist


def test_docs_load_only_local_files(client: TestClient) -> None:
    """Swagger UI and ReDoc pages name no other host; the files they load are served here."""
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?['"]([^'"]+)['"]""", html)
        loaded = [u for pair in urls for u in pair if u]
        assert loaded, page
        assert not [u for u in loaded if u.startswith(("http:", "https:", "//"))], (page, loaded)
        for url in loaded:
            assert client.get(url).status_code == 200, url


def test_without_a_build_the_root_says_how_to_get_one(settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(settings.model_copy(update={"web_dist_dir": tmp_path / "none"}))) as c:
        response = c.get("/")
        assert response.status_code == 404
        assert "scripts/run.sh builds it" in response.json()["detail"][0]["msg"]
        assert c.get("/docs").status_code == 200  # the docs do not need the app
