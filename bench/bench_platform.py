"""The main command from cold: `scripts/run.sh` to "all services up", next to the materialisation alone.

    .venv/bin/python -m bench.bench_platform [--timeout 300]

Both run in the same invocation, each in a fresh temporary folder (warehouse, serving snapshot,
Dagster home, inbox, reports), against the Redis of REDIS_URL on databases 13-15 (cache, broker,
results), so nothing of a running deployment is touched:

* baseline: ``dagster asset materialize -m pipelines.definitions --select '*'``, the first
  materialisation of every asset from the shipped data, which the main command also does;
* ``scripts/run.sh`` from its start to the line "all services up" (installation already done: the
  stamp in .venv matches the lock), then Ctrl-C (SIGINT) to "every service stopped".

Target: all services up in under 90 s. Prints the README's table and writes
bench/results/bench_platform.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Column, Measure, Report, Target, add_results_argument, free_port, ratio
from config.settings import PROJECT_ROOT

TARGET_S = 90.0


def _env(folder: Path) -> dict[str, str]:
    server = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return {
        **os.environ,
        "WAREHOUSE_PATH": str(folder / "warehouse.duckdb"),
        "SERVING_DIR": str(folder / "serving"),
        "DAGSTER_HOME": str(folder / "dagster"),
        "INBOX_DIR": str(folder / "inbox"),
        "REPORTS_DIR": str(folder / "reports"),
        "REDIS_URL": f"{server}/13",
        "CELERY_BROKER_URL": f"{server}/14",
        "CELERY_RESULT_BACKEND": f"{server}/15",
        "DAGSTER_PORT": str(free_port()),
        "API_PORT": str(free_port()),
    }


def materialise(folder: Path) -> float:
    """Seconds for the CLI to materialise every asset into an empty warehouse."""
    env = _env(folder)
    (folder / "dagster").mkdir(parents=True)
    (folder / "dagster" / "dagster.yaml").write_bytes((PROJECT_ROOT / "deploy" / "dagster.yaml").read_bytes())
    dagster = str(Path(sys.executable).parent / "dagster")
    start = time.perf_counter()
    subprocess.run(
        [dagster, "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
        env=env, cwd=PROJECT_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


def _wait_for(log: Path, text: bytes, proc: subprocess.Popen[bytes], timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in log.read_bytes():
            return time.perf_counter() - start
        if proc.poll() is not None:
            raise SystemExit(
                f"the main command exited ({proc.returncode}); log tail:\n{log.read_text()[-3000:]}"
            )
        time.sleep(0.1)
    raise SystemExit(f"no {text!r} within {timeout} s; log tail:\n{log.read_text()[-3000:]}")


def platform(folder: Path, timeout: float) -> tuple[float, float]:
    """Seconds from `scripts/run.sh` to "all services up", and from SIGINT to every process gone."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "platform.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            ["bash", str(PROJECT_ROOT / "scripts" / "run.sh")],
            env=_env(folder), cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            up = _wait_for(log, b"all services up", proc, timeout)
            start = time.perf_counter()
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
            down = time.perf_counter() - start
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    return up, down


def main(argv: list[str] | None = None) -> None:
    """Time the materialisation alone, then the main command, and print them with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0, help="give up waiting after this long")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_platform", "Platform", args, argv)
    with tempfile.TemporaryDirectory(prefix="lotostats-bench-") as tmp:
        base = materialise(Path(tmp) / "cli")
        up, down = platform(Path(tmp) / "platform", args.timeout)
    table = report.table(
        Column("case", "left"), Column("seconds"), Column("vs baseline"), Column("target", "left")
    )
    table.add(
        "`dagster asset materialize --select '*'`, empty warehouse (baseline)",
        Measure(base, "s", 1, display="s"),
        ratio(1.0, 0),
        None,
    )
    table.add(
        '`scripts/run.sh` to "all services up" (first materialisation, UI, daemon, API, worker)',
        Measure(up, "s", 1, display="s"),
        ratio(up / base, 1),
        Target.check(up, "<", Measure(TARGET_S, "s", 0, display="s")),
    )
    table.add(
        "Ctrl-C to every service stopped", Measure(down, "s", 1, display="s"), ratio(down / base, 2), None
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
