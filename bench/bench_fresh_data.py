"""Fresh data: a new FDJ file, dropped in the inbox or downloaded, to the first cached answer (HIT).

    .venv/bin/python -m bench.bench_fresh_data [--repeat 3] [--timeout 300]

Starts the platform as `scripts/run.sh` does, in a temporary folder (warehouse, serving snapshot,
Dagster home, inbox, downloads), against the Redis of REDIS_URL on databases 13-15, with the
EuroMillions download URL pointed at a loopback HTTP server (127.0.0.1). Then, each ``--repeat`` times:

* **drop**: FDJ's newest EuroMillions export (data/fdj/euromillions/euromillions_202002.csv) with two
  more draws than the last drop, written into the inbox; timed from the write to the first
  ``GET /api/euromillions/quick-stats`` answering ``X-Cache: HIT`` with a new data_version;
* **download tick**: the loopback server serves that export with two more draws, zipped as FDJ does; the
  tick's decision (``pipelines.download.check_archive``: download, hash, look-up, staging) runs here, its
  run request is submitted to the platform's queue through the Dagster UI's GraphQL, as the schedule
  daemon submits it; timed from the tick's start to the first HIT.

Then once each: a revision of the newest draw's rank-4 prize (drop → run finished, the snapshot
republished), and the same file dropped again (nothing new: drop → run finished, steps skipped). Each
phase is read from the run's Dagster events (run created, run started, each step's start and end).
Baseline, in this process after the platform stopped: the bare ingest (``ingest_game``) of the same
dropped file into a warehouse holding the shipped data. Medians of the repetitions. Writes
bench/results/bench_fresh_data.json (see bench.common.Report).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import httpx

from bench.common import Column, Measure, Report, Target, add_results_argument, free_port, progress, ratio
from config.settings import PROJECT_ROOT, Settings
from lottery.games import Game
from pipelines.download import check_archive, download_job_name
from pipelines.schedules import INBOX_TAG
from serving.snapshot import read_manifest
from tests.pipelines.archive_server import EM_MEMBER, archive_server, fdj_zip
from tests.pipelines.new_draws import latest_euromillions, with_new_draws, with_revised_prize
from warehouse.ingest import ingest_game
from warehouse.schema import ensure_schema

DROP_TARGET_S = 15.0
TICK_TARGET_S = 20.0
NEW_PER_FILE = 2
STEPS = (
    "euromillions_draws",
    "euromillions_statistics",
    "euromillions_trends",
    "serving_snapshot",
    "cache_warm",
)
STEP_LABELS = {
    "euromillions_draws": "ingest step (read, guards, load, checks' input)",
    "euromillions_statistics": "statistics step (new windows computed, the rest reused; audit)",
    "euromillions_trends": "trends step",
    "serving_snapshot": "publish step (snapshot copy, cache pre-warm, manifest switch)",
    "cache_warm": "cache warm step",
}
LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on PipelineNotFoundError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""


def _env(folder: Path, download_url: str) -> dict[str, str]:
    server = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return {
        **os.environ,
        "WAREHOUSE_PATH": str(folder / "warehouse.duckdb"),
        "SERVING_DIR": str(folder / "serving"),
        "DAGSTER_HOME": str(folder / "dagster"),
        "INBOX_DIR": str(folder / "inbox"),
        "REPORTS_DIR": str(folder / "reports"),
        "FDJ_DOWNLOAD_DIR": str(folder / "downloads"),
        "FDJ_DOWNLOAD_URL_EUROMILLIONS": download_url,
        "FDJ_DOWNLOAD_URL_LOTO": "",
        "REDIS_URL": f"{server}/13",
        "CELERY_BROKER_URL": f"{server}/14",
        "CELERY_RESULT_BACKEND": f"{server}/15",
        "DAGSTER_PORT": str(free_port()),
        "API_PORT": str(free_port()),
    }


@dataclass
class Trip:
    """One file's way to being served: wall-clock instants (time.time()) and the run's step spans."""

    start: float
    created: float = 0.0
    run_start: float = 0.0
    run_end: float = 0.0
    served: float = 0.0
    steps: dict[str, tuple[float, float]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


class Running:
    """The platform started by `scripts/run.sh`, its instance, API and UI."""

    def __init__(self, folder: Path, env: dict[str, str], timeout: float) -> None:
        self.folder, self.env, self.timeout = folder, env, timeout
        self.log = folder / "platform.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.api = httpx.Client(base_url=f"http://127.0.0.1:{env['API_PORT']}", timeout=10)
        self.ui = f"http://127.0.0.1:{env['DAGSTER_PORT']}/graphql"
        self.instance: dg.DagsterInstance | None = None

    def __enter__(self) -> Running:
        out = self.log.open("wb")
        self.proc = subprocess.Popen(
            ["bash", str(PROJECT_ROOT / "scripts" / "run.sh")],
            env=self.env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self._wait(lambda: b"all services up" in self.log.read_bytes(), "all services up")
        self.instance = dg.DagsterInstance.from_config(self.env["DAGSTER_HOME"])
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.instance is not None:
            self.instance.dispose()
        self.api.close()

    def _wait(self, predicate, what: str) -> float:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                if predicate():
                    return time.time()
            except (httpx.HTTPError, OSError):
                pass
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise SystemExit(f"the platform exited; log tail:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.05)
        raise SystemExit(f"no {what} within {self.timeout} s; log tail:\n{self.log.read_text()[-3000:]}")

    def wait_archived(self, path: Path) -> None:
        """Until the run-status sensor has moved the previous file of that name out of the inbox (a file
        dropped under the same name before that would be archived with it)."""
        self._wait(lambda: not path.exists(), f"{path.name} archived")

    def version(self) -> str:
        """The data_version the API's quick stats answer with now."""
        return self.api.get("/api/euromillions/quick-stats").json()["data_version"]

    def wait_hit(self, old: str) -> float:
        """The instant the quick stats first answer HIT with a data_version other than ``old``."""

        def hit() -> bool:
            answer = self.api.get("/api/euromillions/quick-stats")
            return answer.headers.get("x-cache") == "HIT" and answer.json()["data_version"] != old

        return self._wait(hit, "HIT with the new data_version")

    def run_after(self, since: float, **tags: str) -> dg.DagsterRun:
        """The run created after ``since`` (and carrying ``tags``), once it has finished."""
        assert self.instance is not None
        instance = self.instance

        def finished() -> dg.DagsterRun | None:
            records = instance.get_run_records(dg.RunsFilter(tags=tags or None, created_after=_utc(since)))
            done = [r for r in records if r.dagster_run.is_finished]
            return done[0].dagster_run if done else None

        self._wait(lambda: finished() is not None, "the run's end")
        run = finished()
        assert run is not None
        if run.status != dg.DagsterRunStatus.SUCCESS:
            raise SystemExit(
                f"run {run.run_id} ended {run.status}; log tail:\n{self.log.read_text()[-3000:]}"
            )
        return run

    def trip(self, trip: Trip, run: dg.DagsterRun) -> Trip:
        """Fill ``trip`` from the run's record and events."""
        assert self.instance is not None
        record = self.instance.get_run_record_by_id(run.run_id)
        assert record is not None
        trip.created = record.create_timestamp.timestamp()
        starts: dict[str, float] = {}
        for entry in self.instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None:
                continue
            kind = event.event_type
            if kind == dg.DagsterEventType.RUN_START:
                trip.run_start = entry.timestamp
            elif kind in (dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE):
                trip.run_end = entry.timestamp
            elif kind == dg.DagsterEventType.STEP_START and entry.step_key:
                starts[entry.step_key] = entry.timestamp
            elif kind == dg.DagsterEventType.STEP_SUCCESS and entry.step_key in starts:
                trip.steps[entry.step_key] = (starts[entry.step_key], entry.timestamp)
            elif kind == dg.DagsterEventType.STEP_SKIPPED and entry.step_key:
                trip.skipped.append(entry.step_key)
        return trip

    def launch(self, request: dg.RunRequest) -> None:
        """Submit a download run request to the queue, as the schedule daemon does."""
        params = {
            "selector": {
                "repositoryLocationName": "pipelines.definitions:defs",
                "repositoryName": "__repository__",
                "pipelineName": download_job_name(Game.EUROMILLIONS),
            },
            "runConfigData": request.run_config,
            "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in request.tags.items()]},
        }
        answer = httpx.post(self.ui, json={"query": LAUNCH, "variables": {"params": params}}, timeout=30)
        result = answer.json()["data"]["launchRun"]
        if result["__typename"] != "LaunchRunSuccess":
            raise SystemExit(f"the download run was not launched: {result}")


