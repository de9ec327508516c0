"""The HTTP API through the ASGI app: endpoints, auth, limits, the one error shape."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ecosystem import EmbeddedStore, InvalidValue, Store, import_paths
from ecosystem.api.app import create_app
from ecosystem.api.settings import DEVELOPMENT_KEY, Settings
from ecosystem.scanning.needs import read_needs_file, save_needs
from tests.conftest import DATA, SMALL

KEY = "test-key-0123456789"
AUTH = {"X-API-Key": KEY}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "api.db"
    with EmbeddedStore(path) as store:
        import_paths(store, [SMALL])
        save_needs(store, read_needs_file(DATA / "small_needs.yaml"))
    return path


@pytest.fixture
def client(store_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(store=str(store_path), api_keys=(KEY,)))
    with TestClient(app) as test_client:
        yield test_client


def assert_error(response: object, status: int, type: str) -> dict[str, object]:
    """The one error shape, pinned."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert set(body["error"]) == {"type", "message", "details"}
    assert body["error"]["type"] == type and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_health(client: TestClient) -> None:
    body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["counts"] == {}
    counted = client.get("/v1/health?counts=true").json()
    assert counted["counts"]["nodes"]["company"] == 5


def test_companies_search_filters_and_pages(client: TestClient) -> None:
    assert client.get("/v1/companies").json()["total"] == 5
    assert [c["id"] for c in client.get("/v1/companies?search=batter").json()["items"]] == [
        "cellix"]
    by_industry = client.get("/v1/companies?industry=sic-36").json()  # parent of 3691, 3674
    assert {c["id"] for c in by_industry["items"]} == {"cellix", "siliq"}
    by_capability = client.get("/v1/companies?capability=autonomy").json()
    assert {c["id"] for c in by_capability["items"]} == {"voltra", "cortex"}
    by_programme = client.get("/v1/companies?programme=battery-alliance&as_of=2024-01-01")
    assert {c["id"] for c in by_programme.json()["items"]} == {"voltra", "cellix"}
    page = client.get("/v1/companies?limit=2&offset=2").json()
    assert [c["id"] for c in page["items"]] == ["shiplane", "siliq"] and page["total"] == 5
    assert_error(client.get("/v1/companies?limit=100000"), 422, "validation")
    assert_error(client.get("/v1/companies?industry=sic-99"), 404, "not_found")


def test_company_detail_and_not_found(client: TestClient) -> None:
    body = client.get("/v1/companies/voltra").json()
    assert body["name"] == "Voltra Motors" and len(body["relationships"]) == 10
    assert body["patents"] == {"B60L": 120, "B60L53": 30}
    error = assert_error(client.get("/v1/companies/voltr"), 404, "not_found")
    assert error["details"]["suggestions"] == ["voltra"]  # type: ignore[index]


def test_lists(client: TestClient) -> None:
    assert client.get("/v1/capabilities").json()["total"] == 7
    assert client.get("/v1/technology-classes").json()["total"] == 4
    members = client.get("/v1/programmes/battery-alliance/members?as_of=2021-01-01").json()
    assert {m["id"]: m["properties"]["tier"] for m in members["items"]} == {
        "cellix": "Founding", "siliq": "Silver", "voltra": "Gold"}


def test_writes_need_a_key(client: TestClient) -> None:
    body = {"kind": "partners_with", "source": "cortex", "target": "cellix"}
    assert_error(client.put("/v1/relationships", json=body), 401, "unauthorized")
    assert_error(client.put("/v1/relationships", json=body,
                            headers={"X-API-Key": "wrong-key-0123456789"}), 401, "unauthorized")
    assert client.put("/v1/relationships", json=body, headers=AUTH).status_code == 200


def test_relationship_create_update_delete(client: TestClient) -> None:
    body = {"kind": "partners_with", "source": "cortex", "target": "cellix",
            "since": "2024-02", "properties": {"scope": "battery AI"}}
    created = client.put("/v1/relationships", json=body, headers=AUTH).json()
    assert created["since"] == "2024-02-01" and created["properties"]["scope"] == "battery AI"
    body["until"] = "2025-01"
    updated = client.put("/v1/relationships", json=body, headers=AUTH).json()
    assert updated["until"] == "2025-01-01" and updated["properties"]["scope"] == "battery AI"
    query = "kind=partners_with&source=cortex&target=cellix&since=2024-02"
    assert client.delete(f"/v1/relationships?{query}", headers=AUTH).status_code == 204
    assert_error(client.delete(f"/v1/relationships?{query}", headers=AUTH), 404, "not_found")


