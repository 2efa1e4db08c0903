"""Guard of the fast path (api/fastpath.py): it writes the HTTP answer of a cached hit itself, so
what FastAPI and Starlette send for the route has to stay what it sends, headers included (its
body is the route's own bytes, from the in-process cache layer)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.redis_fixtures import BROKER_DB, redis_server_url
from tests.serving_fixtures import Published


def test_a_hit_from_the_fast_path_has_the_routes_status_headers_and_body(
    published: Published, redis_url: str
) -> None:
    settings = Settings(
        serving_dir=published.serving_dir,
        warehouse_path=published.warehouse,
        redis_url=redis_url,
        celery_broker_url=f"{redis_server_url()}/{BROKER_DB}",
    )
    with TestClient(create_app(settings)) as client:
        for url in ("/api/euromillions/quick-stats?year=2023", "/api/loto/stats?last=50"):
            routed = client.get(url)  # a MISS: FastAPI's route, Starlette's Response
            served = client.get(url)  # the in-process copy, written by the fast path
            assert (routed.headers["x-cache"], served.headers["x-cache"]) == ("MISS", "HIT")
            assert served.status_code == routed.status_code == 200
            assert served.content == routed.content
            headers = {k: v for k, v in routed.headers.items() if k != "x-cache"}
            assert {k: v for k, v in served.headers.items() if k != "x-cache"} == headers
            assert headers == {"content-type": "application/json", "content-length": str(len(routed.content))}
