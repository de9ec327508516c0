"""Benchmark: the HTTP API under 32 concurrent clients on loopback (issue 6).

Starts ``ecosystem serve`` on the demo store, then 32 client threads each send requests
to ``scan`` (IBM, top 10), a company lookup and ``health``. Prints p50, p99 and throughput
of each, the errors (target: none), and the ratio of ``scan`` p50 to ``health`` p50.
Target: ``scan`` p99 at most 100 ms. Asserts nothing about time.

Run: ``.venv/bin/python bench/bench_api.py [--clients 32] [--requests 25]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem import EmbeddedStore
from ecosystem.demo import build_demo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(url: str, path: str, clients: int, requests: int) -> tuple[list[float], int, float]:
    """Latencies (s) of every request, the error count, and the wall time."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            for _ in range(requests):
                start = time.perf_counter()
                response = http.get(path)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200:
                        errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        with EmbeddedStore(db) as store:
            build_demo(store)
        port = free_port()
        env = {**os.environ, "ECOSYSTEM_API_DEVELOPMENT": "1"}
        server = subprocess.Popen([sys.executable, "-m", "ecosystem.cli", "--store", str(db),
                                   "serve", "--port", str(port), "--development"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            httpx.get(f"{url}/v1/scan/ibm?top=10", timeout=120)  # warm the caches once
            print(f"{args.clients} clients x {args.requests} requests each, uvicorn on "
                  "loopback, demo store")
            medians = {}
            for label, path in (("health", "/v1/health"),
                                ("company lookup", "/v1/companies/ibm"),
                                ("scan", "/v1/scan/ibm?top=10")):
                latencies, errors, wall = load(url, path, args.clients, args.requests)
                medians[label] = statistics.median(latencies)
                print(f"{label:<16} p50 {medians[label] * 1000:8.1f} ms   p99 "
                      f"{percentile(latencies, 99) * 1000:8.1f} ms   "
                      f"{len(latencies) / wall:8.1f} req/s   errors {errors}")
            print(f"ratio scan p50 / health p50: {medians['scan'] / medians['health']:.1f} x "
                  "(target: scan p99 <= 100 ms)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