def test_refused_write_changes_nothing(client: TestClient) -> None:
    before = client.get("/v1/health").json()["generation"]
    error = assert_error(client.put("/v1/relationships", headers=AUTH, json={
        "kind": "partners_with", "source": "cortex", "target": "kortex"}), 422, "validation")
    problem = error["details"]["problems"][0]  # type: ignore[index]
    assert problem["column"] == "target" and problem["value"] == "kortex"
    assert_error(client.put("/v1/relationships", headers=AUTH, json={
        "kind": "partner_of", "source": "a", "target": "b"}), 422, "validation")
    assert client.get("/v1/health").json()["generation"] == before


def test_company_upsert(client: TestClient) -> None:
    body = client.put("/v1/companies/lumen", headers=AUTH,
                      json={"name": "Lumen <img src=x onerror=alert(1)>", "founded": 2019})
    assert body.json()["name"] == "Lumen <img src=x onerror=alert(1)>"  # data, returned as is
    assert_error(client.put("/v1/companies/lumen", headers=AUTH, json={"founded": "soon"}),
                 422, "validation")


def test_needs_scan_overlap_influence(client: TestClient) -> None:
    needs = client.get("/v1/companies/voltra/needs").json()
    assert {n["id"] for n in needs["needs"]} == {"cells", "cockpit-fusion"}
    put = client.put("/v1/companies/cortex/needs", headers=AUTH, json={"needs": [
        {"id": "cells", "capabilities": ["energy/cells"], "weight": 2}]})
    assert put.json()["needs"][0]["weight"] == 2
    candidates = client.get("/v1/scan/voltra?top=3&min_confidence=0").json()
    # with stored needs, only companies meeting some unmet need are candidates
    assert [c["company"] for c in candidates] == ["cellix", "cortex"]
    # by default a candidate whose score rests on little evidence is left out
    default = client.get("/v1/scan/voltra?top=3").json()
    assert all(c["confidence"] >= 0.3 for c in default)
    assert len(default) == sum(c["confidence"] >= 0.3 for c in candidates)
    assert {"company", "score", "axis", "strategy", "capability", "culture",
            "explanation"} <= set(candidates[0])
    posted = client.post("/v1/scan/voltra?axis=in-industry", json={"needs": [
        {"id": "x", "capabilities": ["compute/soc"]}]}).json()
    assert posted[0]["company"] == "siliq"
    assert_error(client.get("/v1/scan/voltra?top=5000"), 422, "validation")
    pair = client.get("/v1/overlap?a=voltra&b=cellix").json()
    assert pair["overlap_rate"] == pytest.approx(0.5)
    ranking = client.get("/v1/influence?top=3").json()
    assert ranking[0]["node"] == "company:voltra"
    assert_error(client.get("/v1/influence?metric=fame"), 422, "validation")
    assert "bridges" in client.get("/v1/opportunities").json()


def test_import_all_or_nothing(client: TestClient) -> None:
    good = client.post("/v1/import", headers=AUTH, files=[
        ("files", ("companies.csv", b"id,name\nnewco,New Co\n", "text/csv")),
        ("files", ("member_of.csv", b"source,target,tier\nnewco,open-cockpit,Gold\n",
                   "text/csv"))])
    assert good.status_code == 200 and good.json()["nodes_created"] == {"company": 1}
    before = client.get("/v1/health").json()
    error = assert_error(client.post("/v1/import", headers=AUTH, files=[
        ("files", ("companies.csv", b"id,name,founded\nbadco,Bad,nineteen\n", "text/csv"))]),
        422, "validation")
    assert error["details"]["problems"][0]["column"] == "founded"  # type: ignore[index]
    assert client.get("/v1/health").json() == before


def test_limits_and_cors(store_path: Path) -> None:
    settings = Settings(store=str(store_path), api_keys=(KEY,), max_body_bytes=1000,
                        max_upload_bytes=1000)
    with TestClient(create_app(settings)) as small:
        big = small.put("/v1/relationships", headers=AUTH, content=b"x" * 5000)
        assert_error(big, 413, "too_large")
        assert "access-control-allow-origin" not in small.get(
            "/v1/health", headers={"Origin": "https://evil.example"}).headers
    cors = Settings(store=str(store_path), api_keys=(KEY,),
                    cors_origins=("https://maps.example",))
    with TestClient(create_app(cors)) as allowed:
        response = allowed.get("/v1/health", headers={"Origin": "https://maps.example"})
        assert response.headers["access-control-allow-origin"] == "https://maps.example"


def test_settings_refuse_unsafe_keys(store_path: Path) -> None:
    with pytest.raises(InvalidValue, match="No API key"):
        Settings(store=str(store_path))
    with pytest.raises(InvalidValue, match="development API key"):
        Settings(store=str(store_path), api_keys=(DEVELOPMENT_KEY,))
    with pytest.raises(InvalidValue, match="12 characters"):
        Settings(store=str(store_path), api_keys=("short",))
    assert Settings.development(str(store_path)).api_keys == (DEVELOPMENT_KEY,)


