"""Redis restarted under a request loop: 5xx count, time until hits return, BYPASS afterwards.

    .venv/bin/python -m bench.bench_redis_restart [--clients 8] [--down 8] [--after 60] [--pause-ms 0]

Starts a redis-server of its own on a free loopback port and one uvicorn worker using it (no
in-process layer, so every request reaches Redis), loops ``--clients`` concurrent clients over a
few cached endpoints, stops Redis for ``--down`` seconds, starts it again and keeps looping for
``--after`` seconds. Prints the requests and outcomes before, during and after the outage, the
time from the restart to the first HIT, and the BYPASS count in the last half of the tail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import redis

from bench.common import build, free_port, start_api

URLS = (
    "/api/euromillions/quick-stats?year=2025",
    "/api/loto/quick-stats",
    "/api/euromillions/draws?limit=20",
    "/api/euromillions/stats?last=100",
)


class Redis:
    """A redis-server process of the bench's own."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it answers."""
        self.proc = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


def main() -> None:
    """Run the loop around one restart and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--down", type=float, default=8.0)
    parser.add_argument("--after", type=float, default=60.0)
    parser.add_argument("--pause-ms", type=float, default=0.0, help="pause of each client between requests")
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed")
    log: list[tuple[float, int, str]] = []
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        serving = build(Path(tmp))
        server = Redis(Path(tmp))
        server.start()
        env = {
            **os.environ,
            "SERVING_DIR": str(serving),
            "REDIS_URL": f"redis://127.0.0.1:{server.port}/0",
            "CACHE_LOCAL_TTL_S": "0",
        }
        api, url = start_api(env)

        def loop(i: int) -> None:
            with httpx.Client(base_url=url, timeout=10) as http:
                k = i
                while not stop.is_set():
                    try:
                        r = http.get(URLS[k % len(URLS)])
                        log.append((time.monotonic(), r.status_code, r.headers.get("x-cache", "")))
                    except httpx.HTTPError:
                        log.append((time.monotonic(), 0, "error"))
                    k += 1
                    if args.pause_ms:
                        time.sleep(args.pause_ms / 1000)

        threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(args.clients)]
        try:
            for t in threads:
                t.start()
            time.sleep(5)
            down_at = time.monotonic()
            server.stop()
            time.sleep(args.down)
            server.start()
            up_at = time.monotonic()
            time.sleep(args.after)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=15)
            api.terminate()
            api.wait(timeout=10)
            server.stop()
    end = time.monotonic()

    def phase(lo: float, hi: float) -> Counter[str]:
        return Counter(f"{s} {c}" for t, s, c in log if lo <= t < hi)

    first_hit = min((t for t, _, c in log if t >= up_at and c == "HIT"), default=None)
    print(f"{len(log)} requests, {args.clients} clients; Redis down {args.down:.0f} s, up {args.after:.0f} s")
    print(f"before the outage: {dict(phase(0, down_at))}")
    print(f"Redis down:        {dict(phase(down_at, up_at))}")
    print(f"after the restart: {dict(phase(up_at, end))}")
    late = phase(up_at + args.after / 2, end)
    print(f"last {args.after / 2:.0f} s: {dict(late)}; BYPASS {late['200 BYPASS']}")
    print(f"5xx or errors: {sum(1 for _, s, _ in log if s >= 500 or s == 0)}")
    print(
        f"first HIT {first_hit - up_at:.2f} s after the restart" if first_hit else "no HIT after the restart"
    )


if __name__ == "__main__":
    main()
