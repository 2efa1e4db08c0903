"""Job outcomes are final and monotonic: killed workers (solo and prefork), redelivery, deadlines.

Workers are real processes killed with SIGKILL; deadlines and the broker's visibility timeout are
set to seconds so that what would take minutes in production happens inside each test.
"""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery.result import AsyncResult
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from serving.jobs import STATE_RANK, JobDeadlines, JobStore, job_key
from tests.generation.conftest import Worker, generation_settings
from tests.serving_fixtures import Published

pytestmark = pytest.mark.slow
BIG = {"strategy": "combination_based", "count": 10_000}


def reported(api: TestClient, game: str, task_id: str) -> dict[str, Any]:
    """One task-status answer (never a 5xx)."""
    response = api.get(f"/api/{game}/task-status/{task_id}")
    assert response.status_code in (200, 404), response.text
    return response.json() if response.status_code == 200 else {"state": "404"}


class History:
    """Every state task-status reported for some jobs, checked for monotonicity as it grows."""

    def __init__(self, api: TestClient, game: str = "euromillions") -> None:
        self.api = api
        self.game = game
        self.seen: dict[str, list[dict[str, Any]]] = {}

    def poll(self, *task_ids: str) -> dict[str, dict[str, Any]]:
        """Ask for each job once; fail at once if a state went backwards or a final state changed."""
        now = {}
        for task_id in task_ids:
            body = reported(self.api, self.game, task_id)
            seen = self.seen.setdefault(task_id, [])
            if seen:
                last = seen[-1]
                assert body["state"] != "404", f"{task_id} vanished after {last}"
                if last["state"] in ("SUCCESS", "FAILURE"):
                    assert (body["state"], body.get("error")) == (last["state"], last.get("error")), (
                        f"{task_id}: final {last['state']} became {body}"
                    )
                assert STATE_RANK[body["state"]] >= STATE_RANK[last["state"]], f"{last} -> {body}"
                assert body["progress"]["done"] >= last["progress"]["done"], f"{last} -> {body}"
            seen.append(body)
            now[task_id] = body
        return now

    def until(
        self,
        done: Callable[[dict[str, dict[str, Any]]], bool],
        timeout: float,
        *ids: str,
        every: float = 0.05,
    ) -> None:
        """Poll every ``every`` s until ``done`` holds for the latest answers; fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self.poll(*ids)):
                return
            time.sleep(every)
        raise AssertionError(f"not reached in {timeout} s: { {i: self.seen[i][-1] for i in ids} }")


def unacked_ids(broker: redis.Redis) -> set[str]:
    """Task ids of the messages the broker holds as delivered but not acknowledged."""
    return {json.loads(v)[0]["headers"]["id"] for v in broker.hgetall("unacked").values()}


def child_of(worker: Worker) -> int:
    """The pid of the prefork worker's (only) pool process."""
    assert worker.proc is not None
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == worker.proc.pid:
            return int(stat.parent.name)
    raise AssertionError("the prefork worker has no child process")


def keys_without_ttl(client: redis.Redis) -> list[bytes]:
    """Keys of the cache database that would live forever."""
    return [k for k in client.scan_iter("*") if client.ttl(k) == -1]


def submit(api: TestClient, body: dict[str, Any] = BIG) -> str:
    """Queue one generation; its task id."""
    response = api.post("/api/euromillions/generate-advanced", json=body)
    assert response.status_code == 202, response.text
    return response.json()["task_id"]


def freeze_mid_task(worker: Worker, client: redis.Redis, task_id: str) -> bool:
    """SIGSTOP the worker once the job runs; False if the job had finished already."""
    deadline = time.monotonic() + 30
    while client.hget(job_key(task_id), "state") not in (b"STARTED", b"PROGRESS", b"SUCCESS"):
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.001)
    worker.pause()
    return client.hget(job_key(task_id), "state") in (b"STARTED", b"PROGRESS")


@pytest.fixture
def fast(published: Published, redis_url: str, request: pytest.FixtureRequest) -> Settings:
    """Deadlines of seconds (heartbeat 2 s, queue 30 s, visibility 3 s), or the test's parameter."""
    deadlines = {
        "job_heartbeat_timeout_s": 2.0,
        "job_queue_timeout_s": 30.0,
        "celery_visibility_timeout_s": 3,
        **getattr(request, "param", {}),
    }
    return generation_settings(published, redis_url, f"lotostats.test.{uuid.uuid4().hex[:8]}", **deadlines)