def test_reads_can_require_a_key(store_path: Path) -> None:
    settings = Settings(store=str(store_path), api_keys=(KEY,), keys_for_reads=True)
    with TestClient(create_app(settings)) as locked:
        assert_error(locked.get("/v1/companies"), 401, "unauthorized")
        assert locked.get("/v1/companies", headers=AUTH).status_code == 200


def test_keys_are_never_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        client.put("/v1/relationships", headers=AUTH, json={
            "kind": "partners_with", "source": "cortex", "target": "cellix"})
        client.get("/v1/companies", headers={"X-API-Key": "wrong-key-0123456789"})
    assert KEY not in caplog.text and "wrong-key-0123456789" not in caplog.text


def test_openapi_documents_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/v1/health", "/v1/companies", "/v1/companies/{company}", "/v1/relationships",
            "/v1/scan/{company}", "/v1/overlap", "/v1/influence", "/v1/import",
            "/v1/companies/{company}/needs", "/v1/opportunities", "/v1/predictions",
            "/v1/backtests"} <= paths
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert operation.get("description") or operation.get("summary"), (path, method)
            # every JSON answer has a schema with named fields, not a bare object
            for status, response in operation["responses"].items():
                body = response.get("content", {}).get("application/json", {}).get("schema")
                if status.startswith("2") and body is not None:
                    assert body.get("$ref") or body.get("items", {}).get("$ref"), (
                        path, method, body)