def _utc(instant: float):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.fromtimestamp(instant, UTC)


def drop(platform: Running, inbox: Path, data: bytes) -> Trip:
    """Write ``data`` as FDJ's file into the inbox; its trip to the first HIT."""
    old = platform.version()
    target = inbox / EM_MEMBER
    platform.wait_archived(target)
    staged = platform.folder / "staged.csv"
    staged.write_bytes(data)
    trip = Trip(start=time.time())
    os.replace(staged, target)
    os.utime(target)  # landed now: the sensor waits for the file to settle from this instant
    trip.served = platform.wait_hit(old)
    return platform.trip(trip, platform.run_after(trip.start, **{INBOX_TAG: str(target)}))


def drop_unserved(platform: Running, inbox: Path, data: bytes) -> tuple[Trip, bool]:
    """A file that changes no draw: its trip to the run's end, and whether a new snapshot was published."""
    before = read_manifest(Path(platform.env["SERVING_DIR"]))
    target = inbox / EM_MEMBER
    platform.wait_archived(target)
    staged = platform.folder / "staged.csv"
    staged.write_bytes(data)
    trip = Trip(start=time.time())
    os.replace(staged, target)
    os.utime(target)
    trip = platform.trip(trip, platform.run_after(trip.start, **{INBOX_TAG: str(target)}))
    after = read_manifest(Path(platform.env["SERVING_DIR"]))
    trip.served = trip.run_end
    return trip, after is not None and before is not None and after.snapshot != before.snapshot


