"""Work budgets per client: charged in each path's own unit, shared by API processes through Redis,
bounded in process without it, keyed on the address the trusted proxies yield."""

from __future__ import annotations

import math
import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from lottery.games import Game
from lottery.wheels import check_wheel, estimate_seconds
from tests.api.live import live_api
from tests.redis_fixtures import PrivateRedis

GENERATE = "/api/euromillions/generate-advanced"
CHECK = "/api/euromillions/check"
WHEEL = "/api/euromillions/wheel"
# Valid, charged, then refused (422: no EuroMillions draw in 1990): nothing is queued.
EMPTY_WINDOW = {"count": 10, "window": {"year": 1990}}
TICKET = {"numbers": [2, 12, 20, 38, 45], "bonus": [2, 5]}
SMALL_WHEEL: dict[str, Any] = {
    "numbers": [3, 7, 11, 19, 23, 28],
    "guarantee": {"match": 2, "if_drawn": 2},
    "seed": 1,
}
OFF = {"api_budget_generation_grids": 0, "api_budget_check_cells": 0, "api_budget_wheel_ms": 0}


def budgets(settings: Settings, **values: object) -> Settings:
    """``settings`` with every budget off but the ``values`` given, and no per-request charge."""
    update = {
        **OFF,
        "api_budget_generation_per_job": 0,
        "api_budget_check_per_request": 0,
        "api_budget_wheel_per_request": 0,
        **values,
    }
    return settings.model_copy(update=update)


def check_body(tickets: int) -> dict[str, object]:
    """A check of ``tickets`` tickets over the last 10 draws: ``10 * tickets`` cells."""
    return {"tickets": [TICKET] * tickets, "window": {"last": 10}}


def test_the_generation_budget_holds_across_two_app_instances_sharing_redis(settings: Settings) -> None:
    """30 grids per window per client, whichever process gets the requests; then 429 naming the
    budget, with Retry-After."""
    limited = budgets(settings, api_budget_generation_grids=30)
    with TestClient(create_app(limited)) as a, TestClient(create_app(limited)) as b:
        assert [c.post(GENERATE, json=EMPTY_WINDOW).status_code for c in (a, b, a)] == [422, 422, 422]
        for c in (b, a):
            refused = c.post(GENERATE, json=EMPTY_WINDOW)
            assert refused.status_code == 429
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            assert refused.headers["x-budget"] == "generation"
            detail = refused.json()["detail"][0]
            assert detail["type"] == "budget_exceeded"
            assert detail["loc"] == ["budget", "generation"]
            assert "generation budget (30 grids per 60 s per client)" in detail["msg"]
            assert "this request's 10 grids" in detail["msg"]
        # Other endpoints and other budgets are not charged.
        assert a.get("/api/euromillions/draws/latest").status_code == 200
        assert a.post(WHEEL, json=SMALL_WHEEL).status_code == 200


def test_a_generation_is_charged_its_grids_not_one_request(settings: Settings) -> None:
    """One request of 25 grids leaves room for no more than 5 of a 30-grid budget."""
    limited = budgets(settings, api_budget_generation_grids=30)
    with TestClient(create_app(limited)) as c:
        assert c.post(GENERATE, json={**EMPTY_WINDOW, "count": 25}).status_code == 422
        assert c.post(GENERATE, json={**EMPTY_WINDOW, "count": 6}).status_code == 429
        assert c.post(GENERATE, json={**EMPTY_WINDOW, "count": 5}).status_code == 422


def test_checks_inline_are_charged_their_ticket_draw_cells(settings: Settings) -> None:
    """A 100-cell budget holds two checks of 5 tickets x 10 draws, not a third; a check that needs
    more than the whole budget is a 422 (no wait would let it through)."""
    limited = budgets(settings, api_budget_check_cells=100)
    with TestClient(create_app(limited)) as c:
        assert c.post(CHECK, json=check_body(5)).status_code == 200
        assert c.post(CHECK, json=check_body(5)).status_code == 200
        refused = c.post(CHECK, json=check_body(5))
        assert refused.status_code == 429
        assert refused.headers["x-budget"] == "check"
        assert "50 ticket-draw cells" in refused.json()["detail"][0]["msg"]
        too_big = c.post(CHECK, json=check_body(11))
        assert too_big.status_code == 422
        assert too_big.json()["detail"][0]["type"] == "budget_too_small"
        assert "costs 110 ticket-draw cells, more than the whole check budget" in too_big.text


