"""Memory under distinct /draws pages: API RSS and Redis growth.

    REDIS_URL=redis://127.0.0.1:PORT/0 .venv/bin/python -m bench.bench_memory [--pages 1000] [--clients 4]

Builds a serving snapshot from the shipped data in a temp folder, starts one uvicorn worker on
127.0.0.1 with a Redis database of its own (14, flushed before and after), then asks for ``--pages``
distinct ``/draws`` pages from ``--clients`` concurrent clients: half are
``limit=1000&offset=K`` (3 MB answers), half small pages with varied limits and offsets, some of
them cacheable. Prints the API's RSS (before, peak, after) and Redis's growth (server ``used_memory``
and the bench database's keys). Acceptance: RSS under 400 MB, Redis growth under 50 MB. Everything
stays on loopback and is bounded by the page count.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import redis

from bench.common import build, redis_server, start_api

BENCH_DB = 14
MB = 2**20


def rss_bytes(pid: int) -> int:
    """Resident set size of a process (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def pages(n: int) -> list[dict[str, int]]:
    """``n`` distinct page requests: half 1000-draw pages, half small ones (some cacheable)."""
    big = [{"limit": 1000, "offset": k} for k in range(n // 2)]
    small: list[dict[str, int]] = []
    limits = (10, 20, 25, 50, 100, 7, 33)
    k = 0
    while len(small) < n - len(big):
        limit = limits[k % len(limits)]
        small.append({"limit": limit, "offset": (k // len(limits)) * limit})
        k += 1
    return big + small


def main() -> None:
    """Run the requests and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    redis_url = f"{redis_server()}/{BENCH_DB}"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        serving = build(Path(tmp))
        env = {**os.environ, "SERVING_DIR": str(serving), "REDIS_URL": redis_url}
        server, url = start_api(env)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, rss_bytes(server.pid))
                time.sleep(0.05)

        try:
            httpx.get(f"{url}/api/euromillions/draws/latest", timeout=30)  # load the snapshot once
            rss_before = rss_bytes(server.pid)
            redis_before = int(client.info("memory")["used_memory"])
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            started = time.perf_counter()
            with httpx.Client(base_url=url, timeout=60) as http, ThreadPoolExecutor(args.clients) as pool:

                def fetch(params: dict[str, int]) -> tuple[int, str]:
                    r = http.get("/api/euromillions/draws", params=params)
                    return r.status_code, r.headers.get("x-cache", "")

                outcomes = Counter(pool.map(fetch, pages(args.pages)))
            elapsed = time.perf_counter() - started
            done.set()
            sampler.join()
            time.sleep(1.5)  # one sweep of the in-process layer
            rss_after = rss_bytes(server.pid)
            redis_after = int(client.info("memory")["used_memory"])
            keys = client.dbsize()
            key_bytes = sum(client.memory_usage(k) or 0 for k in client.scan_iter(count=1000))
        finally:
            done.set()
            server.terminate()
            server.wait(timeout=10)
            client.flushdb()
    print(f"{args.pages} distinct /draws pages from {args.clients} clients in {elapsed:.1f} s, one worker")
    print(f"responses: {dict(sorted(outcomes.items()))}")
    print(f"API RSS: before {rss_before / MB:.0f} MB, peak {peak / MB:.0f} MB, after {rss_after / MB:.0f} MB")
    print(f"  peak under 400 MB: {'yes' if peak < 400 * MB else 'NO'}")
    growth = redis_after - redis_before
    print(f"Redis used_memory: before {redis_before / MB:.1f} MB, after {redis_after / MB:.1f} MB")
    print(
        f"  growth {growth / MB:.1f} MB; bench database {keys} keys, {key_bytes / MB:.1f} MB (MEMORY USAGE)"
    )
    print(f"  growth under 50 MB: {'yes' if growth < 50 * MB else 'NO'}")


if __name__ == "__main__":
    main()