def tick(platform: Running, settings: Settings) -> tuple[Trip, float]:
    """One download tick's decision, its run submitted; the trip to the first HIT and the tick's seconds."""
    old = platform.version()
    trip = Trip(start=time.time())
    decision = check_archive(Game.EUROMILLIONS, settings)
    if not isinstance(decision, dg.RunRequest):
        raise SystemExit(f"the tick asked for no run: {decision}")
    decided = time.time()
    platform.launch(decision)
    trip.served = platform.wait_hit(old)
    run = platform.run_after(
        trip.start, **{"lotostats/fdj_archive_sha256": decision.tags["lotostats/fdj_archive_sha256"]}
    )
    return platform.trip(trip, run), decided - trip.start


def bare_ingest(folder: Path, files: list[bytes]) -> float:
    """Median seconds of ``ingest_game`` of each file into a warehouse holding the shipped data."""
    folder.mkdir(parents=True)
    seed = folder / "seed.duckdb"
    with duckdb.connect(str(seed)) as con:
        ensure_schema(con)
        ingest_game(con, Game.EUROMILLIONS, str(PROJECT_ROOT / "data" / "fdj"), today=date.today())
    times = []
    for i, data in enumerate(files):
        work = folder / f"w{i}.duckdb"
        shutil.copy(seed, work)
        path = folder / f"new{i}" / EM_MEMBER
        path.parent.mkdir()
        path.write_bytes(data)
        with duckdb.connect(str(work)) as con:
            start = time.perf_counter()
            ingest_game(con, Game.EUROMILLIONS, str(path), today=date.today())
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def _steps(keys: object) -> str:
    """Step keys as the assets they materialise, with their checks counted."""
    names = set(keys)  # type: ignore[call-overload]
    assets = sorted(n for n in names if n in STEPS)
    checks = len(names) - len(assets)
    return ", ".join([*assets, *([f"{checks} checks"] if checks else [])]) or "none"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def phases(trips: list[Trip]) -> list[tuple[str, float]]:
    """Median seconds of each phase of ``trips``."""
    rows = [
        (
            "file → run created (drop: 2 s settle + sensor interval; tick: download, hash, look-up, "
            "staging, submission)",
            _median([t.created - t.start for t in trips]),
        ),
        (
            "queue, launch, run process start, code location import (run created → run started)",
            _median([t.run_start - t.created for t in trips]),
        ),
        (
            "run set-up: plan, resources (run started → first step)",
            _median([min(s for s, _ in t.steps.values()) - t.run_start for t in trips]),
        ),
    ]
    for step in STEPS:
        rows.append((STEP_LABELS[step], _median([e - s for s, e in (t.steps[step] for t in trips)])))
    rows.append(
        (
            "publish step's end → first HIT seen (API polled every 50 ms; negative: the HIT came "
            "before the step's end was logged)",
            _median([t.served - t.steps["serving_snapshot"][1] for t in trips]),
        )
    )
    return rows


