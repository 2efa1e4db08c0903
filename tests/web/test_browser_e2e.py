"""The web app end to end in Debian's Chromium: Playwright (web/e2e) against a real uvicorn and a real
Celery worker on the shipped data. The browser tests live with the app; this runs them like a user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from tests.components import missing_component
from tests.generation.conftest import Worker, generation_settings
from tests.servers import uvicorn
from tests.serving_fixtures import PROJECT_ROOT, Published

pytestmark = pytest.mark.slow
WEB = PROJECT_ROOT / "web"


def _needs() -> tuple[str, str]:
    """npx and Chromium, and a built app (scripts/test.sh builds it)."""
    if not (WEB / "package.json").is_file():
        pytest.skip("no web app in this tree")
    npx = shutil.which("npx")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if npx is None:
        missing_component("Node.js (npx) is not installed: cannot run the browser tests")
    if chromium is None:
        missing_component(
            "chromium is not installed (apt-get install chromium): cannot run the browser tests"
        )
    if not (WEB / "dist" / "index.html").is_file() or not (WEB / "node_modules").is_dir():
        missing_component("the web app is not built: run scripts/test.sh (npm ci && npm run build in web/)")
    return npx, chromium


@pytest.fixture
def platform(published: Published, redis_url: str, tmp_path: Path) -> Iterator[str]:
    """uvicorn serving the built app and the API, and one Celery worker; yields the base URL."""
    settings: Settings = generation_settings(published, redis_url, f"lotostats.test.{uuid.uuid4().hex[:8]}")
    worker = Worker(settings, tmp_path / "worker.log")
    worker.start()
    env = {
        **os.environ,
        "REDIS_URL": settings.redis_url,
        "CELERY_BROKER_URL": settings.celery_broker_url,
        "CELERY_RESULT_BACKEND": settings.celery_result_backend,
        "CELERY_QUEUE": settings.celery_queue,
        "SERVING_DIR": str(settings.serving_dir),
        "WEB_DIST_DIR": str(WEB / "dist"),
        "REPORTS_DIR": str(tmp_path / "reports"),
        "API_BUDGET_GENERATION_GRIDS": "0",
    }
    try:
        with uvicorn(env, tmp_path / "api.log") as base:
            yield base
    finally:
        worker.stop()


def test_web_app_in_chromium(platform: str) -> None:
    """Statistiques equal the API, a live progress bar, 422 reasons by their field, the strategies,
    no console error, axe-core, same origin only, screenshots at 1440 and 390 px (web/e2e/artifacts)."""
    npx, chromium = _needs()
    env = {
        **os.environ,
        "LOTOSTATS_BASE_URL": platform,
        "CHROMIUM": chromium,
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
    }
    run = subprocess.run(
        [npx, "playwright", "test"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(run.stdout[-6000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
