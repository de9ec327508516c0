"""Partnership endpoints through the ASGI app: CRUD, the same auth and error shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ecosystem import EmbeddedStore
from ecosystem.api.app import create_app
from ecosystem.api.settings import Settings
from ecosystem.demo import build_worked_case
from tests.test_api import assert_error

KEY = "test-key-0123456789"
AUTH = {"X-API-Key": KEY}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    path = tmp_path / "api.db"
    with EmbeddedStore(path) as store:
        build_worked_case(store)
    with TestClient(create_app(Settings(store=str(path), api_keys=(KEY,)))) as test_client:
        yield test_client


def test_partnership_crud_and_alerts(client: TestClient) -> None:
    body = {"id": "vc", "company": "voltra", "partner": "cortex", "stage": "active",
            "date": "2025-01-06", "fields": {"form": "joint R&D", "executive_days": 14}}
    assert_error(client.post("/v1/partnerships", json=body), 401, "unauthorized")
    created = client.post("/v1/partnerships", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    assert created.json()["stage"] == "active"
    assert_error(client.post("/v1/partnerships", json=body, headers=AUTH), 409, "conflict")
    added = client.post("/v1/partnerships/vc/records/milestones", headers=AUTH, json=[
        {"name": "Version 1", "due": "2025-03-31"}])
    assert added.status_code == 201 and added.json()["nodes_created"] == {"milestone": 1}
    alerts = client.get("/v1/alerts?as_of=2025-04-10").json()
    assert [(a["rule"], a["date"]) for a in alerts][:1] == [("delivery_delay", "2025-04-01")]
    assert all(a["open"] for a in alerts)
    assert {a["rule"] for a in alerts} == {"delivery_delay", "cadence"}
    csv = b"name,due,delivered\nVersion 2,2025-06-30,2025-06-20\n"
    imported = client.post("/v1/partnerships/vc/import?table=milestones", headers=AUTH,
                           files={"file": ("annex.csv", csv, "text/csv")})
    assert imported.status_code == 200, imported.text
    moved = client.post("/v1/partnerships/vc/stages", headers=AUTH,
                        json={"stage": "under_review", "date": "2025-07-01"})
    assert moved.status_code == 201 and moved.json()["stage"] == "under_review"
    turned = client.post("/v1/partnerships/vc/stages", headers=AUTH, json={
        "stage": "transformed", "date": "2025-08-01", "form": "Voltra-Cortex Cockpit JV",
        "becomes": "joint_venture"})
    assert turned.status_code == 201 and turned.json()["form"] == "Voltra-Cortex Cockpit JV"
    assert_error(client.post("/v1/partnerships/vc/stages", headers=AUTH, json={
        "stage": "transformed", "date": "2025-09-01"}), 422, "validation")
    patched = client.patch("/v1/partnerships/vc", headers=AUTH, json={"cost_share": 0.6})
    assert patched.json()["partnership"]["cost_share"] == 0.6
    health = client.get("/v1/partnerships/vc/health?as_of=2025-12-31&weights=milestones=1")
    assert [h["hit_rate"] for h in health.json()] == [0.5, None]  # none due in H2
    listed = client.get("/v1/partnerships?as_of=2025-12-31").json()
    assert [p["id"] for p in listed] == ["vc"]
    assert client.delete("/v1/partnerships/vc", headers=AUTH).status_code == 204
    assert_error(client.get("/v1/partnerships/vc"), 404, "not_found")


def test_partnership_errors_have_the_one_shape_and_change_nothing(client: TestClient) -> None:
    client.post("/v1/partnerships", headers=AUTH, json={
        "id": "vc", "company": "voltra", "partner": "cortex", "stage": "ended",
        "date": "2025-01-01"})
    before = client.get("/v1/partnerships/vc").json()
    error = assert_error(client.post("/v1/partnerships/vc/stages", headers=AUTH,
                                     json={"stage": "active", "date": "2025-02-01"}),
                         422, "validation")
    assert "ended" in str(error["details"])
    error = assert_error(client.post("/v1/partnerships/vc/records/kpi_actuals", headers=AUTH,
                                     json=[{"kpi": "vc/nps", "period": "2025-01",
                                            "actual": 5}]), 422, "validation")
    assert error["details"]["problems"][0]["column"] == "kpi"  # type: ignore[index]
    assert "vc/nps" in str(error["details"])
    assert_error(client.post("/v1/partnerships/vc/records/unknown", headers=AUTH, json=[]),
                 422, "validation")
    assert_error(client.post("/v1/partnerships", headers=AUTH, json={
        "id": "x", "company": "voltra", "partner": "voltra"}), 422, "validation")
    assert client.get("/v1/partnerships/vc").json() == before


def test_portfolio_digest_and_dashboard(client: TestClient) -> None:
    body = {"id": "vc", "company": "voltra", "partner": "cortex", "stage": "active",
            "date": "2025-01-06", "fields": {"lead": "Ana <b>Lead</b>",
                                             "lead_email": "ana@voltra.example"}}
    assert client.post("/v1/partnerships", json=body, headers=AUTH).status_code == 201
    client.post("/v1/partnerships/vc/records/milestones", headers=AUTH, json=[
        {"name": "Version 1", "due": "2025-03-31"}, {"name": "Version 2", "due": "2025-06-30"}])
    data = client.get("/v1/portfolio", params={"as_of": "2025-05-01"}).json()
    (row,) = data["rows"]
    assert [m["name"] for m in row["late"]] == ["Version 1"]
    assert row["late"][0]["days_late"] == 31
    assert [m["name"] for m in row["due_soon"]] == ["Version 2"]
    assert data["totals"]["late"] == 1
    digest = client.get("/v1/digest", params={"as_of": "2025-05-01", "days": 7}).json()
    assert digest["since"] == "2025-04-24"
    (owner,) = digest["owners"]
    assert owner["owner"] == "Ana <b>Lead</b>" and owner["email"] == "ana@voltra.example"
    assert_error(client.get("/v1/digest", params={"days": 0}), 422, "validation")
    assert_error(client.get("/v1/portfolio", params={"as_of": "2025-13-01"}), 422,
                 "validation")
    page = client.get("/dashboard", params={"as_of": "2025-05-01"})
    assert page.status_code == 200 and "Content-Security-Policy" in page.text
    # the row opens the company in the explorer; the lead's markup stays text
    assert "/?focus=company%3Avoltra" in page.text
    assert "<b>Lead</b>" not in page.text
