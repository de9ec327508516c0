"""The API on a real uvicorn server on loopback: concurrent writers, and a schemathesis run
against the OpenAPI schema that must find no server error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ecosystem import EmbeddedStore, NodeKind, RelKind, import_paths
from tests.conftest import SMALL
from tests.servers import KEY, serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`ecosystem serve` on a free port with the small ecosystem; stopped afterwards."""
    db = tmp_path_factory.mktemp("server") / "server.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
    with serving(db) as url:
        yield url, db


def test_served_over_http(server: tuple[str, Path]) -> None:
    url, _ = server
    assert httpx.get(f"{url}/v1/companies/voltra").json()["name"] == "Voltra Motors"
    missing = httpx.get(f"{url}/v1/companies/voltr")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"


def test_concurrent_writers_lose_no_update(server: tuple[str, Path]) -> None:
    """Many clients update one company and add relationships at once: every accepted write
    is there afterwards, and the company is in the state of one of the writes."""
    url, db = server
    accepted: list[tuple[int, int]] = []
    failures: list[str] = []

    def client(n: int) -> None:
        with httpx.Client(base_url=url, headers={"X-API-Key": KEY}, timeout=60) as http:
            for i in range(8):
                company = http.put("/v1/companies/voltra", json={"description": f"w{n}-{i}"})
                rel = http.put("/v1/relationships", json={
                    "kind": "partners_with", "source": "voltra", "target": "siliq",
                    "key": f"k{n}-{i}", "properties": {"scope": f"s{n}-{i}"}})
                if company.status_code == rel.status_code == 200:
                    accepted.append((n, i))
                else:
                    failures.append(f"{company.status_code} {rel.status_code} {rel.text}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and len(accepted) == 96
    with EmbeddedStore(db) as store:
        keys = {r.key for r in store.relationships(RelKind.PARTNERS_WITH)
                if (r.source, r.target) == ("voltra", "siliq")}
        assert keys == {f"k{n}-{i}" for n, i in accepted}
        description = store.node(NodeKind.COMPANY, "voltra").properties["description"]
        assert description in {f"w{n}-{i}" for n, i in accepted}


CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance",
          "negative_data_rejection")


def test_schemathesis_finds_no_failure(server: tuple[str, Path], tmp_path: Path) -> None:
    """Property-based requests from the OpenAPI schema, every operation (imports too): no
    500, only documented status codes, responses as documented, invalid data refused."""
    url, _ = server
    run = subprocess.run(
        [str(Path(sys.executable).parent / "schemathesis"), "run", f"{url}/openapi.json",
         "--checks", ",".join(CHECKS), "--max-examples", "10", "--seed", "7",
         "--phases", "examples,coverage,fuzzing",
         "--header", f"X-API-Key: {KEY}"],
        capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path,
        stdin=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-5000:]
    tested = re.search(r"Tested: (\d+)", report)
    assert tested and int(tested.group(1)) >= 30, report[-2000:]
    assert re.search(r"\d+ generated, \d+ passed", report), report[-2000:]


def test_a_key_in_the_query_string_is_not_logged(server: tuple[str, Path]) -> None:
    url, db = server
    secret = "query-secret-0123456789"
    response = httpx.get(f"{url}/v1/companies?limit=1&api_key={secret}")
    assert response.status_code == 200
    time.sleep(0.5)  # the access log line is written after the response
    log = (db.parent / "server.log").read_text(errors="replace")
    assert "/v1/companies?limit=1&api_key=REDACTED" in log
    assert secret not in log


def test_several_workers_never_answer_from_a_stale_cache(tmp_path: Path) -> None:
    """`serve --workers 2`: answers kept as rendered JSON in each worker are dropped once
    any worker writes what they read; every read after the write sees it."""
    db = tmp_path / "workers.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
    with serving(db, "--workers", "2", env={"XDG_CACHE_HOME": str(tmp_path)}) as url:
        for round in range(3):
            # new connections, so that both workers answer (and keep) the lookup and scan
            for _ in range(12):
                assert httpx.get(f"{url}/v1/companies/voltra").status_code == 200
                assert httpx.get(f"{url}/v1/scan/voltra?top=3").status_code == 200
            written = httpx.put(f"{url}/v1/companies/voltra", headers={"X-API-Key": KEY},
                                json={"description": f"round {round}"})
            assert written.status_code == 200, written.text
            seen = {httpx.get(f"{url}/v1/companies/voltra").json()["properties"]["description"]
                    for _ in range(12)}
            assert seen == {f"round {round}"}
        log = (db.parent / "server.log").read_text()
        pids = set(re.findall(r"Started server process \[(\d+)\]", log))
        assert len(pids) == 2, log
