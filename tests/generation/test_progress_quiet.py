"""The worker's progress callback: no intermediate report in the first moments after the claim (no
poll could see it), every report after them, and the last one (done == total) always."""

from __future__ import annotations

import time
import uuid

import pytest

from api.tasks import JobAbandonedError, WorkerContext, heartbeat
from config.settings import Settings
from serving.jobs import JobDeadlines


def claimed(ctx: WorkerContext) -> tuple[str, str]:
    """A job recorded and claimed as the API and a worker do it; its id and claim token."""
    task_id, token = str(uuid.uuid4()), uuid.uuid4().hex
    ctx.jobs.create(task_id, "euromillions", "random", 10, queued_ttl_s=60)
    assert ctx.jobs.claim(task_id, token, ctx.deadlines) == "claimed"
    return task_id, token


def test_reports_within_the_quiet_time_are_skipped_but_not_the_last(gen_settings: Settings) -> None:
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    after_claim = ctx.jobs.reports(task_id)
    progress = heartbeat(ctx, task_id, token, quiet_s=60)
    for done in range(1, 10):
        progress(done, 10)
    assert ctx.jobs.reports(task_id) == after_claim
    progress(10, 10)
    record = ctx.jobs.get(task_id)
    assert record is not None
    assert (ctx.jobs.reports(task_id), record.state, record.done) == (after_claim + 1, "PROGRESS", 10)


def test_reports_after_the_quiet_time_are_all_written(gen_settings: Settings) -> None:
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    after_claim = ctx.jobs.reports(task_id)
    progress = heartbeat(ctx, task_id, token, quiet_s=0.05)
    time.sleep(0.06)
    for done in range(1, 11):
        progress(done, 10)
    record = ctx.jobs.get(task_id)
    assert record is not None
    assert (ctx.jobs.reports(task_id), record.done) == (after_claim + 10, 10)


def test_a_job_finished_meanwhile_still_stops_the_run_at_its_last_report(gen_settings: Settings) -> None:
    """The quiet time never hides the record saying stop: the last report checks it."""
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    ctx.jobs.finish(task_id, token, "FAILURE", JobDeadlines.from_settings(gen_settings), "stopped")
    progress = heartbeat(ctx, task_id, token, quiet_s=60)
    progress(5, 10)  # skipped
    with pytest.raises(JobAbandonedError):
        progress(10, 10)
