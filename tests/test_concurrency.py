"""Readers never wait for writers; a writer kept waiting gets a clear "busy" after a bounded
wait; and a long mixed run of readers, writers, imports and killed writers loses nothing
that was acknowledged (issue: nothing lost, nothing stalls)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from ecosystem import EmbeddedStore, NodeKind, StoreBusy, import_paths
from ecosystem.api.app import create_app
from ecosystem.api.settings import Settings
from ecosystem.scanning.scan import scan_partners
from tests.conftest import SMALL
from tests.servers import free_port
from tests.test_api import AUTH, KEY, assert_error

pytestmark = pytest.mark.slow

_HOLD = """
import sys
from pathlib import Path
from ecosystem import EmbeddedStore
from ecosystem.stores.locking import operation
with EmbeddedStore(Path(sys.argv[1])) as store, operation("ecosystem import big.csv"):
    with store._transaction():  # the write lock, held as a long import holds it
        print("holding", flush=True)
        sys.stdin.readline()
"""


@pytest.fixture
def held(tmp_path: Path) -> Iterator[Path]:
    """A store whose write lock another process holds until the test ends."""
    db = tmp_path / "held.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    yield db
    assert holder.poll() is None, "the writer let go before the test ended"
    holder.communicate("done\n", timeout=30)


def test_reads_answer_while_a_writer_holds_the_store(held: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOSYSTEM_BUSY_TIMEOUT", "1")
    info = subprocess.run([sys.executable, "-m", "ecosystem.cli", "--store", str(held),
                           "info", "--json"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert info.returncode == 0, info.stderr
    assert '"company": 5' in info.stdout
    with EmbeddedStore(held) as store:
        assert scan_partners(store, "voltra", top=3).candidates
        with pytest.raises(StoreBusy) as busy:
            store.delete_node(NodeKind.COMPANY, "voltra", cascade=True)
        assert "ecosystem import big.csv" in str(busy.value)
        assert store.node(NodeKind.COMPANY, "voltra").name == "Voltra Motors"
    app = create_app(Settings(store=str(held), api_keys=(KEY,)))
    with TestClient(app) as client:
        page = client.get("/v1/companies?limit=1")
        assert page.status_code == 200 and page.json()["total"] == 5
        response = client.put("/v1/companies/voltra", headers=AUTH,
                              json={"description": "x"})
        error = assert_error(response, 503, "unavailable")
        assert response.headers["Retry-After"] == "1"
        assert "ecosystem import big.csv" in str(error["details"]["holder"])  # type: ignore[index]
    delete = subprocess.run([sys.executable, "-m", "ecosystem.cli", "--store", str(held),
                             "delete", "company", "voltra", "--cascade"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert delete.returncode == 3 and "is busy" in delete.stderr
    assert "ecosystem import big.csv" in delete.stderr


def test_opening_a_store_needs_no_write_lock(held: Path) -> None:
    """Opening used to begin a write transaction, so `info` waited for a running import and
    then called the store 'not an ecosystem store'."""
    with EmbeddedStore(held, busy_timeout=0.5) as store:
        assert store.counts()["nodes"]["company"] == 5


# -- the soak run -----------------------------------------------------------------------

_WRITER = """
import sys
from pathlib import Path
from ecosystem import EmbeddedStore, import_paths
db, folder, prefix = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
folder.mkdir(parents=True, exist_ok=True)
with EmbeddedStore(db, busy_timeout=30) as store:
    for i in range(1_000_000):
        table = folder / "companies.csv"
        table.write_text(f"id,name\\n{prefix}-{i},Writer {prefix} {i}\\n", encoding="utf-8")
        import_paths(store, [table])
        print(f"ack {prefix}-{i}", flush=True)