@pytest.fixture
def fast_api(fast: Settings) -> Iterator[TestClient]:
    """The app with those deadlines."""
    with TestClient(create_app(fast)) as client:
        yield client


def test_solo_worker_killed_mid_task_failure_is_final_although_the_message_comes_back(
    fast: Settings, fast_api: TestClient, tmp_path: Path
) -> None:
    """Solo pool: the running message is unacknowledged; kill -9; FAILURE; redelivered; refused."""
    client = redis.Redis.from_url(fast.redis_url)
    broker = redis.Redis.from_url(fast.celery_broker_url)
    history = History(fast_api)
    for attempt in range(5):
        worker = Worker(fast, tmp_path / f"first{attempt}.log")
        worker.start()
        task_id = submit(fast_api)
        if freeze_mid_task(worker, client, task_id):
            # The solo pool acknowledges after the task: its message is still held for redelivery.
            assert task_id in unacked_ids(broker)
            worker.kill()
            break
        worker.kill()
    else:
        pytest.fail("every generation finished before the worker could be frozen")
    reports = JobStore(client, 300).reports(task_id)
    history.until(lambda s: s[task_id]["state"] == "FAILURE", 60, task_id)
    assert "worker lost" in history.seen[task_id][-1]["error"]

    second = Worker(fast, tmp_path / "second.log")
    second.start()
    try:
        later = submit(fast_api, {"count": 50})
        refused = f"generation {task_id} not run: job record is terminal"
        history.until(
            lambda s: refused in second.log_text() and s[later]["state"] == "SUCCESS", 60, task_id, later
        )
        # The redelivered message was taken and refused; keep watching a little longer.
        hold = time.monotonic() + 3
        while time.monotonic() < hold:
            history.poll(task_id)
            time.sleep(0.1)
    finally:
        second.stop()
    assert f"Task lotostats.generate_grids[{task_id}] received" in second.log_text()
    assert JobStore(client, 300).reports(task_id) == reports  # nothing ran it again
    assert AsyncResult(task_id, app=fast_api.app.state.lotostats.celery).state == "PENDING"  # nothing stored
    assert task_id not in unacked_ids(broker)
    assert keys_without_ttl(client) == []


@pytest.mark.parametrize(
    "fast", [{"celery_visibility_timeout_s": 10, "job_queue_timeout_s": 6.0}], indirect=True
)
def test_prefork_worker_killed_with_reserved_tasks_they_fail_at_the_queue_deadline_and_stay_failed(
    fast: Settings, fast_api: TestClient, tmp_path: Path
) -> None:
    """Prefork: kill -9 of the whole worker; running job FAILURE (worker lost); its reserved and
    queued jobs FAILURE at the queue deadline (6 s); a new worker gets them back and refuses them."""
    client = redis.Redis.from_url(fast.redis_url)
    broker = redis.Redis.from_url(fast.celery_broker_url)
    history = History(fast_api)
    worker = Worker(fast, tmp_path / "first.log", pool="prefork", concurrency=1)
    worker.start()
    running, reserved, queued = submit(fast_api), submit(fast_api), submit(fast_api)
    deadline = time.monotonic() + 60
    while reserved not in unacked_ids(broker):  # the main process holds it while the child works
        assert time.monotonic() < deadline, "the worker never reserved the second job"
        time.sleep(0.001)
    assert freeze_mid_task(worker, client, running), "the first job ended before the worker froze"
    worker.kill()
    assert reserved in unacked_ids(broker)
    assert broker.llen(fast.celery_queue) == 1  # the third is still queued

    history.until(lambda s: s[running]["state"] == "FAILURE", 60, running, reserved, queued)
    assert "worker lost" in history.seen[running][-1]["error"]
    assert history.seen[reserved][-1]["state"] == "PENDING"
    history.until(
        lambda s: s[reserved]["state"] == s[queued]["state"] == "FAILURE", 60, running, reserved, queued
    )
    for task_id in (reserved, queued):
        assert "not started in time" in history.seen[task_id][-1]["error"]

    second = Worker(fast, tmp_path / "second.log", pool="prefork", concurrency=1)
    second.start()
    try:
        # The running job's message was acknowledged when it started: it never comes back.
        refused = [f"generation {t} not run: job record is terminal" for t in (reserved, queued)]
        history.until(lambda s: all(r in second.log_text() for r in refused), 30, running, reserved, queued)
    finally:
        second.stop()
    app = fast_api.app.state.lotostats.celery
    assert [AsyncResult(t, app=app).state for t in (running, reserved, queued)] == ["PENDING"] * 3
    assert unacked_ids(broker) == set()
    assert keys_without_ttl(client) == []


