"""The rest of the method, part one (issue 21): the conflict log (five whys, fishbone,
responsibility split, remedial milestones, proposed clause update), agreement versions and
their diff, two-sided surveys; on the worked case, with hand-checked values, and bad input
refused whole."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem import lifecycle as lc
from ecosystem.cli import cli
from ecosystem.errors import ImportRefused, InvalidValue
from ecosystem.lifecycle.agreement import agreement_diff, agreement_on, agreement_versions
from ecosystem.lifecycle.conflicts import conflict
from ecosystem.lifecycle.editing import import_survey
from ecosystem.lifecycle.surveys import dimension_moves, survey_rounds
from ecosystem.model import NodeKind
from ecosystem.stores.base import Store
from ecosystem.stores.embedded import EmbeddedStore
from tests.lifecycle.worked_case import PID, replay

INCIDENT = f"{PID}/incident/001"  # the algorithm-fit conflict of December 2024


@pytest.fixture
def case(store: Store) -> Store:
    replay(store)
    return store


def _snapshot(store: Store) -> object:
    return sorted((n.kind, n.id, sorted(n.properties.items()))
                  for kind in NodeKind for n in store.nodes(kind))


def _conflict_recorded(store: Store) -> None:
    """The worked case's conflict, written up as the method asks (stage 3.3)."""
    lc.add_records(store, "clauses", [
        {"clause": "interface-spec", "effective": "2024-06-03", "cause": "signature",
         "text": "Sensor data follow interface spec v1."},
        {"clause": "cost-share", "effective": "2024-06-03", "cause": "signature",
         "text": "Costs are shared 50/50."},
        {"clause": "ip", "effective": "2024-06-03", "cause": "signature",
         "text": "Joint patents are co-owned."}], partnership=PID)
    lc.add_records(store, "incidents", [{
        "id": INCIDENT, "company_share": 50, "partner_share": 50, "loss": 120000,
        "currency": "EUR", "clause": "interface-spec"}], partnership=PID)
    lc.add_records(store, "whys", [
        {"incident": INCIDENT, "step": 1, "why": "Fusion output lagged the sensors",
         "evidence": "drive log 2024-12-09", "cause": "technology"},
        {"incident": INCIDENT, "step": 2, "why": "Sensor timestamps drifted",
         "evidence": "bench test", "cause": "technology"},
        {"incident": INCIDENT, "step": 3, "why": "Timestamp sync was not in the interface "
         "spec", "evidence": "spec v1, section 4", "cause": "contract"}], partnership=PID)
    lc.add_records(store, "milestones", [{
        "name": "Interface spec v2: timestamp sync", "due": "2025-01-15",
        "delivered": "2025-01-14", "owner_side": "joint", "incident": INCIDENT}],
        partnership=PID)


def test_the_conflict_log_of_the_worked_case_by_hand(case: Store) -> None:
    _conflict_recorded(case)
    c = conflict(lc.load_partnership(case, PID), INCIDENT, as_of=dt.date(2025, 2, 1))
    assert [w.step for w in c.chain] == [1, 2, 3]
    assert c.root_cause == "Timestamp sync was not in the interface spec"
    assert c.fishbone == {"technology": ("Fusion output lagged the sensors",
                                         "Sensor timestamps drifted"),
                          "contract": ("Timestamp sync was not in the interface spec",)}
    assert [(s.side, s.percent, s.amount) for s in c.shares] == [
        ("company", 50, 60000), ("partner", 50, 60000)]
    assert [(m.name, state) for m, state in c.remedial] == [
        ("Interface spec v2: timestamp sync", "delivered")]
    # resolved on 2025-01-20 and names its clause: an update of the clause is proposed
    assert c.proposal is not None
    assert (c.proposal["clause"], c.proposal["current_text"], c.proposal["effective"]) == (
        "interface-spec", "Sensor data follow interface spec v1.", "2025-01-20")
    assert "root cause Timestamp sync" in c.proposal["reason"]
    # before it was resolved, nothing is proposed; the open remedy was then open
    before = conflict(lc.load_partnership(case, PID), "incident/001",
                      as_of=dt.date(2025, 1, 10))
    assert before.proposal is None
    assert [state for _, state in before.remedial] == ["open"]


