"""Guard of the fast path (api/fastpath.py): it writes the HTTP answer of a cached hit itself, so
what FastAPI and Starlette send for the route has to stay what it sends, headers included (its
body is the route's own bytes, from the in-process cache layer)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from api.fastpath import FastPathLayer
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
            assert headers["content-type"] == "application/json"
            assert headers["content-length"] == str(len(routed.content))


def test_the_fast_path_and_the_apis_gc_freeze_can_be_switched_off(
    published: Published, redis_url: str
) -> None:
    """API_FAST_PATH=false: no fast path layer, the route answers the same HIT; GC_FREEZE=false:
    the API's lifespan freezes nothing."""
    settings = Settings(
        serving_dir=published.serving_dir,
        warehouse_path=published.warehouse,
        redis_url=redis_url,
        celery_broker_url=f"{redis_server_url()}/{BROKER_DB}",
        api_fast_path=False,
        gc_freeze=False,
    )
    app = create_app(settings)
    assert FastPathLayer not in {m.cls for m in app.user_middleware}
    with TestClient(app) as client:
        assert gc.get_freeze_count() == 0
        url = "/api/euromillions/quick-stats?year=2023"
        first, second = client.get(url), client.get(url)
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
        assert first.content == second.content
    assert FastPathLayer in {
        m.cls for m in create_app(settings.model_copy(update={"api_fast_path": True})).user_middleware
    }
