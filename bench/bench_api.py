"""Benchmark: the HTTP API under 32 concurrent clients on loopback (issue 18).

Starts ``ecosystem serve --workers N`` on the demo store, then a load generator in its own
process keeps 32 connections busy for a while on each of ``health``, a company lookup
(IBM, the company with the most ties) and ``scan`` (IBM, top 10). The load generator is
``wrk`` (Debian's package, written in C) when installed, else 32 asyncio clients in a
Python process. Prints p50, p99, throughput and errors (target: none), and the machine's
core count. Target: scan and lookup p99 at most 100 ms. Asserts nothing about time.

Run: ``.venv/bin/python bench/bench_api.py [--clients 32] [--seconds 10] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
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


def wrk(url: str, clients: int, seconds: float) -> dict[str, float]:
    """p50, p99 (ms), requests per second and errors, measured by wrk."""
    threads = max(1, min(clients, (os.cpu_count() or 1)))
    duration = f"-d{max(1, round(seconds))}s"
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", duration, "--latency", url],
                         capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        found = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert found, out
        return float(found[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found[2]]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(int(x) for x in socket_errors.groups()) if socket_errors else 0) + (
        int(non_2xx[1]) if non_2xx else 0)
    return {"p50": ms("50"), "p99": ms("99"), "rate": float(rate[1]) if rate else 0.0,
            "errors": errors}


_ASYNC_CLIENTS = """
import asyncio, json, sys, time
import httpx

async def main(url, clients, seconds):
    latencies, errors = [], 0
    stop = time.perf_counter() + seconds
    async def client(http):
        nonlocal errors
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                response = await http.get(url)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        began = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        wall = time.perf_counter() - began
    print(json.dumps({"latencies": latencies, "errors": errors, "wall": wall}))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
"""


def python_clients(url: str, clients: int, seconds: float) -> dict[str, float]:
    """The same figures from asyncio clients in a Python process of their own."""
    out = json.loads(subprocess.run([sys.executable, "-c", _ASYNC_CLIENTS, url, str(clients),
                                     str(seconds)], capture_output=True, text=True,
                                    check=True).stdout)
    latencies = sorted(out["latencies"])
    return {"p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
            * 1000, "rate": len(latencies) / out["wall"], "errors": out["errors"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes (default: one per core)")
    args = parser.parse_args()
    generator = wrk if shutil.which("wrk") else python_clients
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        with EmbeddedStore(db) as store:
            build_demo(store)
        port = free_port()
        env = {**os.environ, "XDG_CACHE_HOME": tmp}
        server = subprocess.Popen([sys.executable, "-m", "ecosystem.cli", "--store", str(db),
                                   "serve", "--port", str(port), "--development",
                                   "--workers", str(args.workers)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        paths = {"health": "/v1/health", "company lookup": "/v1/companies/ibm",
                 "scan": "/v1/scan/ibm?top=10"}
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            for path in paths.values():  # every worker computes (or reads) its answers once
                for _ in range(4 * args.workers):
                    httpx.get(url + path, timeout=120).raise_for_status()
            print(f"{args.clients} clients for {args.seconds:g} s per route, load from "
                  f"{'wrk' if generator is wrk else 'asyncio clients'} in its own process; "
                  f"uvicorn with {args.workers} worker(s) on loopback; demo store; "
                  f"machine: {os.cpu_count()} cores")
            for label, path in paths.items():
                figures = generator(url + path, args.clients, args.seconds)
                print(f"{label:<16} p50 {figures['p50']:8.1f} ms   p99 {figures['p99']:8.1f} ms"
                      f"   {figures['rate']:8.1f} req/s   errors {figures['errors']:g}")
            print("target: scan and company lookup p99 <= 100 ms, no errors")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
