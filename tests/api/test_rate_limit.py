"""The generation rate limit: shared by API processes through Redis, bounded in process without it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.redis_fixtures import PrivateRedis

GENERATE = "/api/euromillions/generate-advanced"
# Valid, counted by the limiter, then refused (422: no EuroMillions draw in 1990): nothing is queued.
EMPTY_WINDOW = {"window": {"year": 1990}}


def test_the_limit_holds_across_two_app_instances_sharing_redis(settings: Settings) -> None:
    """Three requests per window per client, whichever process gets them; then 429 + Retry-After."""
    limited = settings.model_copy(update={"rate_limit_generation": 3, "rate_limit_window_s": 60})
    with TestClient(create_app(limited)) as a, TestClient(create_app(limited)) as b:
        statuses = [c.post(GENERATE, json=EMPTY_WINDOW).status_code for c in (a, b, a)]
        assert statuses == [422, 422, 422]
        for c in (b, a):
            refused = c.post(GENERATE, json=EMPTY_WINDOW)
            assert refused.status_code == 429
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            assert "more than 3 requests in 60 s" in refused.json()["detail"][0]["msg"]
        # Other endpoints are not limited.
        assert a.get("/api/euromillions/draws/latest").status_code == 200


def test_without_redis_the_limit_fails_open_but_bounded_per_process(
    settings: Settings, private_redis: PrivateRedis
) -> None:
    """Redis down: each process counts on its own, with the same limit."""
    limited = settings.model_copy(
        update={"redis_url": private_redis.url, "rate_limit_generation": 2, "redis_timeout_s": 0.1}
    )
    private_redis.stop()
    with TestClient(create_app(limited)) as c:
        statuses = [c.post(GENERATE, json=EMPTY_WINDOW).status_code for _ in range(4)]
    assert statuses == [422, 422, 429, 429]
