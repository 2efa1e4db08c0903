"""A run whose process is killed with kill -9 is marked FAILURE, not left STARTED (pipelines/orphans.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest

from config.settings import Settings
from pipelines.schedules import build_automation
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow  # a Dagster run in another process, killed

SLOW_RUN = textwrap.dedent(
    """
    import time
    import dagster as dg

    @dg.asset
    def slow_asset() -> None:
        print("RUNNING", flush=True)
        time.sleep(120)

    dg.materialize([slow_asset], instance=dg.DagsterInstance.get())
    """
)


def evaluate_orphan_sensor(instance: dg.DagsterInstance, tmp_path: Path) -> None:
    """One tick of the platform's orphaned-run sensor against ``instance``."""
    _, sensors = build_automation(Settings(inbox_dir=tmp_path / "inbox"))
    sensor = next(s for s in sensors if s.name == "orphaned_run_sensor")
    sensor(dg.build_sensor_context(instance=instance))


def test_killed_run_is_marked_failed_and_a_live_one_is_not(tmp_path: Path) -> None:
    """A real run in another process: alive, the sensor leaves it STARTED; after kill -9, it is FAILURE."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    # the shipped instance config loads
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_RUN],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        env={**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"RUNNING"
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert instance.run_monitoring_enabled
            (run,) = instance.get_runs()
            assert run.status == dg.DagsterRunStatus.STARTED
            evaluate_orphan_sensor(instance, tmp_path)
            assert (
                instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
            )  # alive: untouched
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            assert (
                instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
            )  # what the issue saw
            evaluate_orphan_sensor(instance, tmp_path)
            assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
            (failure,) = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
            assert f"(pid {proc.pid}) is gone" in failure.dagster_event.message
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
