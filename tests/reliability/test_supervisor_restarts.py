"""The supervisor's restart rules on real child processes: backoff, a cap, then it gives up on that one."""

from __future__ import annotations

import os
import sys
import time

import pytest

from tests.reliability.test_platform_start import load_supervisor


def test_a_service_that_keeps_dying_is_restarted_with_backoff_then_given_up_the_rest_keeps_running(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit code 3 at once: restarted `limit` times with doubling delays, then left down; `sleep` runs on."""
    supervise = load_supervisor()
    platform = supervise.Platform()
    platform.policy = supervise.RestartPolicy(
        backoff_s=0.1, backoff_max_s=0.3, limit=3, window_s=60, grace_s=2
    )
    crashing = supervise.Service("crashing", [sys.executable, "-c", "import sys; sys.exit(3)"])
    steady = supervise.Service("steady", ["sleep", "120"])
    platform.services = [crashing, steady]
    for service in platform.services:
        service.start(platform.env)
    steady_pid = steady.proc.pid
    try:
        deadline = time.monotonic() + 60
        while not crashing.given_up and time.monotonic() < deadline:
            platform.supervise(time.monotonic())
            time.sleep(0.05)
        out = capsys.readouterr().out
        assert crashing.given_up, out
        assert len(crashing.deaths) == 4
        assert "died unexpectedly: exit code 3 after running" in out
        delays = [line.rsplit(", ", 1)[1] for line in out.splitlines() if "died unexpectedly" in line]
        assert delays == ["in 0.1 s", "in 0.2 s", "in 0.3 s"]
        assert out.count("restarted crashing") == 3
        assert "GIVING UP on crashing: it died 4 times within 60 s" in out
        # Given up on: no more restarts, and the other service was never touched.
        for _ in range(10):
            platform.supervise(time.monotonic())
        assert "restarted crashing" not in capsys.readouterr().out
        assert steady.running
        assert steady.proc.pid == steady_pid
    finally:
        platform.shutdown()
    assert not steady.group_alive()


def test_a_killed_service_is_restarted_after_its_group_leftovers_are_gone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """kill -9 of a leader with a child: the child (its group) is stopped before the new one starts."""
    supervise = load_supervisor()
    platform = supervise.Platform()
    platform.policy = supervise.RestartPolicy(backoff_s=0.1, backoff_max_s=1, limit=3, window_s=60, grace_s=5)
    script = "import subprocess, time; subprocess.Popen(['sleep', '120']); time.sleep(120)"
    service = supervise.Service("parent", [sys.executable, "-c", script])
    platform.services = [service]
    service.start(platform.env)
    first = service.proc
    try:
        time.sleep(0.5)  # the child is started
        first.kill()
        first.wait()
        assert service.group_alive()  # its `sleep` child lives on in its group
        deadline = time.monotonic() + 30
        while service.proc is first and time.monotonic() < deadline:
            platform.supervise(time.monotonic())
            time.sleep(0.05)
        out = capsys.readouterr().out
        assert service.proc is not first, out
        assert "died unexpectedly: killed by SIGKILL after running" in out
        assert service.running
        with pytest.raises(ProcessLookupError):  # nothing is left of the first group
            os.killpg(first.pid, 0)
    finally:
        platform.shutdown()
    assert not service.group_alive()