"""


def _bulk_folder(folder: Path, marker: str, rows: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "companies.csv").write_text(
        "id,name\n" + "".join(f"bulk-{i},Bulk {i}\n" for i in range(rows // 10)),
        encoding="utf-8")
    (folder / "partners_with.csv").write_text(
        "source,target,key\n" + "".join(
            f"bulk-{i % (rows // 10)},bulk-{(i * 7 + 1) % (rows // 10)},{marker}-{i}\n"
            for i in range(rows)), encoding="utf-8")
    return folder


@pytest.mark.first(minutes=5)
def test_soak_readers_writers_imports_and_kills(tmp_path: Path) -> None:
    """Five minutes (ECOSYSTEM_SOAK_SECONDS) on loopback: HTTP writers and readers, library
    readers, writer processes killed with SIGKILL at random, bulk imports some of which
    are killed mid-way. Afterwards the store is intact, every acknowledged write is there,
    and every bulk import is there whole or not at all."""
    seconds = float(os.environ.get("ECOSYSTEM_SOAK_SECONDS", "300"))
    rng = random.Random(7)
    db = tmp_path / "soak.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
    port = free_port()
    env = {**os.environ, "ECOSYSTEM_API_KEYS": KEY, "ECOSYSTEM_BUSY_TIMEOUT": "30"}
    log = tmp_path / "server.log"
    server = subprocess.Popen([sys.executable, "-m", "ecosystem.cli", "--store", str(db),
                               "serve", "--port", str(port)], env=env,
                              stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    deadline = time.monotonic() + seconds
    acked: set[str] = set()
    failures: list[str] = []
    lock = threading.Lock()

    def http_writer(n: int) -> None:
        with httpx.Client(base_url=url, headers=AUTH, timeout=120) as http:
            i = 0
            while time.monotonic() < deadline:
                company = f"http{n}-{i}"
                response = http.put(f"/v1/companies/{company}", json={"name": company})
                if response.status_code == 200:
                    with lock:
                        acked.add(company)
                elif response.status_code != 503:  # busy is allowed: it changed nothing
                    failures.append(f"PUT {company}: {response.status_code} {response.text}")
                i += 1
                time.sleep(0.05)

    def http_reader() -> None:
        with httpx.Client(base_url=url, timeout=120) as http:
            while time.monotonic() < deadline:
                for path in ("/v1/companies?limit=5", "/v1/health?counts=true",
                             "/v1/companies/voltra"):
                    response = http.get(path)
                    if response.status_code != 200:
                        failures.append(f"GET {path}: {response.status_code}")
                time.sleep(0.1)

    def library_reader() -> None:
        seen = 0
        with EmbeddedStore(db) as store:
            while time.monotonic() < deadline:
                companies = store.counts()["nodes"]["company"]
                if companies < seen:  # only ever added to
                    failures.append(f"company count fell from {seen} to {companies}")
                seen = companies
                if store.node(NodeKind.COMPANY, "voltra").name != "Voltra Motors":
                    failures.append("voltra changed")
                store.relationships(node=(NodeKind.COMPANY, "voltra"))
                time.sleep(0.2)

    def killed_writers() -> None:
        k = 0
        while time.monotonic() < deadline:
            writer = subprocess.Popen(
                [sys.executable, "-c", _WRITER, str(db), str(tmp_path / f"w{k}"), f"proc{k}"],
                stdout=subprocess.PIPE, text=True)
            time.sleep(rng.uniform(1.5, 6))
            writer.send_signal(signal.SIGKILL)
            out, _ = writer.communicate()
            with lock:
                acked.update(line.split()[1] for line in out.splitlines()
                             if line.startswith("ack "))
            k += 1

    bulks: dict[str, int | None] = {}  # marker -> exit code (-9: killed while writing)
    holder = Path(f"{db}-writer.json")

    def bulk_imports() -> None:
        k = 0
        while time.monotonic() < deadline - 30:
            marker = f"bulk{k}"
            folder = _bulk_folder(tmp_path / marker, marker, BULK_ROWS)
            run = subprocess.Popen([sys.executable, "-m", "ecosystem.cli", "--store", str(db),
                                    "import", str(folder)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if k % 2:  # kill it while it writes: once its lock record names it
                while run.poll() is None and f'"pid": {run.pid}' not in _text(holder):
                    time.sleep(0.05)
                time.sleep(rng.uniform(0.1, 0.8))
                run.send_signal(signal.SIGKILL)
            bulks[marker] = run.wait()
            k += 1
            time.sleep(rng.uniform(3, 10))

    threads = [threading.Thread(target=http_writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=http_reader), threading.Thread(target=library_reader),
                threading.Thread(target=killed_writers), threading.Thread(target=bulk_imports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.terminate()
    server.wait(timeout=60)
    assert failures == []
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counts = dict(raw.execute(
            "SELECT substr(key, 1, instr(key, '-') - 1), count(*) FROM relationships "
            "WHERE kind = 'partners_with' AND key LIKE 'bulk%' GROUP BY 1"))
    with EmbeddedStore(db) as store:
        stored = store.ids(NodeKind.COMPANY)
    assert acked, "no write was acknowledged"
    assert acked <= stored, sorted(acked - stored)[:10]
    for marker, code in bulks.items():  # each import whole or not at all
        assert counts.get(marker, 0) == (BULK_ROWS if code == 0 else 0), (marker, code)
    assert 0 in bulks.values() and -signal.SIGKILL in bulks.values(), bulks
    print(f"soak: {seconds:g} s, {len(acked):,} acknowledged writes, bulk imports "
          f"(exit codes) {bulks}")


BULK_ROWS = 100_000


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
