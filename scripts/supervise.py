"""Bring the whole platform up in the foreground; Ctrl-C takes it all down.

    .venv/bin/python scripts/supervise.py      (scripts/run.sh installs first, then runs this)

1. Redis: REDIS_URL if it answers, else a private ``redis-server`` on a free port (files under var/redis).
   The inbox folders are created, and runs a previous platform left STARTED (killed) are marked failed.
2. The first materialisation of every asset if nothing is published yet.
3. ``dagster dev`` (webserver + daemon: schedules and the inbox sensor run), the API (uvicorn) and one
   Celery worker, each in its own process group, their logs prefixed with their name.
4. "all services up" with the URLs once the UI (GraphQL), the API (/health) and the worker (ping) answer.

A service that dies after that is restarted, the others serving meanwhile: what is left of its process
group is stopped, then it starts again after an exponential backoff (``RestartPolicy``). One that dies
more than ``SUPERVISE_RESTART_LIMIT`` times within ``SUPERVISE_RESTART_WINDOW_S`` is given up on (said
loudly); the rest keeps running. A service that dies before "all services up" stops everything.

On SIGINT/SIGTERM every child is stopped (SIGINT/SIGTERM, then SIGKILL after a grace period), so
nothing is left holding the DuckDB file. See docs/operators/supervision.md.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the project's packages
from config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GRACE_S = 25.0


@dataclass(frozen=True)
class RestartPolicy:
    """How a service that died is restarted: after ``backoff_s`` doubled at each recent death (at most
    ``backoff_max_s``), and not more than ``limit`` times within ``window_s`` (then given up on).
    Leftovers of its process group get ``grace_s`` to stop before SIGKILL."""

    backoff_s: float = 1.0
    backoff_max_s: float = 30.0
    limit: int = 5
    window_s: float = 300.0
    grace_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RestartPolicy:
        """The policy the settings give (SUPERVISE_RESTART_* variables)."""
        return cls(
            backoff_s=settings.supervise_restart_backoff_s,
            backoff_max_s=settings.supervise_restart_backoff_max_s,
            limit=settings.supervise_restart_limit,
            window_s=settings.supervise_restart_window_s,
            grace_s=settings.supervise_restart_grace_s,
        )

    def delay(self, recent_deaths: int) -> float:
        """Seconds to wait before the restart that follows the ``recent_deaths``-th death in the window."""
        return min(self.backoff_s * 2 ** max(recent_deaths - 1, 0), self.backoff_max_s)


def describe_exit(returncode: int | None) -> str:
    """``exit code 1`` or ``killed by SIGKILL`` (Popen gives -N for a signal N)."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def shout(message: str) -> None:
    """A line of the supervisor's own that must not be missed (bold red)."""
    print(f"\033[1;31m[platform] {message}\033[0m", flush=True)


def say(message: str) -> None:
    """A line of the supervisor's own."""
    print(f"\033[1m[platform]\033[0m {message}", flush=True)


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url: str) -> bool:
    """Whether a Redis answers at ``url``."""
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