@pytest.mark.parametrize("path, expected", [
    ("/v1/views/map?top=5", "company:voltra"),
    ("/v1/views/focus/voltra?hops=2", "programme:open-cockpit"),
    ("/v1/views/radar/voltra?top=4", "company:voltra"),
    ("/v1/views/opportunities", "community:"),
    ("/v1/views/programme/battery-alliance?as_of=2024-01-01", "company:cellix"),
])
def test_views_are_html_pages(client: TestClient, path: str, expected: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in response.text and expected in response.text


def test_view_errors_have_the_one_shape(client: TestClient) -> None:
    assert "nope" in str(assert_error(client.get("/v1/views/programme/nope"), 404,
                                      "not_found")["message"])
    assert_error(client.get("/v1/views/focus/voltra?hops=9"), 422, "validation")
    assert_error(client.get("/v1/views/map?top=0"), 422, "validation")


def test_predictions(client: TestClient) -> None:
    found = client.get("/v1/predictions?relation=member_of&as_of=2024-01-01").json()
    assert found and all(set(p) == {"source", "target", "score", "evidence"} for p in found)
    assert [p["score"] for p in found] == sorted((p["score"] for p in found), reverse=True)
    # memberships that do not exist yet, between companies and programmes of the store
    assert ("voltra", "battery-alliance") not in {(p["source"], p["target"]) for p in found}
    assert {p["target"] for p in found} <= {"battery-alliance", "open-cockpit"}
    mine = client.get("/v1/predictions?relation=member_of&as_of=2024-01-01&company=Cortex AI"
                      "&top=1").json()
    assert [p["source"] for p in mine] == ["cortex"]
    assert all(v is None or isinstance(v, float | int) for v in mine[0]["evidence"].values())
    assert_error(client.get("/v1/predictions?relation=member&as_of=2024-01-01"), 422,
                 "validation")
    assert_error(client.get("/v1/predictions?relation=member_of&as_of=2024-01-01"
                            "&horizon=soon"), 422, "validation")
    assert_error(client.get("/v1/predictions?relation=member_of&as_of=2024-01-01&top=0"),
                 422, "validation")
    assert_error(client.get("/v1/predictions?relation=member_of&as_of=2024-01-01"
                            "&company=nobody"), 404, "not_found")
    error = assert_error(client.get("/v1/predictions?relation=member_of&as_of=0001-01-01"),
                         422, "validation")
    assert "shorter horizon" in str(error["message"])


def test_scan_with_prediction_evidence(client: TestClient) -> None:
    plain = client.get("/v1/scan/voltra?as_of=2024-01-01").json()
    predicted = client.get("/v1/scan/voltra?as_of=2024-01-01&predict=member_of").json()
    assert [c["company"] for c in predicted] == [c["company"] for c in plain]
    reasons = {c["company"]: c["reasons"] for c in predicted}
    assert any("predicted to join" in r for r in reasons["cortex"])
    assert not any("predicted" in r for c in plain for r in c["reasons"])


def test_backtests(client: TestClient, demo_store: Store) -> None:
    # the small store has no membership formed after a cut-off between known nodes
    error = assert_error(client.get("/v1/backtests?relation=member_of&cutoff=2023-01-01"),
                         422, "validation")
    assert "nothing to test" in str(error["message"])
    app = create_app(Settings(store=demo_store.location, api_keys=(KEY,)))
    with TestClient(app) as demo:
        body = demo.get("/v1/backtests?relation=member_of&cutoff=2024-01-01&k=3").json()
    assert body["cutoff"] == "2024-01-01" and body["end"] == "2025-01-01"
    assert body["test_ties"] > 0 and body["results"][-1]["method"] == "model"
    low, high = body["map_gain_95"]
    assert low <= body["map_gain"] <= high
    assert {"hits_at_3", "recall_at_3", "per_company_ap"} <= set(body["results"][0])
    model = body["results"][-1]
    low, high = model["intervals_95"]["target"]
    assert low <= model["target_map"] <= high


def test_explorer_data_and_its_errors(client: TestClient) -> None:
    """The explorer's JSON: suggestions, a company's page, neighbours a page at a time, an
    export; bad input named, with a 4xx."""
    found = client.get("/v1/explore/suggest", params={"q": "volt"}).json()
    assert found[0]["key"] == "company:voltra" and found[0]["name"] == "Voltra Motors"
    page = client.get("/v1/explore/companies/voltra").json()
    assert page["name"] == "Voltra Motors" and page["key"] == "company:voltra"
    assert {m["other_key"] for m in page["memberships"]} == {"programme:battery-alliance",
                                                             "programme:open-cockpit"}
    assert "Battery Alliance" in {m["other_name"] for m in page["memberships"]}
    first = client.get("/v1/explore/neighbours",
                       params={"node": "programme:battery-alliance", "limit": 2}).json()
    assert len(first["neighbours"]) == 2 and first["total"] >= 3
    rest = client.get("/v1/explore/neighbours", params={
        "node": "programme:battery-alliance", "limit": 2, "offset": 2}).json()
    keys = [n["key"] for n in first["neighbours"] + rest["neighbours"]]
    assert len(keys) == len(set(keys)) == min(first["total"], 4)
    # best connected first
    degrees = [n["degree"] for n in first["neighbours"] + rest["neighbours"]]
    assert degrees == sorted(degrees, reverse=True)
    assert all(e["kind"] == "member_of" for e in first["edges"])
    only = client.get("/v1/explore/neighbours", params={
        "node": "company:voltra", "kind": "partners_with"}).json()
    assert {e["kind"] for e in only["edges"]} == {"partners_with"}
    exported = client.post("/v1/explore/export", json={
        "focal": "company:voltra", "nodes": ["company:voltra", "programme:battery-alliance"]})
    assert exported.status_code == 200 and "Voltra Motors" in exported.text
    assert "attachment" in exported.headers["content-disposition"]
    svg = client.post("/v1/explore/export", json={
        "focal": "company:voltra", "nodes": ["company:voltra"], "format": "svg"})
    assert svg.status_code == 200 and svg.content.lstrip().startswith(b"<?xml")

    error = assert_error(client.get("/v1/explore/neighbours", params={"node": "voltra"}),
                         422, "validation")
    assert "kind:id" in str(error["message"])
    error = assert_error(client.get("/v1/explore/neighbours",
                                    params={"node": "capability:battery-cells"}),
                         422, "validation")
    assert "companies and programmes" in str(error["message"])
    assert_error(client.get("/v1/explore/neighbours", params={"node": "company:nobody"}),
                 404, "not_found")
    error = assert_error(client.get("/v1/explore/neighbours", params={
        "node": "company:voltra", "kind": "likes"}), 422, "validation")
    assert "'likes'" in str(error["message"])
    error = assert_error(client.post("/v1/explore/export", json={
        "focal": "programme:battery-alliance", "nodes": ["company:voltra"]}), 422, "validation")
    assert "not a company" in str(error["message"])
    assert_error(client.post("/v1/explore/export", json={
        "focal": "company:voltra", "nodes": ["company:voltra"], "format": "gif"}),
        422, "validation")
    assert_error(client.get("/explorer/app.py"), 404, "not_found")
    programme = client.get("/v1/explore/programmes/battery-alliance",
                           params={"as_of": "2022-01-01"}).json()
    # on 2022-01-01: voltra (Gold, since 2019-03), cellix (Founding, 2018), siliq (Silver,
    # 2020-06-15 to 2023-01)
    assert programme["members"] == sum(t["members"] for t in programme["tiers"])
    assert {t["tier"] for t in programme["tiers"]} >= {"Gold", "Founding", "Silver"}
    assert_error(client.get("/v1/explore/programmes/nope"), 404, "not_found")


def test_predictions_for_a_target_check_the_target_first(client: TestClient) -> None:
    base = {"relation": "member_of", "as_of": "2024-01-01"}
    error = assert_error(client.get("/v1/predictions", params=base | {
        "target": "company:voltra"}), 422, "validation")
    assert "member_of ties go to programme nodes" in str(error["message"])
    assert_error(client.get("/v1/predictions", params=base | {"target": "programme:nope"}),
                 404, "not_found")
