"""The API refuses bad input in the one error shape and never with a 500; its limits hold
on the bytes actually read; nothing is dropped in silence (issue: nothing lost, nothing
stalls). Each case below was a 500, a silent change or a stall before."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ecosystem import EmbeddedStore, NodeKind, RelKind, import_paths
from ecosystem.api.app import create_app
from ecosystem.api.middleware import RedactSecrets
from ecosystem.api.settings import Settings
from tests.conftest import SMALL
from tests.test_api import AUTH, KEY, assert_error


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "api.db"
    with EmbeddedStore(path) as store:
        import_paths(store, [SMALL])
    return path


@pytest.fixture
def client(store_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(store=str(store_path), api_keys=(KEY,),
                              max_body_bytes=2**20, max_upload_bytes=4 * 2**20))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _snapshot(store_path: Path) -> tuple[object, object]:
    with EmbeddedStore(store_path) as store:
        return store.nodes(), store.relationships()


def _json(client: TestClient, method: str, url: str, body: bytes) -> object:
    return client.request(method, url, content=body,
                          headers={**AUTH, "Content-Type": "application/json"})


@pytest.mark.parametrize("name", ["..", ".", "/", "a/..", "companies", "companies.exe"])
def test_upload_names_that_are_no_table_are_refused(client: TestClient, store_path: Path,
                                                    name: str) -> None:
    before = _snapshot(store_path)
    response = client.post("/v1/import", headers=AUTH,
                           files=[("files", (name, b"id,name\nx,X\n", "text/csv"))])
    error = assert_error(response, 422, "validation")
    assert "name each file after its table" in str(error["message"])
    assert _snapshot(store_path) == before


def test_two_uploads_with_one_name_are_refused_not_dropped(client: TestClient,
                                                          store_path: Path) -> None:
    before = _snapshot(store_path)
    response = client.post("/v1/import", headers=AUTH, files=[
        ("files", ("companies.csv", b"id,name\nfirst,First\n", "text/csv")),
        ("files", ("Companies.csv", b"id,name\nsecond,Second\n", "text/csv"))])
    assert "Two uploads are named" in str(assert_error(response, 422, "validation")["message"])
    assert _snapshot(store_path) == before


def test_uploads_are_named_as_the_client_named_them(client: TestClient) -> None:
    response = client.post("/v1/import", headers=AUTH, files=[
        ("files", ("companies.csv", b"id,name,country\nacme,Acme, Inc.,US\n", "text/csv")),
        ("files", ("README.md", b"notes", "text/plain"))])
    assert response.status_code == 422  # .md is not a table type
    response = client.post("/v1/import", headers=AUTH, files=[
        ("files", ("companies.csv", b"id,name,country\nacme,Acme, Inc.,US\n", "text/csv"))])
    problem = assert_error(response, 422, "validation")["details"]["problems"][0]  # type: ignore[index]
    assert problem["file"] == "companies.csv" and problem["row"] == 2
    assert "has 4 cells but the header has 3" in problem["message"]


def test_graphml_import_over_http_works(client: TestClient, store_path: Path,
                                       tmp_path: Path) -> None:
    from ecosystem import export_store

    with EmbeddedStore(store_path) as store:
        export_store(store, tmp_path / "all.graphml", format="graphml")
    fresh = tmp_path / "fresh.db"
    EmbeddedStore(fresh).close()
    app = create_app(Settings(store=str(fresh), api_keys=(KEY,)))
    with TestClient(app) as other:
        response = other.post("/v1/import?format=graphml", headers=AUTH, files=[
            ("files", ("all.graphml", (tmp_path / "all.graphml").read_bytes(),
                       "application/xml"))])
        assert response.status_code == 200, response.text
        assert response.json()["nodes_written"]["company"] == 5


@pytest.mark.parametrize("body", [
    b'{"name": "A\\ud800B"}',                       # a lone surrogate
    b'{"name": "A\\u0000B"}',                       # a NUL
    b'{"strategy_horizon_years": Infinity}',       # Infinity is not a finite number
    b'{"strategy_horizon_years": NaN}',
    b'{"name": "x", "founded": 1e400}',
    b'\xff\xfe not json',                          # not JSON at all
])
def test_bad_values_are_refused_in_the_one_shape(client: TestClient, store_path: Path,
                                                 body: bytes) -> None:
    before = _snapshot(store_path)
    assert_error(_json(client, "PUT", "/v1/companies/voltra", body), 422, "validation")
    assert _snapshot(store_path) == before


def test_nan_weight_is_refused_not_stored_empty(client: TestClient, store_path: Path) -> None:
    before = _snapshot(store_path)
    for number in (b"NaN", b"Infinity", b"-Infinity"):
        body = (b'{"kind": "partners_with", "source": "voltra", "target": "siliq", '
                b'"key": "n", "properties": {"weight": ' + number + b"}}")
        assert_error(_json(client, "PUT", "/v1/relationships", body), 422, "validation")
    assert _snapshot(store_path) == before


def test_null_clears_an_optional_field_and_refuses_a_required_one(
        client: TestClient, store_path: Path) -> None:
    response = client.put("/v1/companies/voltra", headers=AUTH,
                          json={"country": None, "description": "kept"})
    assert response.status_code == 200, response.text
    assert "country" not in response.json()["properties"]
    assert response.json()["properties"]["description"] == "kept"
    assert_error(client.put("/v1/companies/voltra", headers=AUTH, json={"name": None}),
                 422, "validation")
    with EmbeddedStore(store_path) as store:
        assert store.node(NodeKind.COMPANY, "voltra").name == "Voltra Motors"
        rel = next(r for r in store.relationships(RelKind.MEMBER_OF) if r.source == "siliq")
    body = {"kind": "member_of", "source": "siliq", "target": rel.target, "since": rel.since}
    kept = client.put("/v1/relationships", headers=AUTH, json=body | {"properties": {}})
    assert kept.json()["until"] == rel.until  # not given: kept
    reopened = client.put("/v1/relationships", headers=AUTH, json=body | {"until": None})
    assert reopened.status_code == 200 and reopened.json()["until"] is None


@pytest.mark.parametrize("need", [{"id": "x", "capabilities": ["no-such-capability"]},
                                  {"id": "x", "classes": ["no-such-class"]}])
def test_scan_with_unknown_needs_is_refused(client: TestClient, need: dict[str, object]
                                            ) -> None:
    response = client.post("/v1/scan/voltra", headers=AUTH, json={"needs": [need]})
    error = assert_error(response, 422, "validation")
    assert error["details"]["problems"][0]["value"].startswith("no-such")  # type: ignore[index]


def test_body_limits_hold_on_the_bytes_read(client: TestClient, store_path: Path) -> None:
    before = _snapshot(store_path)
    too_big = b'{"description": "' + b"a" * (2 * 2**20) + b'"}'
    assert_error(_json(client, "PUT", "/v1/companies/voltra", too_big), 413, "too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
        yield b'{"description": "'
        for _ in range(3):
            yield b"a" * 2**20
        yield b'"}'

    response = client.put("/v1/companies/voltra", content=chunks(),
                          headers={**AUTH, "Content-Type": "application/json"})
    assert_error(response, 413, "too_large")
    upload = b"id,name\n" + b"x,y\n" * (2 * 2**20)  # 8 MiB: over the 4 MiB upload limit
    response = client.post("/v1/import", headers=AUTH,
                           files=[("files", ("companies.csv", upload, "text/csv"))])
    assert_error(response, 413, "too_large")
    assert _snapshot(store_path) == before
    small = client.post("/v1/import", headers=AUTH, files=[  # 1.5 MiB: over the body limit,
        ("files", ("companies.csv", b"id,name\nbig,Big\n" + b"\n" * (3 * 2**19),  # fine
                   "text/csv"))])  # for an upload
    assert small.status_code == 200, small.text


def test_default_map_view_is_served(client: TestClient) -> None:
    response = client.get("/v1/views/map")
    assert response.status_code == 200 and response.text.startswith("<!DOCTYPE html>")


def test_secrets_in_query_strings_never_reach_the_access_log(
        caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("uvicorn.access")
    logger.addFilter(RedactSecrets())
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                    "/v1/companies?limit=1&api_key=s3cret-value&X-API-Key=other", "1.1", 200)
    assert "s3cret-value" not in caplog.text and "other" not in caplog.text
    assert "limit=1" in caplog.text and caplog.text.count("REDACTED") == 2
