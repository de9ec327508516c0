"""A process killed in the middle of an import leaves the store readable and as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecosystem import EmbeddedStore, import_paths
from tests.conftest import SMALL

pytestmark = pytest.mark.slow

ROWS = 400_000


def _big_import(folder: Path) -> None:
    folder.mkdir()
    with (folder / "companies.csv").open("w") as f:
        f.write("id,name\n")
        for i in range(ROWS):
            f.write(f"big{i},Big Company {i}\n")
    with (folder / "partners_with.csv").open("w") as f:
        f.write("source,target,since\n")
        for i in range(ROWS):
            f.write(f"big{i},big{(i * 7 + 1) % ROWS},2020-01-01\n")


def test_kill_during_import_keeps_previous_contents(tmp_path: Path) -> None:
    db = tmp_path / "eco.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
        before = (store.nodes(), store.relationships())
    big = tmp_path / "big"
    _big_import(big)

    proc = subprocess.Popen(
        [sys.executable, "-m", "ecosystem.cli", "--store", str(db), "--progress",
         "import", str(big)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
    )
    assert proc.stderr is not None
    # Wait until rows are being written inside the transaction, then kill hard.
    seen = b""
    deadline = time.monotonic() + 120
    while b"writing" not in seen and time.monotonic() < deadline:
        chunk = os.read(proc.stderr.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    time.sleep(0.3)
    still_running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert still_running, "the import finished before it could be killed; make it bigger"
    assert proc.returncode == -signal.SIGKILL
    assert b"writing" in seen

    with EmbeddedStore(db) as store:
        assert (store.nodes(), store.relationships()) == before
        # and the store still takes writes
        import_paths(store, [SMALL])
        assert store.counts()["nodes"]["company"] == 5


def test_committed_import_survives_kill(tmp_path: Path) -> None:
    db = tmp_path / "eco.db"
    done = subprocess.run(
        [sys.executable, "-c",
         "import os, sys; from ecosystem import EmbeddedStore, import_paths;"
         f"s = EmbeddedStore({str(db)!r}); import_paths(s, [{str(SMALL)!r}]);"
         "os.kill(os.getpid(), 9)"],
        check=False,
    )
    assert done.returncode == -signal.SIGKILL
    with EmbeddedStore(db) as store:
        assert store.counts()["relationships"]["member_of"] == 5