def _agreement_changed(store: Store) -> None:
    """The clause update the conflict led to, and the transformation's clauses."""
    lc.add_records(store, "clauses", [
        {"clause": "interface-spec", "effective": "2025-01-20", "cause": "incident",
         "incident": INCIDENT, "reason": "algorithm-fit conflict",
         "text": "Sensor data follow interface spec v2 (timestamp sync)."},
        {"clause": "cost-share", "effective": "2026-03-02", "retired": "true",
         "cause": "transformation", "reason": "joint R&D ends"},
        {"clause": "licence", "effective": "2026-03-02", "cause": "transformation",
         "text": "Cortex licenses the cockpit stack."}], partnership=PID)


def test_agreement_versions_and_their_diff_by_hand(case: Store) -> None:
    _conflict_recorded(case)
    _agreement_changed(case)
    p = lc.load_partnership(case, PID)
    # the update answered the incident: nothing is proposed any more
    assert conflict(p, INCIDENT, as_of=dt.date(2025, 6, 1)).proposal is None
    assert agreement_versions(p) == [dt.date(2024, 6, 3), dt.date(2025, 1, 20),
                                     dt.date(2026, 3, 2)]
    assert sorted(agreement_on(p, dt.date(2025, 6, 1))) == ["cost-share", "interface-spec",
                                                           "ip"]
    assert sorted(agreement_on(p, dt.date(2026, 6, 1))) == ["interface-spec", "ip",
                                                           "licence"]
    (changed,) = agreement_diff(p, 1, 2)
    assert (changed.clause, changed.change, changed.cause, changed.incident) == (
        "interface-spec", "changed", "incident", INCIDENT)
    assert changed.diff_lines() == ["-Sensor data follow interface spec v1.",
                                    "+Sensor data follow interface spec v2 (timestamp sync)."]
    assert [(c.clause, c.change) for c in agreement_diff(p, 2, 3)] == [
        ("cost-share", "retired"), ("licence", "added")]
    assert [(c.clause, c.change) for c in agreement_diff(p, 1, 3)] == [
        ("cost-share", "retired"), ("interface-spec", "changed"), ("licence", "added")]
    with pytest.raises(InvalidValue, match="versions 1 to 3, not 4"):
        agreement_diff(p, 1, 4)


def test_conflicts_and_agreement_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    with EmbeddedStore(db) as store:
        replay(store)
        _conflict_recorded(store)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--store", str(db), *args])
        assert result.exit_code == 0, result.output
        return result.output

    proposed = run("partnership", "conflicts", PID, "--as-of", "2025-06-01")
    assert "why 3: Timestamp sync was not in the interface spec  [contract]" in proposed
    assert "responsibility partner: 50%, 60,000.00 EUR" in proposed
    assert "proposed: update clause 'interface-spec'" in proposed
    run("partnership", "agreement", "update", PID, "interface-spec", "--effective",
        "2025-01-20", "--text", "Sensor data follow interface spec v2 (timestamp sync).",
        "--incident", INCIDENT, "--reason", "algorithm-fit conflict")
    logged = json.loads(run("partnership", "conflicts", PID, "--as-of", "2025-06-01",
                            "--json"))
    assert [len(c["chain"]) for c in logged] == [3]
    assert logged[0]["proposal"] is None
    assert logged[0]["shares"][1] == {"side": "partner", "percent": 50.0, "amount": 60000.0}
    shown = run("partnership", "agreement", "diff", PID, "1", "2025-06-01")
    assert "CHANGED  [interface-spec] effective 2025-01-20  (incident" in shown
    assert "+Sensor data follow interface spec v2 (timestamp sync)." in shown
    now = run("partnership", "agreement", "show", PID, "--as-of", "2025-06-01")
    assert "agreement version 2 on 2025-06-01 (since 2025-01-20)" in now
    report = run("partnership", "show", PID, "--as-of", "2025-06-01")
    assert ("root cause Timestamp sync was not in the interface spec; split company 50%, "
            "partner 50%; 1 remedial milestone(s)") in report
    assert "Agreement (version 2):" in report
    assert "[interface-spec] since 2025-01-20: Sensor data follow interface spec v2" in report
    bad = runner.invoke(cli, ["--store", str(db), "partnership", "agreement", "diff", PID,
                              "1", "7"])
    assert bad.exit_code != 0 and "versions 1 to 2, not 7" in bad.output