def main(argv: list[str] | None = None) -> None:
    """Time each phase of a dropped and of a downloaded file, next to the bare ingest of the same file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="new-draw files per path (median)")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up waiting after this long")
    add_results_argument(parser)
    args = parser.parse_args(argv)
    report = Report.start("bench.bench_fresh_data", "Fresh data", args, argv)
    load_before = os.getloadavg()
    base = latest_euromillions()
    dropped = [with_new_draws(base, NEW_PER_FILE * (i + 1), seed=1).to_bytes() for i in range(args.repeat)]
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"  # the loopback FDJ, here and in the platform
    with tempfile.TemporaryDirectory(prefix="lotostats-fresh-") as tmp, archive_server() as fdj:
        folder = Path(tmp)
        url = fdj.serve("euromillions", b"")
        env = _env(folder, url)
        settings = Settings(
            warehouse_path=Path(env["WAREHOUSE_PATH"]),
            fdj_download_dir=Path(env["FDJ_DOWNLOAD_DIR"]),
            fdj_download_url_euromillions=url,
            fdj_download_url_loto="",
        )
        inbox = folder / "inbox"
        progress("starting the platform (scripts/run.sh)")
        with Running(folder, env, args.timeout) as platform:
            drops = []
            for i, data in enumerate(dropped):
                drops.append(drop(platform, inbox, data))
                progress(f"  drop {i + 1}: first HIT after {drops[-1].served - drops[-1].start:.1f} s")
            newest = with_new_draws(base, NEW_PER_FILE * args.repeat, seed=1)
            revision, republished = drop_unserved(platform, inbox, with_revised_prize(newest).to_bytes())
            progress(f"  revision: run done after {revision.run_end - revision.start:.1f} s")
            nothing, nothing_published = drop_unserved(platform, inbox, with_revised_prize(newest).to_bytes())
            progress(f"  nothing new: run done after {nothing.run_end - nothing.start:.1f} s")
            ticks, decisions = [], []
            for i in range(args.repeat):
                csv = with_new_draws(base, NEW_PER_FILE * (args.repeat + i + 1), seed=1).to_bytes()
                fdj.serve("euromillions", fdj_zip(EM_MEMBER, csv))
                trip, decided = tick(platform, settings)
                ticks.append(trip)
                decisions.append(decided)
                progress(f"  tick {i + 1}: first HIT after {trip.served - trip.start:.1f} s")
        progress("baseline: the bare ingest of the same files")
        base_s = bare_ingest(folder / "baseline", dropped)
    load_after = os.getloadavg()

    table = report.table(
        Column("phase (median)", "left"),
        Column("inbox drop"),
        Column("download tick"),
        Column("drop vs bare ingest"),
    )
    for (label, drop_s), (_, tick_s) in zip(phases(drops), phases(ticks), strict=True):
        seconds = [Measure(x, "s", 2, display="s") for x in (drop_s, tick_s)]
        table.add(label, *seconds, ratio(drop_s / base_s, 1))
    drop_total = _median([t.served - t.start for t in drops])
    tick_total = _median([t.served - t.start for t in ticks])
    table.add(
        "**total: new file → first HIT**",
        Measure(
            drop_total,
            "s",
            1,
            display="s",
            bold=True,
            target=Target.check(drop_total, "<", Measure(DROP_TARGET_S, "s", 0, display="s")),
        ),
        Measure(
            tick_total,
            "s",
            1,
            display="s",
            bold=True,
            target=Target.check(tick_total, "<", Measure(TICK_TARGET_S, "s", 0, display="s")),
        ),
        ratio(drop_total / base_s, 0),
    )
    table.add(
        "baseline: bare `ingest_game` of the same file, in process",
        Measure(base_s, "s", 2, display="s"),
        None,
        ratio(1.0, 0),
    )

    other = report.table(
        Column("file with no new draw", "left"), Column("drop → run end"), Column("steps run", "left"),
        Column("steps skipped", "left"), Column("snapshot republished", "left"),
    )  # fmt: skip
    for label, trip, published in (
        ("a revised rank-4 prize of the newest draw", revision, republished),
        ("the same file again (nothing new)", nothing, nothing_published),
    ):
        other.add(
            label,
            Measure(trip.run_end - trip.start, "s", 1, display="s"),
            _steps(trip.steps),
            _steps(trip.skipped),
            "yes" if published else "no",
        )
    report.figure(
        "tick decision alone (download, hash, look-up, staging; median)",
        Measure(_median(decisions), "s", 2, display="s"),
    )
    report.notes.append(
        f"Load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.1f}' for x in load_after)}."
    )
    report.finish(args.results_dir)


if __name__ == "__main__":
    main()
