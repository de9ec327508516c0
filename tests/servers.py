"""`ecosystem serve` started on loopback for a test, as a user would start it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

#: The API key the servers started here accept.
KEY = "server-key-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(db: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`ecosystem serve` on ``db`` on a free port, writes keyed with KEY; its URL, once it
    answers; stopped afterwards."""
    port = free_port()
    environment = {**os.environ, "ECOSYSTEM_API_KEYS": KEY, **(env or {})}
    environment.pop("ECOSYSTEM_API_DEVELOPMENT", None)
    log = db.parent / "server.log"  # a file: an unread pipe would fill and stall the server
    process = subprocess.Popen(
        [sys.executable, "-m", "ecosystem.cli", "--store", str(db), "serve", "--port",
         str(port), *options], env=environment, stdout=log.open("wb"),
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n"
                                   f"{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
