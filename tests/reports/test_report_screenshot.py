"""The weekly report as a browser shows it: Debian's headless Chromium, desktop and phone widths."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from lottery.games import Game
from reporting.data import build_report_data
from reporting.files import write_report
from tests.components import missing_component
from tests.conftest import ShippedWarehouse
from tests.serving_fixtures import PROJECT_ROOT

pytestmark = pytest.mark.slow


def chromium() -> str:
    """The Chromium binary (CHROMIUM, else chromium on PATH); skips locally, fails under CI."""
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        missing_component("chromium is not installed (apt-get install chromium): cannot render the report")
    return binary


@pytest.mark.parametrize(("game", "size"), [(Game.EUROMILLIONS, "1280,2400"), (Game.LOTO, "390,2400")])
def test_report_renders_in_chromium(
    shipped_warehouse: ShippedWarehouse, tmp_path: Path, game: Game, size: str
) -> None:
    """Every chart decodes, the page is not blank and is no wider than the window (phone included)."""
    binary = chromium()
    with duckdb.connect(str(shipped_warehouse.path), read_only=True) as con:
        paths = write_report(build_report_data(con, game), tmp_path / "reports")
    png = tmp_path / f"{game.value}.png"
    run = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "screenshot_report.py"), str(paths["html"]),
         "--out", str(png), "--window-size", size, "--chromium", binary],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"OK {png}" in run.stdout
    assert png.stat().st_size > 10_000
