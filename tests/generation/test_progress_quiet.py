"""The worker's progress callback (api.tasks.Heartbeat): no report in the first moments after the
claim (no poll could see them, and the record cannot go overdue in them), every report after them,
and past them a last check of the record before the result is stored."""

from __future__ import annotations

import time
import uuid

import pytest

from api.tasks import Heartbeat, JobAbandonedError, WorkerContext
from config.settings import Settings
from serving.jobs import JobDeadlines


def claimed(ctx: WorkerContext) -> tuple[str, str]:
    """A job recorded and claimed as the API and a worker do it; its id and claim token."""
    task_id, token = str(uuid.uuid4()), uuid.uuid4().hex
    ctx.jobs.create(task_id, "euromillions", "random", 10, queued_ttl_s=60)
    assert ctx.jobs.claim(task_id, token, ctx.deadlines) == "claimed"
    return task_id, token


def test_a_job_within_the_quiet_time_writes_no_report_at_all(gen_settings: Settings) -> None:
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    after_claim = ctx.jobs.reports(task_id)
    progress = Heartbeat(ctx, task_id, token, quiet_s=60)
    for done in range(1, 11):
        progress(done, 10)
    progress.before_result()
    record = ctx.jobs.get(task_id)
    assert record is not None
    assert (ctx.jobs.reports(task_id), record.state, record.done) == (after_claim, "STARTED", 0)
    assert ctx.jobs.finish(task_id, token, "SUCCESS", ctx.deadlines) == "SUCCESS"
    assert ctx.jobs.get(task_id).done == 10  # type: ignore[union-attr]


def test_the_quiet_time_is_at_most_half_the_heartbeat_timeout(gen_settings: Settings) -> None:
    """With a heartbeat timeout shorter than twice the quiet time, a report still comes before it."""
    ctx = WorkerContext(gen_settings.model_copy(update={"job_heartbeat_timeout_s": 1.0}))
    task_id, token = claimed(ctx)
    after_claim = ctx.jobs.reports(task_id)
    progress = Heartbeat(ctx, task_id, token, quiet_s=60)
    time.sleep(0.55)
    progress(1, 10)
    assert ctx.jobs.reports(task_id) == after_claim + 1


def test_after_the_quiet_time_every_report_and_the_end_are_written(gen_settings: Settings) -> None:
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    after_claim = ctx.jobs.reports(task_id)
    progress = Heartbeat(ctx, task_id, token, quiet_s=0.05)
    time.sleep(0.06)
    for done in range(1, 11):
        progress(done, 10)
    record = ctx.jobs.get(task_id)
    assert record is not None
    assert (ctx.jobs.reports(task_id), record.done) == (after_claim + 9, 9)  # the end waits
    progress.before_result()
    record = ctx.jobs.get(task_id)
    assert record is not None
    assert (ctx.jobs.reports(task_id), record.state, record.done) == (after_claim + 10, "PROGRESS", 10)


def test_a_job_finished_meanwhile_stops_the_run_at_its_next_report(gen_settings: Settings) -> None:
    """After the quiet time, a report checks the record: a finished job stops the run."""
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    progress = Heartbeat(ctx, task_id, token, quiet_s=0.01)
    ctx.jobs.finish(task_id, token, "FAILURE", JobDeadlines.from_settings(gen_settings), "stopped")
    time.sleep(0.02)
    with pytest.raises(JobAbandonedError):
        progress(5, 10)


def test_a_job_failed_meanwhile_is_caught_before_its_result(gen_settings: Settings) -> None:
    """All reports made within the quiet time, then the worker stalls past it (a frozen VM) while
    the job is failed: the check before the result stops the run."""
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    progress = Heartbeat(ctx, task_id, token, quiet_s=0.05)
    for done in range(1, 11):
        progress(done, 10)
    ctx.jobs.finish(task_id, token, "FAILURE", JobDeadlines.from_settings(gen_settings), "worker lost")
    time.sleep(0.06)
    with pytest.raises(JobAbandonedError):
        progress.before_result()


def test_a_job_finished_within_the_quiet_time_keeps_its_outcome(gen_settings: Settings) -> None:
    """A run that made no report keeps going, but its end never replaces the outcome told."""
    ctx = WorkerContext(gen_settings)
    task_id, token = claimed(ctx)
    deadlines = JobDeadlines.from_settings(gen_settings)
    ctx.jobs.finish(task_id, token, "FAILURE", deadlines, "stopped")
    progress = Heartbeat(ctx, task_id, token, quiet_s=60)
    progress(10, 10)
    progress.before_result()  # within the quiet time: nothing checked, nothing raised
    assert ctx.jobs.finish(task_id, token, "SUCCESS", deadlines) == "FAILURE"
    record = ctx.jobs.get(task_id)
    assert record is not None
    assert (record.state, record.error) == ("FAILURE", "stopped")