@pytest.mark.parametrize("fast", [{"job_heartbeat_timeout_s": 30.0}], indirect=True)
def test_prefork_child_killed_is_failure_without_waiting_for_the_heartbeat(
    fast: Settings, fast_api: TestClient, tmp_path: Path
) -> None:
    """Only the child dies (as the OOM killer would do): the parent stores WorkerLostError, which the
    API turns into FAILURE within seconds, long before the 30 s heartbeat timeout."""
    client = redis.Redis.from_url(fast.redis_url)
    history = History(fast_api)
    worker = Worker(fast, tmp_path / "worker.log", pool="prefork", concurrency=1)
    worker.start()
    try:
        for _ in range(5):
            task_id = submit(fast_api)
            deadline = time.monotonic() + 30
            while client.hget(job_key(task_id), "state") not in (b"STARTED", b"PROGRESS", b"SUCCESS"):
                assert time.monotonic() < deadline
                time.sleep(0.001)
            os.kill(child_of(worker), signal.SIGKILL)
            if client.hget(job_key(task_id), "state") != b"SUCCESS":
                break
        history.until(lambda s: s[task_id]["state"] == "FAILURE", 60, task_id)
        assert "WorkerLostError" in history.seen[task_id][-1]["error"]
        later = submit(fast_api, {"count": 20})  # the worker goes on with a new child
        history.until(lambda s: s[later]["state"] == "SUCCESS", 60, task_id, later)
    finally:
        worker.stop()


def test_a_frozen_worker_that_resumes_after_failure_stops_and_stores_nothing(
    fast: Settings, fast_api: TestClient, tmp_path: Path
) -> None:
    """Frozen longer than the heartbeat timeout (a paused VM): FAILURE; once resumed, the worker's next
    report finds the job final and it stops; no result is stored, the state never changes."""
    client = redis.Redis.from_url(fast.redis_url)
    history = History(fast_api)
    worker = Worker(fast, tmp_path / "worker.log")
    worker.start()
    try:
        for _ in range(5):
            task_id = submit(fast_api)
            if freeze_mid_task(worker, client, task_id):  # frozen, not killed yet
                break
            worker.resume()
        else:
            pytest.fail("every generation finished before the worker could be frozen")
        history.until(lambda s: s[task_id]["state"] == "FAILURE", 60, task_id)
        worker.resume()
        stopped = f"generation {task_id} stopped: job record is terminal"
        history.until(lambda s: stopped in worker.log_text(), 60, task_id)
        later = submit(fast_api, {"count": 20})  # the worker is fine and goes on
        history.until(lambda s: s[later]["state"] == "SUCCESS", 60, task_id, later)
    finally:
        worker.resume()
        worker.stop()
    assert AsyncResult(task_id, app=fast_api.app.state.lotostats.celery).state == "PENDING"


def test_heartbeat_or_finish_on_an_expired_record_creates_nothing(
    fast: Settings, fast_api: TestClient
) -> None:
    """No script writes a record it did not find; a TTL-less partial hash is 404, and gets a TTL."""
    client = redis.Redis.from_url(fast.redis_url)
    jobs = JobStore(client, 300)
    deadlines = JobDeadlines.from_settings(fast)
    jobs.create("short-lived", "euromillions", "random", 10, queued_ttl_s=60)
    assert jobs.claim("short-lived", "me", deadlines) == "claimed"
    client.pexpire(job_key("short-lived"), 20)
    time.sleep(0.1)
    assert jobs.heartbeat("short-lived", "me", 5, 10, deadlines) == "missing"
    assert jobs.finish("short-lived", "me", "SUCCESS", deadlines) == "missing"
    assert jobs.claim("short-lived", "me", deadlines) == "missing"
    assert not client.exists(job_key("short-lived"))
    assert reported(fast_api, "euromillions", "short-lived") == {"state": "404"}

    # What the old heartbeat left behind: a hash without identity fields and without a TTL.
    client.hset(job_key("legacy"), mapping={"state": "PROGRESS", "done": 5, "total": 10, "heartbeat_at": 1.0})
    response = fast_api.get("/api/euromillions/task-status/legacy")
    assert response.status_code == 404
    assert 0 < client.ttl(job_key("legacy")) <= 300
    assert jobs.heartbeat("legacy", "me", 6, 10, deadlines) == "missing"
    assert keys_without_ttl(client) == []