@dataclass
class Service:
    """One child process, in its own process group, with its output prefixed by its name."""

    name: str
    argv: list[str]
    stop_signal: signal.Signals = signal.SIGTERM
    # Runs before each restart, once its process group is gone (e.g. failing the runs it killed).
    before_restart: Callable[[], None] | None = None
    proc: subprocess.Popen[bytes] | None = None
    threads: list[threading.Thread] = field(default_factory=list)
    started_at: float = 0.0
    deaths: deque[float] = field(default_factory=deque)  # monotonic times of unexpected exits
    restart_at: float | None = None  # a restart is due then (set while it is down)
    kill_at: float = 0.0  # leftovers of its group get SIGKILL from then
    given_up: bool = False

    def start(self, env: dict[str, str]) -> None:
        """Start it."""
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        thread = threading.Thread(target=self._pump, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _pump(self) -> None:
        assert self.proc is not None
        assert self.proc.stdout is not None
        for line in iter(self.proc.stdout.readline, b""):
            sys.stdout.write(f"[{self.name}] {line.decode(errors='replace')}")
            sys.stdout.flush()

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        """Send ``sig`` to its whole process group."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)

    def group_alive(self) -> bool:
        """Whether any process of its group is still alive."""
        if self.proc is None:
            return False
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        self.proc.poll()  # reap the leader if it exited
        return True


class Platform:
    """The services and their shared environment."""

    def __init__(self) -> None:
        self.env = dict(os.environ)
        self.env.setdefault("DAGSTER_HOME", str(ROOT / "var" / "dagster"))
        self.env.setdefault("AUTOMATION_ENABLED", "true")  # schedules and the inbox sensor on
        settings = Settings()
        self.host = settings.platform_host
        self.ui_port = settings.dagster_port
        self.api_port = settings.api_port
        self.services: list[Service] = []
        self.stopping = threading.Event()
        self.policy = RestartPolicy.from_settings(settings)

    # -- set-up ----------------------------------------------------------------------------------

    def redis(self) -> None:
        """Use REDIS_URL when it answers; else start a private redis-server as a service."""
        url = self.env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        if redis_answers(url):
            say(f"Redis answers at {url}")
            self.env["REDIS_URL"] = url
            return
        binary = shutil.which("redis-server")
        if binary is None and os.geteuid() == 0 and shutil.which("apt-get"):
            say(
                "no Redis answers and redis-server is not installed: installing Debian's redis-server package"
            )
            subprocess.run(["apt-get", "update", "-qq"], check=False)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "redis-server"],
                env={**self.env, "DEBIAN_FRONTEND": "noninteractive"},
                check=False,
            )
            binary = shutil.which("redis-server")
        if binary is None:
            sys.exit(
                "[platform] Redis is needed: none answers at REDIS_URL and redis-server is not installed.\n"
                "           Install it (Debian/Ubuntu: sudo apt-get install redis-server;"
                " macOS: brew install redis) or set REDIS_URL to a Redis server."
            )
        port = free_port()
        data = ROOT / "var" / "redis"
        data.mkdir(parents=True, exist_ok=True)
        service = Service(
            "redis",
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--dir",
                str(data),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        )
        service.start(self.env)
        self.services.append(service)
        url = f"redis://127.0.0.1:{port}/0"
        for _ in range(100):
            if redis_answers(url):
                break
            time.sleep(0.05)
        else:
            self.shutdown()
            sys.exit("[platform] the private redis-server did not answer")
        say(f"started a private Redis at {url} (no Redis answered at REDIS_URL)")
        self.env["REDIS_URL"] = url

    def prepare(self) -> list[str]:
        """Create the inbox folders (users drop files there from the start) and fail orphaned runs.

        Nothing of this platform runs yet, so on the local (SQLite) instance a STARTED run whose process
        is gone was killed with the previous platform (see pipelines/orphans.py); returns their ids.
        """
        from intake.inbox import Inbox

        Inbox(Path(self.env.get("INBOX_DIR", ROOT / "var" / "inbox"))).ensure()
        if self.env.get("DAGSTER_PG_URL"):
            return []  # several machines: run monitoring's runtime limit is the backstop
        import dagster as dg

        from pipelines.orphans import fail_orphaned_runs

        home = Path(self.env["DAGSTER_HOME"])
        home.mkdir(parents=True, exist_ok=True)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            failed = fail_orphaned_runs(instance)
        if failed:
            say(f"marked {len(failed)} run(s) left STARTED by a killed platform FAILURE: {', '.join(failed)}")
        return failed

    def first_materialisation(self) -> None:
        """Materialise everything if nothing was ever published (a fresh install)."""
        serving = Path(self.env.get("SERVING_DIR", ROOT / "var" / "serving"))
        if (serving / "manifest.json").exists():
            say(f"serving snapshot found in {serving}: skipping the first materialisation")
            return
        Path(self.env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
        say("no serving snapshot yet: materialising every asset (about a minute)")
        done = subprocess.run(
            [str(BIN / "dagster"), "asset", "materialize", "-m", "pipelines.definitions", "--select", "*"],
            env=self.env,
            cwd=ROOT,
            check=False,
        )
        if done.returncode != 0:
            sys.exit("[platform] the first materialisation failed (see above); nothing was started")

    # -- services --------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the UI + daemon, the API and the worker."""
        self.services += [
            Service(
                "dagster",
                [
                    str(BIN / "dagster"),
                    "dev",
                    "-w",
                    "workspace.yaml",
                    "-h",
                    self.host,
                    "-p",
                    str(self.ui_port),
                ],
                # dagster dev stops its webserver, daemon and code servers on SIGINT
                stop_signal=signal.SIGINT,
                before_restart=self.fail_runs_of_dead_dagster,
            ),
            Service(
                "api",
                [sys.executable, "-m", "api.server", "--host", self.host, "--port", str(self.api_port)],
            ),
            Service(
                "worker",
                [
                    str(BIN / "celery"),
                    "-A",
                    "api.celery_app",
                    "worker",
                    "-l",
                    "INFO",
                    # pool, concurrency and prefetch: api/celery_app.py (CELERY_WORKER_CONCURRENCY, ...)
                    "-n",
                    f"lotostats-{os.getpid()}@%h",
                ],
            ),
        ]
        for service in self.services:
            if not service.running:
                service.start(self.env)

    def wait_until_up(self, started: float, timeout_s: float = 180) -> bool:
        """Poll the UI, the API and the worker until all answer."""
        from api.celery_app import create_celery
        from config.settings import Settings

        celery = create_celery(Settings(redis_url=self.env["REDIS_URL"]))
        checks = {
            "ui": lambda: (
                httpx.post(
                    f"http://{self.host}:{self.ui_port}/graphql", json={"query": "{ version }"}, timeout=2
                ).status_code
                == 200
            ),
            "api": lambda: (
                httpx.get(f"http://{self.host}:{self.api_port}/health", timeout=2).status_code == 200
            ),
            "worker": lambda: bool(celery.control.ping(timeout=1.0)),
        }
        pending = set(checks)
        deadline = time.monotonic() + timeout_s
        try:
            while pending and time.monotonic() < deadline and not self.stopping.is_set():
                for name in sorted(pending):
                    try:
                        if checks[name]():
                            pending.discard(name)
                            say(f"{name} is up ({time.monotonic() - started:.1f} s)")
                    except Exception:
                        pass
                if any(not s.running for s in self.services):
                    return False
                time.sleep(0.5)
        finally:
            celery.close()
        return not pending

    # -- supervision -----------------------------------------------------------------------------

    def fail_runs_of_dead_dagster(self) -> None:
        """Runs the dead ``dagster dev`` group was executing are FAILURE before it starts again."""
        try:
            self.prepare()
        except Exception as exc:  # the restart matters more; the orphaned-run sensor retries
            say(f"could not check for runs left STARTED ({type(exc).__name__}: {exc})")

    def supervise(self, now: float) -> None:
        """One look at every service: note deaths, clear what they left, restart those that are due."""
        for service in self.services:
            if service.running:
                continue
            if service.given_up:
                self._group_cleared(service, now)  # its leftovers still go
            elif service.restart_at is None:
                self._died(service, now)
            elif now >= service.restart_at and self._group_cleared(service, now):
                self._restart(service)

    def _died(self, service: Service, now: float) -> None:
        assert service.proc is not None
        cause = describe_exit(service.proc.returncode)
        ran = now - service.started_at
        service.deaths.append(now)
        while service.deaths and service.deaths[0] < now - self.policy.window_s:
            service.deaths.popleft()
        service.signal_group(service.stop_signal)  # what is left of it: pool processes, dagster's children
        service.kill_at = now + self.policy.grace_s
        recent = len(service.deaths)
        if recent > self.policy.limit:
            service.given_up = True
            shout(
                f"GIVING UP on {service.name}: it died {recent} times within {self.policy.window_s:.0f} s "
                f"(last: {cause} after {ran:.1f} s). It is NOT restarted; the other services keep running. "
                "Read its log above, fix the cause, then restart the platform."
            )
            return
        delay = self.policy.delay(recent)
        service.restart_at = now + delay
        say(
            f"{service.name} (pid {service.proc.pid}) died unexpectedly: {cause} after running {ran:.1f} s; "
            f"restart {recent} of at most {self.policy.limit} within {self.policy.window_s:.0f} s, "
            f"in {delay:.1f} s"
        )

    def _group_cleared(self, service: Service, now: float) -> bool:
        """Whether nothing of the dead service's process group is left (SIGKILL past the grace)."""
        if not service.group_alive():
            return True
        if now >= service.kill_at:
            say(
                f"{service.name}: what is left of its process group did not stop in "
                f"{self.policy.grace_s:.0f} s: killing it"
            )
            service.signal_group(signal.SIGKILL)
            service.kill_at = float("inf")  # once; the kernel does the rest
        return False

    def _restart(self, service: Service) -> None:
        if service.before_restart is not None:
            service.before_restart()
        if self.stopping.is_set():
            return
        service.restart_at = None
        service.start(self.env)
        assert service.proc is not None
        say(f"restarted {service.name} (pid {service.proc.pid})")

    def shutdown(self) -> None:
        """Stop every service and wait for every process of every group to end."""
        self.stopping.set()
        for service in reversed(self.services):
            if service.group_alive():
                say(f"stopping {service.name}")
                service.signal_group(service.stop_signal)
        deadline = time.monotonic() + GRACE_S
        while time.monotonic() < deadline and any(s.group_alive() for s in self.services):
            time.sleep(0.2)
        for service in self.services:
            if service.group_alive():
                say(f"{service.name} did not stop in {GRACE_S:.0f} s: killing it")
                service.signal_group(signal.SIGKILL)
        for service in self.services:
            if service.proc is not None:
                service.proc.wait()
        say("every service stopped")


def main() -> int:
    """Run until interrupted."""
    started = time.monotonic()
    platform = Platform()
    interrupted = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        interrupted.set()
        platform.stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    platform.redis()
    try:
        platform.prepare()
        platform.first_materialisation()
        if interrupted.is_set():
            return 130
        platform.start()
        if platform.wait_until_up(started):
            say(f"all services up in {time.monotonic() - started:.1f} s")
            if (ROOT / "web" / "dist" / "index.html").is_file():
                say(f"web app       http://{platform.host}:{platform.api_port}/")
            say(f"Dagster UI    http://{platform.host}:{platform.ui_port}")
            say(f"API           http://{platform.host}:{platform.api_port}  (docs: /docs, health: /health)")
            say(f"Redis         {platform.env['REDIS_URL']}")
            inbox = platform.env.get("INBOX_DIR", ROOT / "var" / "inbox")
            say(f"inbox         drop FDJ .csv/.zip files in {inbox}")
            say("Ctrl-C stops everything")
        elif not interrupted.is_set():
            say("a service did not come up (see its log above): stopping everything")
            return 1
        while not interrupted.is_set():
            platform.supervise(time.monotonic())
            interrupted.wait(0.5)
        return 0
    finally:
        platform.shutdown()


if __name__ == "__main__":
    raise SystemExit(main())
