"""Schemathesis over the OpenAPI schema, against a real server, Redis and serving snapshot.

Bounded: ``MAX_EXAMPLES`` per operation and generation mode (valid and invalid inputs), no example
database. Every response must be non-5xx and conform to the schema (status, content type, headers,
body). The operations are driven one by one with Hypothesis (``schemathesis.pytest.from_fixture``
does not run under pytest 9).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from config.settings import Settings
from tests.api.live import live_api

pytestmark = pytest.mark.slow  # the whole API driven by Hypothesis, many requests

MAX_EXAMPLES = int(os.environ.get("LOTOSTATS_SCHEMATHESIS_EXAMPLES", "20"))
# Cross-field rules (month needs a year, from <= to, a window must hold draws, exclusions leave enough
# balls) cannot be written in OpenAPI: a schema-valid request may rightly get 422/404. Every other
# check runs, including that invalid data is rejected with a 4xx.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@pytest.mark.timeout(900)
def test_api_conforms_to_its_schema_and_never_5xx(settings: Settings) -> None:
    """Every operation, valid and invalid inputs: no 5xx, responses as documented."""
    # Generations queue into the flushed cache database (no worker reads it); no rate limit here.
    app_settings = settings.model_copy(
        update={"celery_broker_url": settings.redis_url, "rate_limit_generation": 0}
    )
    statuses: Counter[int] = Counter()
    failures: dict[str, str] = {}
    unsatisfiable: list[str] = []
    with live_api(app_settings) as base_url:
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 10
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @given(case=operation.as_strategy(generation_mode=mode))
                @hypothesis_settings(
                    max_examples=MAX_EXAMPLES,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                def run(case: schemathesis.Case) -> None:
                    response = case.call_and_validate(timeout=30, excluded_checks=EXCLUDED)
                    statuses[response.status_code] += 1

                try:
                    run()
                except Unsatisfiable:
                    # No parameter can be made invalid (e.g. /ping, or only a free-form string path).
                    assert mode == GenerationMode.NEGATIVE, operation.label
                    unsatisfiable.append(operation.label)
                except Exception as exc:
                    failures[f"{operation.label} ({mode.value})"] = f"{type(exc).__name__}: {exc}"[:2000]
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
    assert not [s for s in statuses if s >= 500]
    assert len(unsatisfiable) <= 5, unsatisfiable
    assert sum(statuses.values()) >= 10 * MAX_EXAMPLES
    print(f"schemathesis: {sum(statuses.values())} calls, statuses {dict(sorted(statuses.items()))}")