@pytest.mark.parametrize(("table", "row", "column", "words"), [
    ("incidents", {"id": INCIDENT, "company_share": 60, "partner_share": 30},
     "partner_share", "sums to 90%, not 100%"),
    ("incidents", {"id": INCIDENT, "company_share": 60}, "partner_share",
     "'company_share' is given but 'partner_share' is not"),
    ("incidents", {"id": INCIDENT, "loss": 5, "currency": "EURO"}, "currency",
     "unknown currency 'EURO'"),
    ("whys", {"incident": INCIDENT, "step": 2, "why": "x"}, "step",
     "has a gap: step 1 is missing before step 2"),
    ("survey_responses", {"side": "partner", "date": "2025-06-30", "trust": 7}, "trust",
     "answer 7 is out of range for a 1-5 scale"),
    ("clauses", {"clause": "ip", "effective": "2024-06-03"}, "text", "has no text"),
])
def test_bad_records_are_refused_naming_row_and_field_and_nothing_is_saved(
        case: Store, table: str, row: dict[str, object], column: str, words: str) -> None:
    before = _snapshot(case)
    with pytest.raises(ImportRefused) as refused:
        lc.add_records(case, table, [row], partnership=PID)
    (problem,) = refused.value.problems
    assert problem.column == column and words in problem.message, problem
    assert problem.file == "request" and problem.row == 2
    assert _snapshot(case) == before


