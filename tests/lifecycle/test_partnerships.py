"""Recording partnerships in a real store: the worked case, bad input refused whole,
imports from CSV and Excel, and the CLI."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecosystem import lifecycle as lc
from ecosystem.cli import cli
from ecosystem.editing import upsert_node
from ecosystem.errors import Conflict, ImportRefused, InvalidValue, NodeNotFound
from ecosystem.model import STAGES, NodeKind, RelKind
from ecosystem.stores.base import Store
from ecosystem.stores.embedded import EmbeddedStore
from tests.lifecycle.worked_case import PID, replay

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def case(store: Store) -> Store:
    replay(store)
    return store


def test_worked_case_produces_the_stages_and_alerts_of_the_method(case: Store) -> None:
    p = lc.load_partnership(case, PID)
    assert p.partner == "cortex"  # the scan picked the multi-modal interaction specialist
    assert [s.stage for s in p.stages] == ["identified", "evaluating", "negotiating",
                                           "active", "buffer_period", "transformed"]
    alerts = lc.evaluate(p, as_of=AS_OF)
    assert [(a.rule, a.date.isoformat(), a.resolved and a.resolved.isoformat())
            for a in alerts] == [
        # the algorithm-fit conflict delays version 2; the next executive meeting handles it
        ("delivery_delay", "2025-01-01", "2025-01-01"),
        # the partner pivots (soft trigger) and satisfaction falls twice: buffer period
        ("strategy_change", "2025-09-15", "2025-10-15"),
        ("satisfaction_decline", "2025-10-05", "2025-10-15"),
    ]
    assert alerts[1].buffer_until == dt.date(2026, 3, 15)
    # The transformation keeps the history on the graph.
    ties = [(r.since, r.until, r.properties["scope"])
            for r in case.relationships(RelKind.PARTNERS_WITH) if r.target == "cortex"]
    assert ties == [("2024-06-03", "2026-03-02", "joint R&D"),
                    ("2026-03-02", None, "technology licence + ecosystem partnership")]
    # Quarterly evaluation: UX +30% and R&D cycle -40% reached by mid-2025.
    health = {h.start.isoformat(): h for h in lc.diagnose(p, as_of=AS_OF)}
    gaps = {g.kpi: g for g in health["2025-07-01"].kpis}
    assert gaps["voltra-cortex/ux"].attainment >= 1
    assert gaps["voltra-cortex/rd-cycle"].actual <= 6
    assert health["2024-10-01"].hit_rate == 0  # version 2 was late
    assert health["2025-01-01"].band == "healthy"
    members = {r.source for r in case.relationships(RelKind.MEMBER_OF)
               if r.target == "smart-mobility"}
    assert members == {"voltra", "cortex", "cellix"}
    status = lc.status(p, as_of=AS_OF)
    assert status.stage == "transformed" and status.open_alerts == ()
    assert status.form == "technology licence + ecosystem partnership"


@pytest.mark.parametrize(("kind", "row", "column", "words"), [
    ("stage_changes", {"stage": "active", "date": "2026-07-01"}, "stage", "skips the rules"),
    ("stage_changes", {"stage": "ended", "date": "2025-01-01"}, "date", "out of order"),
    ("kpi_actuals", {"kpi": "voltra-cortex/nps", "period": "2026-04", "actual": 3}, "kpi",
     "nps"),
    ("kpi_actuals", {"kpi": "voltra-cortex/satisfaction", "period": "2026-04",
                     "actual": 7}, "actual", "0 to 5"),
    ("kpi_actuals", {"kpi": "voltra-cortex/rd-cycle", "period": "2026-04", "actual": -2},
     "actual", "above 0"),
    ("kpi_actuals", {"kpi": "voltra-cortex/ux", "period": "2026-04", "actual": 130,
                     "reported": "2026-03-01"}, "reported", "out of order"),
    ("milestones", {"name": "x", "due": "2026-13-01"}, "due", "date"),
    ("risks", {"name": "x", "category": "compliance", "severity": 9, "likelihood": 1},
     "severity", "5"),
    ("incidents", {"name": "x", "date": "2026-02-01", "category": "compliance",
                   "severity": "major", "resolved": "2026-01-01"}, "resolved", "out of order"),
])
def test_bad_records_are_refused_whole(case: Store, kind: str, row: dict[str, object],
                                       column: str, words: str) -> None:
    if kind == "stage_changes":
        lc.change_stage(case, PID, "ended", date=dt.date(2026, 6, 1))
    before = (case.counts(), case.generation())
    good = {"name": "fine", "due": "2026-09-30"}
    with pytest.raises(ImportRefused) as refused:
        if kind == "milestones":
            lc.add_records(case, kind, [good, row], partnership=PID)
        else:
            lc.add_records(case, kind, [row], partnership=PID)
    problem = refused.value.problems[0]
    assert problem.column == column and words in str(problem)
    assert problem.fix and problem.row is not None
    assert (case.counts(), case.generation()) == before


def test_partnership_with_itself_or_unknown_company_is_refused(store: Store) -> None:
    replay(store)
    with pytest.raises(ImportRefused, match="the company itself"):
        lc.create_partnership(store, "self", "voltra", "voltra")
    with pytest.raises(ImportRefused, match="nobody"):
        lc.create_partnership(store, "x", "voltra", "nobody")
    with pytest.raises(Conflict):
        lc.create_partnership(store, PID, "voltra", "cellix")
    with pytest.raises(NodeNotFound):
        lc.change_stage(store, "voltra-cortexx", "active")


def test_import_records_from_excel_and_csv(store: Store, tmp_path: Path) -> None:
    replay(store)
    workbook = tmp_path / "q3.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        pd.DataFrame([{"kpi": "ux", "period": "2026-07-01", "actual": 136}]).to_excel(
            writer, sheet_name="kpi_actuals", index=False)
        pd.DataFrame([{"name": "Version 7", "due": "2026-09-30"}]).to_excel(
            writer, sheet_name="milestones", index=False)
    summary = lc.import_records(store, workbook, partnership=PID)
    assert summary.nodes_created == {"kpi_actual": 1, "milestone": 1}
    p = lc.load_partnership(store, PID)
    assert p.actuals[-1].kpi == "voltra-cortex/ux" or any(
        a.id == "voltra-cortex/ux/2026-07-01" for a in p.actuals)
    assert p.milestones[-1].name == "Version 7"
    bad = tmp_path / "actuals.csv"
    bad.write_text("kpi,period,actual\nux,2026-10-01,140\nsatisfaction,2026-10-01,-1\n",
                   encoding="utf-8")
    before = store.counts()
    with pytest.raises(ImportRefused) as refused:
        lc.import_records(store, bad, table="kpi_actuals", partnership=PID)
    assert "actuals.csv row 3, column 'actual'" in str(refused.value)
    assert store.counts() == before


def test_exit_plan_steps_down_the_quota_and_tells_customers_first(case: Store) -> None:
    p = lc.load_partnership(case, PID)
    steps = lc.exit_plan(p, dt.date(2026, 7, 1), quota_step=0.25,
                         after_sales_owner="Voltra service")
    quotas = [s["quota"] for s in steps if s["action"] == "licence_reduction"]
    assert quotas == [0.75, 0.5, 0.25, 0.0]
    notice = next(s for s in steps if s["action"] == "customer_notice")
    assert notice["date"] == dt.date(2026, 7, 1)  # 6 months before the end on 2027-01-01
    assert steps[-1]["action"] == "statement" and steps[-1]["date"] == dt.date(2027, 1, 1)
    lc.save_exit_plan(case, PID, steps)
    assert len(lc.load_partnership(case, PID).exit_steps) == len(steps)


def test_delete_partnership_removes_its_records_only(case: Store) -> None:
    n = lc.delete_partnership(case, PID)
    assert n > 100
    assert not case.ids(NodeKind.MILESTONE) and not case.ids(NodeKind.PARTNERSHIP)
    assert case.relationships(RelKind.PARTNERS_WITH)  # the graph history stays


def test_cli_partnership_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, ["--store", "w.db", *args])
        assert result.exit_code == code, result.output
        return result.output

    from ecosystem.stores.base import open_store
    with open_store(tmp_path / "w.db") as store:
        replay(store)
    listed = json.loads(run("partnership", "list", "--as-of", "2026-06-30", "--json"))
    assert listed[0]["stage"] == "transformed" and listed[0]["band"] == "healthy"
    shown = run("partnership", "show", PID, "--as-of", "2025-12-31")
    assert "buffer_period" in shown and "Risk map" in shown and "GDPR" in shown
    assert json.loads(run("alerts", "--as-of", "2025-10-10", "--json"))[0]["rule"] in (
        "strategy_change", "satisfaction_decline")
    assert "No open alerts" in run("alerts", "--as-of", "2026-06-30")
    history = json.loads(run("alerts", "--all", "--as-of", "2026-06-30", "--json"))
    assert {a["rule"] for a in history} == {"delivery_delay", "strategy_change",
                                            "satisfaction_decline"}
    run("partnership", "add", PID, "milestones", "name=Version 7", "due=2026-03-31")
    late = json.loads(run("alerts", "--as-of", "2026-04-02", "--json"))
    assert [(a["rule"], a["date"], a["open"]) for a in late] == [
        ("delivery_delay", "2026-04-01", True)]
    # the executive meeting every two weeks resolves it
    later = json.loads(run("alerts", "--all", "--as-of", "2026-06-30", "--json"))
    assert [a["resolved"] for a in later if a["date"] == "2026-04-01"] == ["2026-04-08"]
    rules = tmp_path / "rules.yaml"
    rules.write_text("disabled: [delivery_delay]\n", encoding="utf-8")
    assert "No open alerts" in run("alerts", "--as-of", "2026-06-30", "--rules", str(rules))
    out = run("partnership", "stage", PID, "active", "--date", "2020-01-01", code=1)
    assert "out of order" in out
    health = json.loads(run("partnership", "health", PID, "--as-of", "2026-06-30",
                            "--weights", "milestones=1", "--json"))
    assert health[-2]["index"] == 0.0  # version 7 was due in Q1 2026 and is not delivered
    plan = run("partnership", "exit-plan", PID, "--start", "2026-07-01", "--save")
    assert "licence_reduction" in plan and "Saved" in plan
    run("partnership", "new", "voltra-cellix", "--company", "voltra", "--partner", "cellix",
        "--stage", "active", "--date", "2026-01-01", "--set", "cost_share=0.4")
    run("partnership", "new", "bad", "--company", "voltra", "--partner", "cellix",
        "--set", "cost_share=1.4", code=1)
    assert "voltra-cellix" in run("partnership", "list")
    assert "Deleted voltra-cellix" in run("partnership", "delete", "voltra-cellix")


def test_transformations_keep_the_history_of_each_relationship_kind(store: Store) -> None:
    from ecosystem.demo import build_worked_case
    from ecosystem.editing import upsert_relationship

    build_worked_case(store)
    # Competition -> complementarity: the rivalry ends, a partnership starts.
    upsert_relationship(store, RelKind.COMPETES_WITH, {"source": "voltra", "target": "siliq",
                                                       "since": "2020-01-01"})
    lc.create_partnership(store, "vs", "voltra", "siliq", stage="active", date=dt.date(2024, 1, 1))
    lc.transform(store, "vs", form="jointly written fast-charging standard",
                 date=dt.date(2025, 1, 1), ends=("partners_with", "competes_with"))
    rivalry = case_ties(store, RelKind.COMPETES_WITH, "siliq")
    assert rivalry == [("2020-01-01", "2025-01-01", None)]
    assert case_ties(store, RelKind.PARTNERS_WITH, "siliq") == [
        ("2024-01-01", "2025-01-01", "vs"),
        ("2025-01-01", None, "jointly written fast-charging standard")]
    # Co-development -> a market joint venture, then -> a loose alliance.
    lc.create_partnership(store, "vc", "voltra", "cellix", stage="active", date=dt.date(2024, 1, 1),
                          form="co-development")
    lc.transform(store, "vc", form="Voltra-Cellix Cells GmbH", becomes="joint_venture",
                 date=dt.date(2025, 1, 1))
    lc.change_stage(store, "vc", "transformed", form="purchasing + technical advisory",
                    date=dt.date(2026, 1, 1))
    assert case_ties(store, RelKind.JOINT_VENTURE, "cellix") == [
        ("2025-01-01", "2026-01-01", "Voltra-Cellix Cells GmbH")]
    ties = case_ties(store, RelKind.PARTNERS_WITH, "cellix")
    assert ("2026-01-01", None, "purchasing + technical advisory") in ties
    with pytest.raises(InvalidValue, match="form is empty"):
        lc.change_stage(store, "vc", "transformed", date=dt.date(2026, 6, 1))


def case_ties(store: Store, kind: RelKind, partner: str) -> list[tuple[object, ...]]:
    return [(r.since, r.until, r.properties.get("venture") or r.properties.get("scope")
             or r.properties.get("note", "").removeprefix("partnership ") or None)
            for r in store.relationships(kind) if r.target == partner or r.source == partner
            if "voltra" in (r.source, r.target)]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(STAGES), min_size=1, max_size=6))
def test_a_stage_history_is_stored_exactly_when_every_step_follows_the_rules(
        tmp_path: Path, stages: list[str]) -> None:
    allowed = all(b in lc.TRANSITIONS[a] for a, b in itertools.pairwise(stages))
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder, \
            EmbeddedStore(Path(folder) / "s.db") as store:
        upsert_node(store, NodeKind.COMPANY, {"id": "a", "name": "A"})
        upsert_node(store, NodeKind.COMPANY, {"id": "b", "name": "B"})
        upsert_node(store, NodeKind.PARTNERSHIP, {"id": "p", "name": "P", "company": "a",
                                                  "partner": "b"})
        rows = [{"id": f"p/{i}", "partnership": "p", "stage": stage,
                 "date": (dt.date(2024, 1, 1) + dt.timedelta(days=30 * i)).isoformat()}
                for i, stage in enumerate(stages)]
        try:
            lc.add_records(store, NodeKind.STAGE_CHANGE, rows)
        except ImportRefused as refused:
            assert not allowed
            assert "skips the rules" in str(refused)
            assert not store.ids(NodeKind.STAGE_CHANGE)
        else:
            assert allowed
            assert [s.stage for s in lc.load_partnership(store, "p").stages] == stages