def test_a_wheel_is_charged_its_estimated_search_on_a_budget_of_its_own(settings: Settings) -> None:
    """A wheel costs its estimated search in milliseconds (plus the per-request charge): a budget of
    20 such wheels holds 20 and not 21, and a spent generation budget does not refuse them."""
    spec = check_wheel(
        Game.EUROMILLIONS,
        SMALL_WHEEL["numbers"],
        SMALL_WHEEL["guarantee"]["match"],
        SMALL_WHEEL["guarantee"]["if_drawn"],
        [],
        max_seconds=settings.wheel_max_search_s,
    )
    cost = math.ceil(estimate_seconds(spec) * 1000) + 1
    limited = budgets(
        settings,
        api_budget_wheel_ms=20 * cost,
        api_budget_wheel_per_request=1,
        api_budget_generation_grids=10,
    )
    with TestClient(create_app(limited)) as c:
        assert c.post(GENERATE, json=EMPTY_WINDOW).status_code == 422
        assert c.post(GENERATE, json=EMPTY_WINDOW).status_code == 429
        statuses = [c.post(WHEEL, json=SMALL_WHEEL).status_code for _ in range(20)]
        assert statuses == [200] * 20
        refused = c.post(WHEEL, json=SMALL_WHEEL)
        assert refused.status_code == 429
        assert f"this request's {cost:,} ms of wheel search" in refused.text


def test_a_spent_budget_refills_after_retry_after(settings: Settings) -> None:
    """Retry-After is when the budget holds the request again: waiting that long lets it through."""
    limited = budgets(settings, api_budget_generation_grids=10, api_budget_window_s=1)
    with TestClient(create_app(limited)) as c:
        assert c.post(GENERATE, json=EMPTY_WINDOW).status_code == 422
        refused = c.post(GENERATE, json=EMPTY_WINDOW)
        assert refused.status_code == 429
        time.sleep(int(refused.headers["retry-after"]))
        assert c.post(GENERATE, json=EMPTY_WINDOW).status_code == 422


def test_without_redis_the_budget_is_kept_in_process(settings: Settings, private_redis: PrivateRedis) -> None:
    """Redis down: each process keeps the same accounting on its own."""
    limited = budgets(
        settings, redis_url=private_redis.url, api_budget_generation_grids=20, redis_timeout_s=0.1
    )
    private_redis.stop()
    with TestClient(create_app(limited)) as c:
        statuses = [c.post(GENERATE, json=EMPTY_WINDOW).status_code for _ in range(4)]
    assert statuses == [422, 422, 429, 429]


@pytest.mark.parametrize("trusted", [[], ["10.0.0.0/8"]])
def test_forwarded_headers_from_an_untrusted_peer_do_not_change_the_client(
    settings: Settings, trusted: list[str]
) -> None:
    """Real uvicorn on loopback: a fresh X-Forwarded-For per request from a peer that is not a trusted
    proxy (none, or another network) is still the same client, and its budget is spent."""
    limited = budgets(settings, api_budget_generation_grids=20, api_trusted_proxies=trusted)
    with live_api(limited) as base, httpx.Client(base_url=base) as http:
        statuses = [
            http.post(GENERATE, json=EMPTY_WINDOW, headers={"x-forwarded-for": f"203.0.113.{n}"}).status_code
            for n in range(1, 5)
        ]
    assert statuses == [422, 422, 429, 429]


def test_through_a_trusted_proxy_each_forwarded_client_has_its_own_budget(settings: Settings) -> None:
    """The peer (127.0.0.1) is the trusted proxy: the address it forwards is the client, so two clients
    behind it each get their budget, and a client's second request is charged to it."""
    limited = budgets(settings, api_budget_generation_grids=10, api_trusted_proxies=["127.0.0.1"])
    with live_api(limited) as base, httpx.Client(base_url=base) as http:

        def post(client: str) -> int:
            return http.post(GENERATE, json=EMPTY_WINDOW, headers={"x-forwarded-for": client}).status_code

        assert [post("203.0.113.1"), post("203.0.113.2")] == [422, 422]
        assert [post("203.0.113.1"), post("203.0.113.2")] == [429, 429]
        # A spoofed hop in front of the proxy's own entry does not help: the proxy appends the real one.
        assert post("198.51.100.9, 203.0.113.1") == 429


def test_the_budgets_are_shown_in_the_openapi_description(settings: Settings) -> None:
    """/docs shows this deployment's budgets, from its settings (and 'off' for a budget set to 0)."""
    shown = budgets(settings, api_budget_check_cells=1234, api_budget_wheel_ms=99, api_budget_window_s=30)
    with TestClient(create_app(shown)) as c:
        description = c.get("/openapi.json").json()["info"]["description"]
    assert "refilled over 30 s" in description
    assert "| check | 1,234 ticket-draw cells |" in description
    assert "| wheel | 99 ms of estimated search |" in description
    assert "| generation | off | - |" in description
