"""A generation is counted in the day's metrics by the call that writes its outcome, in the same
script (serving.job_scripts.FINISH): once, and only with the outcome its record tells."""

from __future__ import annotations

import uuid

import redis

from config.settings import Settings
from serving.jobs import GenerationCount, JobDeadlines, JobStore, generation_stats


def claimed(jobs: JobStore, deadlines: JobDeadlines) -> tuple[str, str]:
    task_id, token = str(uuid.uuid4()), uuid.uuid4().hex
    jobs.create(task_id, "euromillions", "gap_based", 10, queued_ttl_s=60)
    assert jobs.claim(task_id, token, deadlines) == "claimed"
    return task_id, token


def stats(client: redis.Redis, strategy: str) -> dict[str, object]:
    return generation_stats(client, 1, [strategy])[strategy]


def test_success_is_counted_once_with_its_grids_and_duration(gen_settings: Settings) -> None:
    client = redis.Redis.from_url(gen_settings.redis_url)
    jobs, deadlines = JobStore(client, 300), JobDeadlines.from_settings(gen_settings)
    strategy = f"s{uuid.uuid4().hex[:6]}"  # counters of its own
    task_id, token = claimed(jobs, deadlines)
    done = GenerationCount(strategy, 10, 0.0123)
    assert jobs.finish(task_id, token, "SUCCESS", deadlines, generation=done) == "SUCCESS"
    assert jobs.finish(task_id, token, "SUCCESS", deadlines, generation=done) == "SUCCESS"  # refused
    assert stats(client, strategy) == {
        "generations": 1,
        "failed": 0,
        "grids": 10,
        "p50_ms": 12.3,
        "p95_ms": 12.3,
    }


def test_failure_is_counted_as_failed(gen_settings: Settings) -> None:
    client = redis.Redis.from_url(gen_settings.redis_url)
    jobs, deadlines = JobStore(client, 300), JobDeadlines.from_settings(gen_settings)
    strategy = f"s{uuid.uuid4().hex[:6]}"
    task_id, token = claimed(jobs, deadlines)
    jobs.finish(
        task_id, token, "FAILURE", deadlines, "bad window", generation=GenerationCount(strategy, 0, 0.001)
    )
    assert (stats(client, strategy)["generations"], stats(client, strategy)["failed"]) == (0, 1)


def test_an_outcome_not_written_is_not_counted(gen_settings: Settings) -> None:
    """A job failed meanwhile (worker lost), then the worker's SUCCESS comes: no generation counted;
    nor for a claim that is not this worker's."""
    client = redis.Redis.from_url(gen_settings.redis_url)
    jobs, deadlines = JobStore(client, 300), JobDeadlines.from_settings(gen_settings)
    strategy = f"s{uuid.uuid4().hex[:6]}"
    lost, token = claimed(jobs, deadlines)
    jobs.finish(lost, token, "FAILURE", deadlines, "worker lost")
    assert (
        jobs.finish(lost, token, "SUCCESS", deadlines, generation=GenerationCount(strategy, 10, 0.01))
        == "FAILURE"
    )
    other, _ = claimed(jobs, deadlines)
    jobs.finish(other, "not-the-claim", "SUCCESS", deadlines, generation=GenerationCount(strategy, 10, 0.01))
    assert stats(client, strategy) == {
        "generations": 0,
        "failed": 0,
        "grids": 0,
        "p50_ms": None,
        "p95_ms": None,
    }


def test_metrics_keys_expire(gen_settings: Settings) -> None:
    client = redis.Redis.from_url(gen_settings.redis_url)
    jobs, deadlines = JobStore(client, 300), JobDeadlines.from_settings(gen_settings)
    counted = GenerationCount(f"s{uuid.uuid4().hex[:6]}", 3, 0.002)
    task_id, token = claimed(jobs, deadlines)
    jobs.finish(task_id, token, "SUCCESS", deadlines, generation=counted)
    assert all(client.ttl(key) > 0 for key in counted.metric_keys())
