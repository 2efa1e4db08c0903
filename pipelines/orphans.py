"""Runs whose process died (``kill -9``, a crash, a power cut) are marked FAILURE instead of STARTED forever.

Dagster's run monitoring (``run_monitoring`` in dagster.yaml, run by the daemon) fails runs stuck in
STARTING or CANCELING, and any run past ``max_runtime_seconds``; but it asks the *run launcher*
whether a STARTED run's worker is alive, and the ``DefaultRunLauncher`` of ``dagster dev`` cannot
answer (``supports_check_run_worker_health`` is False), nor can anything for runs executed by
``dagster asset materialize``. So a STARTED run whose process was killed would stay STARTED until
the runtime limit.

Here: every run executed in process records ``Executing steps in process (pid: N)``. A STARTED or
CANCELING run whose last recorded pid is not a live process on this machine is orphaned, and is
reported failed through the instance API (which also fires the run-failure sensors: an inbox
file goes to ``rejected/``). This only runs on a single-machine instance (SQLite run storage): with
PostgreSQL, runs may live on other machines, and run monitoring's runtime limit is the backstop.
Called by the ``orphaned_run_sensor`` (every minute) and by the platform start before Dagster runs.
"""

from __future__ import annotations

import os

import dagster as dg

CHECKED = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
SINGLE_HOST_STORAGES = {"SqliteRunStorage", "InMemoryRunStorage"}


def single_host(instance: dg.DagsterInstance) -> bool:
    """Whether every run of this instance runs on this machine (its run storage is local)."""
    return type(instance.run_storage).__name__ in SINGLE_HOST_STORAGES


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists here (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True  # no /proc (macOS): kill(0) said it exists


def run_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The process that executes a run's steps, from its engine events (None if not recorded yet)."""
    pid = None
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        data = event.engine_event_data if event is not None else None
        value = data.metadata.get("pid") if data is not None else None
        if value is not None and str(value.value).isdigit():
            pid = int(value.value)
    return pid


def fail_orphaned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Report FAILURE for every STARTED/CANCELING run whose process is gone; returns their run ids."""
    if not single_host(instance):
        return []
    failed = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=CHECKED)):
        pid = run_pid(instance, run.run_id)
        if pid is None or pid_alive(pid):
            continue
        fresh = instance.get_run_by_id(run.run_id)
        if fresh is None or fresh.status not in CHECKED:
            continue  # it finished while we looked
        instance.report_run_failed(
            fresh,
            f"The process of this run (pid {pid}) is gone (killed or crashed) while the run was "
            f"{fresh.status.value}: marked FAILURE by lotostats' orphaned-run check.",
        )
        failed.append(run.run_id)
    return failed
