"""Schemathesis's own CLI over the OpenAPI schema, against a real server, Redis and serving snapshot.

Every operation, every phase (the schema's examples, the coverage phase's boundary and negative
values, Hypothesis fuzzing, stateful sequences through the links), valid and invalid data
(``--mode all``), every check: no 5xx and every answer as documented (status, content type,
headers, body). Bounded: ``MAX_EXAMPLES`` per operation and phase, no example database, a fixed
seed. The server's own request counter is read afterwards: it must show no 5xx either.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from config.settings import Settings
from tests.api.live import live_api

pytestmark = pytest.mark.slow  # the whole API driven by Schemathesis, about 1,000 requests

MAX_EXAMPLES = int(os.environ.get("LOTOSTATS_SCHEMATHESIS_EXAMPLES", "15"))
NO_BUDGETS = {"api_budget_generation_grids": 0, "api_budget_check_cells": 0, "api_budget_wheel_ms": 0}
# Cross-field rules (month needs a year, from <= to, a window must hold draws, exclusions leave enough
# balls) cannot be written in OpenAPI: a schema-valid request may rightly get 422/404. Every other
# check runs, including that invalid data is rejected with a 4xx.
EXCLUDED = "positive_data_acceptance"
REQUESTS = re.compile(
    r'^lotostats_http_requests_total\{method="(\w+)",route="([^"]*)",status="(\d+)"\} (\S+)$', re.M
)


@pytest.mark.timeout(900)
def test_api_conforms_to_its_schema_and_never_5xx(settings: Settings, tmp_path: Path) -> None:
    """``schemathesis run`` with every phase and mode passes; the server counted no 5xx."""
    # Generations queue into the flushed cache database (no worker reads it); no budgets here.
    app_settings = settings.model_copy(update={"celery_broker_url": settings.redis_url, **NO_BUDGETS})
    with live_api(app_settings) as base_url:
        run = subprocess.run(
            [
                sys.executable, "-m", "schemathesis.cli", "run", f"{base_url}/openapi.json",
                "--phases", "examples,coverage,fuzzing,stateful",
                "--mode", "all",
                "--checks", "all",
                "--exclude-checks", EXCLUDED,
                "--max-examples", str(MAX_EXAMPLES),
                "--seed", "20261203",
                "--generation-database", "none",
                "--workers", "2",
                "--request-timeout", "30",
                "--suppress-health-check", "all",
                "--no-color",
                "--report", "junit",
                "--report-dir", str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=840,
            cwd=tmp_path,  # its run cache (.schemathesis/) stays out of the project
            check=False,
        )  # fmt: skip
        metrics = httpx.get(f"{base_url}/metrics", timeout=10).text
    counted = [(m, r, int(s), float(n)) for m, r, s, n in REQUESTS.findall(metrics)]
    calls = sum(n for *_, n in counted)
    server_errors = [(m, r, s, n) for m, r, s, n in counted if s >= 500]
    tail = run.stdout[-6000:]
    assert run.returncode == 0, f"schemathesis failed (exit {run.returncode}):\n{tail}\n{run.stderr[-2000:]}"
    assert not server_errors, server_errors
    assert calls >= 20 * MAX_EXAMPLES, f"only {calls} requests reached the server"
    print(
        f"schemathesis: {int(calls)} requests, statuses {sorted({s for *_, s, _ in counted})}\n{tail[-1500:]}"
    )