def test_reported_state_merges_record_and_backend_without_going_back(
    fast: Settings, fast_api: TestClient
) -> None:
    """Record PROGRESS 10000/10000 + backend PENDING is PROGRESS (was PENDING); backend SUCCESS settles
    it; a final state survives later writes from either side."""
    client = redis.Redis.from_url(fast.redis_url)
    jobs = JobStore(client, 300)
    deadlines = JobDeadlines.from_settings(fast)
    backend = fast_api.app.state.lotostats.celery.backend
    history = History(fast_api)

    jobs.create("ok-job", "euromillions", "random", 10_000, queued_ttl_s=60)
    history.poll("ok-job")
    assert jobs.claim("ok-job", "w1", deadlines) == "claimed"
    assert jobs.claim("ok-job", "w2", deadlines) == "busy"  # a duplicate delivery does not run it
    assert jobs.heartbeat("ok-job", "w1", 10_000, 10_000, deadlines) == "ok"
    assert jobs.heartbeat("ok-job", "w1", 9_000, 10_000, deadlines) == "ok"  # out of order: kept max
    assert history.poll("ok-job")["ok-job"]["state"] == "PROGRESS"
    assert history.seen["ok-job"][-1]["progress"] == {"done": 10_000, "total": 10_000}
    backend.store_result("ok-job", {"grids": [], "count": 10_000}, "SUCCESS")
    assert history.poll("ok-job")["ok-job"]["result"] == {"grids": [], "count": 10_000}
    assert jobs.finish("ok-job", "w1", "FAILURE", deadlines, "late") == "SUCCESS"
    backend.store_result("ok-job", {"grids": []}, "FAILURE")  # whatever the backend says later
    assert history.poll("ok-job")["ok-job"]["state"] == "SUCCESS"
    backend.forget("ok-job")  # the result expired: 404, never a state older than SUCCESS
    assert reported(fast_api, "euromillions", "ok-job") == {"state": "404"}

    jobs.create("lost-job", "euromillions", "random", 10, queued_ttl_s=60)
    assert jobs.claim("lost-job", "w1", deadlines) == "claimed"
    client.hset(job_key("lost-job"), "heartbeat_at", time.time() - 60)
    assert history.poll("lost-job")["lost-job"]["state"] == "FAILURE"
    assert jobs.heartbeat("lost-job", "w1", 5, 10, deadlines) == "terminal"  # the worker must stop
    backend.store_result("lost-job", {"grids": []}, "SUCCESS")  # finished after all: too late
    assert jobs.finish("lost-job", "w1", "SUCCESS", deadlines) == "FAILURE"
    assert history.poll("lost-job")["lost-job"]["state"] == "FAILURE"


def test_reported_states_are_monotonic_over_generations_of_10000_grids(
    api: TestClient, worker: Worker
) -> None:
    """Property over real runs: polled as fast as possible, no job's reported state ever goes back."""
    history = History(api)
    ids = [submit(api, {"strategy": s, "count": 10_000}) for s in ("frequency_based", "gap_based", "random")]
    history.until(lambda s: all(b["state"] == "SUCCESS" for b in s.values()), 60, *ids, every=0)
    unpolled = submit(api, {"count": 10})  # the worker itself writes SUCCESS once the result is stored
    jobs = api.app.state.lotostats.jobs
    deadline = time.monotonic() + 20
    while (job := jobs.get(unpolled)) is None or job.state != "SUCCESS":
        assert time.monotonic() < deadline, job
        time.sleep(0.01)
    assert AsyncResult(unpolled, app=api.app.state.lotostats.celery).state == "SUCCESS"
    for task_id in ids:
        states = [b["state"] for b in history.seen[task_id]]
        assert states[-1] == "SUCCESS"
        assert history.seen[task_id][-1]["progress"] == {"done": 10_000, "total": 10_000}
        # How many states a poll catches depends on the machine's load: not asserted (the order is).