def _form(path: Path, rows: list[tuple[str, str, int, int, int, int, int]]) -> Path:
    lines = ["Timestamp,Name,Email Address,Decision speed,Resource support,Communication,"
             "Value delivered,How much do you trust the partner? (trust)"]
    lines += [f"{day} 10:15:00,{who},{who}@example.com,{a},{b},{c},{d},{e}"
              for day, who, a, b, c, d, e in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_survey_form_export_becomes_anonymous_rounds_by_hand(
        case: Store, tmp_path: Path) -> None:
    partner_q2 = [("2025/06/02", "ann", 4, 4, 5, 4, 5), ("2025/06/03", "bo", 4, 3, 4, 4, 5),
                  ("2025/06/05", "cy", 5, 4, 4, 4, 5)]
    partner_q3 = [("2025/09/22", "ann", 3, 3, 4, 3, 2), ("2025/09/23", "bo", 4, 3, 4, 3, 3),
                  ("2025/09/25", "cy", 3, 4, 4, 3, 1)]
    company_q3 = [("2025/09/22", "dee", 4, 4, 4, 4, 4), ("2025/09/24", "eve", 5, 5, 5, 5, 5)]
    summary = import_survey(case, PID, _form(tmp_path / "p.csv", partner_q2 + partner_q3),
                            side="partner")
    assert summary.nodes_created == {"survey_response": 6}
    import_survey(case, PID, _form(tmp_path / "c.csv", company_q3), side="company")
    stored = case.nodes(NodeKind.SURVEY_RESPONSE)
    assert all(not {"name", "email_address"} & set(n.properties) for n in stored)
    assert not any("ann" in json.dumps(n.properties) for n in stored)
    p = lc.load_partnership(case, PID)
    rounds = survey_rounds(p, as_of=dt.date(2025, 12, 31))
    assert [(r.quarter.isoformat(), r.side, r.answers, r.shown) for r in rounds] == [
        ("2025-04-01", "partner", 3, True), ("2025-07-01", "company", 2, False),
        ("2025-07-01", "partner", 3, True)]
    q2, hidden, q3 = rounds
    assert hidden.means == {} and hidden.overall is None  # two answers: withheld
    assert q2.means["trust"] == 1.0 and q3.means["trust"] == pytest.approx(0.4)
    assert q2.means["decision_speed"] == pytest.approx(13 / 15, abs=1e-4)
    moves = dimension_moves(p, as_of=dt.date(2025, 12, 31))
    assert moves["partner"]["most"] == "trust"
    assert moves["partner"]["by"] == pytest.approx(-0.6)
    assert "company" not in moves  # its only round is withheld
    # with a group of two allowed, the company's round shows
    pair = survey_rounds(p, as_of=dt.date(2025, 12, 31), min_group=2)[1]
    assert pair.overall == pytest.approx(0.9)


def test_a_survey_export_from_excel_reads_the_same(case: Store, tmp_path: Path) -> None:
    import pandas as pd

    rows = [("2025/06/02", "ann", 4, 4, 5, 4, 5), ("2025/06/03", "bo", 4, 3, 4, 4, 5),
            ("2025/06/05", "cy", 5, 4, 4, 4, 5)]
    csv = pd.read_csv(_form(tmp_path / "form.csv", rows))
    csv["Timestamp"] = pd.to_datetime(csv["Timestamp"])  # Excel holds real timestamps
    book = tmp_path / "form.xlsx"
    csv.to_excel(book, index=False)
    import_survey(case, PID, book, side="company", scale_max=5)
    (shown,) = survey_rounds(lc.load_partnership(case, PID), as_of=dt.date(2025, 12, 31))
    assert (shown.side, shown.quarter, shown.answers) == ("company", dt.date(2025, 4, 1), 3)
    assert shown.means["trust"] == 1.0


def test_a_bad_survey_export_is_refused_whole(case: Store, tmp_path: Path) -> None:
    before = _snapshot(case)
    path = _form(tmp_path / "bad.csv", [("2025/06/02", "ann", 4, 4, 5, 4, 5),
                                        ("2025/06/03", "bo", 4, 9, 4, 4, 5)])
    with pytest.raises(ImportRefused) as refused:
        import_survey(case, PID, path, side="partner")
    (problem,) = refused.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "resource_support")
    assert "answer 9 is out of range for a 1-5 scale" in problem.message
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("Name,Comment\nann,fine\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="no column gives the day answered"):
        import_survey(case, PID, nothing, side="partner")
    assert _snapshot(case) == before


def test_survey_rounds_feed_the_health_index_and_name_the_dimension_that_moved(
        store: Store) -> None:
    from ecosystem.editing import upsert_node

    for company in ("a", "b"):
        upsert_node(store, NodeKind.COMPANY, {"id": company, "name": company.upper()})
    lc.create_partnership(store, "a-b", "a", "b", date=dt.date(2025, 1, 6))
    lc.change_stage(store, "a-b", "evaluating", date=dt.date(2025, 1, 7))
    lc.change_stage(store, "a-b", "negotiating", date=dt.date(2025, 1, 8))
    lc.change_stage(store, "a-b", "active", date=dt.date(2025, 1, 9))
    answers = [{"side": "partner", "date": f"2025-02-0{i}", "trust": 5, "communication": 4}
               for i in (1, 2, 3)]
    answers += [{"side": "partner", "date": f"2025-05-0{i}", "trust": 2, "communication": 4}
                for i in (1, 2, 3)]
    lc.add_records(store, "survey_responses", answers, partnership="a-b")
    periods = lc.diagnose(lc.load_partnership(store, "a-b"), as_of=dt.date(2025, 7, 1),
                          months=3)
    by_start = {h.start.isoformat(): h for h in periods}
    # Q1: (5/5 + 4/5) / 2 = 0.9; Q2: (2/5 + 4/5) / 2 = 0.6, trend -0.3
    assert by_start["2025-01-01"].components["satisfaction"] == pytest.approx(0.9)
    assert by_start["2025-04-01"].components["satisfaction"] == pytest.approx(0.6)
    assert by_start["2025-04-01"].satisfaction_trend == pytest.approx(-0.3)
    assert by_start["2025-04-01"].survey_moves["partner"]["most"] == "trust"
    assert by_start["2025-01-01"].survey_moves == {}
    # a satisfaction KPI's figure of the same quarter is averaged with the survey's
    lc.add_records(store, "kpis", [{"id": "a-b/sat", "name": "Satisfaction",
                                    "metric": "satisfaction", "scale_max": 5}],
                   partnership="a-b")
    lc.add_records(store, "kpi_actuals", [{"kpi": "a-b/sat", "period": "2025-04-01",
                                           "actual": 4, "reported": "2025-04-02"}])
    again = {h.start.isoformat(): h for h in lc.diagnose(
        lc.load_partnership(store, "a-b"), as_of=dt.date(2025, 7, 1), months=3)}
    assert again["2025-04-01"].components["satisfaction"] == pytest.approx((0.6 + 0.8) / 2)


def test_the_api_reports_conflicts_agreement_and_surveys(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from ecosystem.api.app import create_app
    from ecosystem.api.settings import Settings

    db = tmp_path / "case.db"
    with EmbeddedStore(db) as store:
        replay(store)
        _conflict_recorded(store)
        _agreement_changed(store)
    with TestClient(create_app(Settings(store=str(db), api_keys=("k" * 24,)))) as client:
        report = client.get(f"/v1/partnerships/{PID}?as_of=2025-06-01")
        assert report.status_code == 200, report.text
        body = report.json()
        assert body["conflicts"][0]["root_cause"] == ("Timestamp sync was not in the "
                                                      "interface spec")
        assert body["agreement"]["versions"] == ["2024-06-03", "2025-01-20"]
        assert body["surveys"] == {"min_group": 3, "rounds": [], "moves": {}}
        diff = client.get(f"/v1/partnerships/{PID}/agreement/diff?from=1&to=2026-06-01")
        assert diff.status_code == 200, diff.text
        assert [(c["clause"], c["change"]) for c in diff.json()] == [
            ("cost-share", "retired"), ("interface-spec", "changed"), ("licence", "added")]
        bad = client.get(f"/v1/partnerships/{PID}/agreement/diff?from=1&to=9")
        assert bad.status_code == 422 and "versions 1 to 3, not 9" in bad.text
        key = {"X-API-Key": "k" * 24}
        form = _form(tmp_path / "form.csv", [("2025/06/02", "ann", 4, 4, 5, 4, 5),
                                             ("2025/06/03", "bo", 4, 3, 4, 4, 5),
                                             ("2025/06/05", "cy", 5, 4, 4, 4, 5)])
        uploaded = client.post(f"/v1/partnerships/{PID}/surveys?side=partner", headers=key,
                               files={"file": ("form.csv", form.read_bytes(), "text/csv")})
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["nodes_created"] == {"survey_response": 3}
        rounds = client.get(f"/v1/partnerships/{PID}?as_of=2025-12-31").json()["surveys"]
        assert [(r["side"], r["answers"], r["shown"]) for r in rounds["rounds"]] == [
            ("partner", 3, True)]
        bad = _form(tmp_path / "bad.csv", [("2025/09/02", "ann", 4, 9, 5, 4, 5)])
        refused = client.post(f"/v1/partnerships/{PID}/surveys?side=partner", headers=key,
                              files={"file": ("bad.csv", bad.read_bytes(), "text/csv")})
        assert refused.status_code == 422
        assert "answer 9 is out of range" in refused.text and "bad.csv" in refused.text
        assert str(tmp_path) not in refused.text  # the file is named as the client sent it
        added = client.post(f"/v1/partnerships/{PID}/records/whys",
                            headers={"X-API-Key": "k" * 24},
                            json=[{"incident": INCIDENT, "step": 5, "why": "gap"}])
        assert added.status_code == 422 and "step 4 is missing" in added.text
