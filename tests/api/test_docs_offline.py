"""/docs and /redoc render in a real browser with every other host unreachable (Debian's Chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.components import missing_component
from tests.servers import uvicorn

pytestmark = pytest.mark.slow
# Every host name resolves to nothing, except this machine: a page needing a CDN cannot load it.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


@pytest.fixture
def api(tmp_path: Path, redis_url: str) -> Iterator[str]:
    """uvicorn on a free port (no snapshot needed: the docs are the schema)."""
    env = {**os.environ, "REDIS_URL": redis_url, "SERVING_DIR": str(tmp_path / "serving")}
    with uvicorn(env) as base:
        yield base


def rendered(url: str, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran, in headless Chromium with other hosts unreachable."""
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        missing_component("chromium is not installed (apt-get install chromium): cannot render /docs")
    run = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         OFFLINE, "--virtual-time-budget=15000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_swagger_ui_renders_offline(api: str, tmp_path: Path) -> None:
    dom = rendered(f"{api}/docs", tmp_path)
    for path in (
        "/api/{game}/quick-stats",
        "/api/{game}/generate-advanced",
        "/api/{game}/performance-metrics",
    ):
        assert f'data-path="{path}"' in dom, path


def test_redoc_renders_offline(api: str, tmp_path: Path) -> None:
    dom = rendered(f"{api}/redoc", tmp_path)
    assert "Quick statistics of a window" in dom
    assert "Queue a generation of grids" in dom
