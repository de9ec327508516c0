"""The METHOD.md worked case, replayed through every stage with library calls.

Notebook 04 walks the same steps with pictures; this module lets the tests replay them.
"""

from __future__ import annotations

import datetime as dt

from ecosystem import lifecycle as lc
from ecosystem.demo import build_worked_case, worked_case_folder
from ecosystem.editing import upsert_node, upsert_relationship
from ecosystem.model import NodeKind, RelKind
from ecosystem.scanning.scan import scan_partners
from ecosystem.stores.base import Store

PID = "voltra-cortex"


def every(start: str, end: str, days: int) -> list[str]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [(first + dt.timedelta(days=k)).isoformat()
            for k in range(0, (last - first).days + 1, days)]


def replay(store: Store) -> str:
    """Replay the case into ``store``; returns the partner the scan chose."""
    build_worked_case(store)
    # 1. Plan and identify: the scan over Voltra's needs picks the partner.
    chosen = scan_partners(store, "voltra", top=3).candidates[0].company
    lc.create_partnership(store, PID, "voltra", chosen, name="Smart cockpit",
                          date="2024-01-08", need="voltra/cockpit-fusion",
                          reason="top candidate of the cockpit-fusion scan")
    lc.change_stage(store, PID, "evaluating", date="2024-01-22",
                    reason="fit: 5-year strategy cycles on both sides, compatible cultures")
    # 2. Establish and negotiate: the risk map, the pilot, the agreement.
    folder = worked_case_folder() / "lifecycle"
    lc.import_records(store, folder / "risks.csv", partnership=PID)
    lc.change_stage(store, PID, "negotiating", date="2024-05-06",
                    reason="pilot prototype delivered")
    upsert_node(store, NodeKind.PARTNERSHIP, {
        "id": PID, "form": "joint R&D", "signed": "2024-06-03",
        "goals": "joint R&D of cockpit-driving fusion; regional launches EU 2025, SEA 2025",
        "ip_ownership": "shared patents", "cost_share": 0.5,
        "exit_mechanism": "6 months' notice; licences wound down stepwise",
        "review_months": 3, "executive_days": 14, "management_days": 30})
    lc.change_stage(store, PID, "active", date="2024-06-03", reason="master agreement and "
                    "technology annex signed")
    lc.import_records(store, folder / "milestones.csv", partnership=PID)
    lc.import_records(store, folder / "kpis.csv", partnership=PID)
    # 3. Operate: executive meetings every two weeks, monthly technical reviews.
    lc.add_records(store, "meetings", [
        *({"level": "executive", "date": d} for d in every("2024-06-05", "2026-06-30", 14)),
        *({"level": "management", "date": d, "topic": "technical review"}
          for d in every("2024-06-12", "2026-06-30", 28))], partnership=PID)
    lc.add_records(store, "incidents", [{
        "name": "Algorithm-fit conflict: fusion model vs sensor timing", "date": "2024-12-10",
        "category": "conflict", "severity": "minor",
        "root_cause": "sensor timestamp drift not in the interface spec",
        "responsibility": "shared 50/50",
        "remedy": "free system upgrade from Cortex; interface spec updated",
        "resolved": "2025-01-20"}], partnership=PID)
    # 4. Evaluate: quarterly KPI actuals; the partnership widens into an alliance.
    lc.import_records(store, folder / "kpi_actuals.csv", partnership=PID)
    upsert_node(store, NodeKind.PROGRAMME, {"id": "smart-mobility", "name":
                                            "Smart Mobility Alliance", "owner": "voltra"})
    for member in ("voltra", chosen, "cellix"):
        upsert_relationship(store, RelKind.MEMBER_OF, {
            "source": member, "target": "smart-mobility", "since": "2025-07-01",
            "tier": "Founding"})
    # 5. Terminate and transform: the partner pivots; a buffer period; a transformation.
    lc.add_records(store, "incidents", [{
        "name": "Cortex pivots to enterprise AI platforms", "date": "2025-09-15",
        "category": "strategy_change", "severity": "major"}], partnership=PID)
    lc.change_stage(store, PID, "buffer_period", date="2025-10-15",
                    reason="partner's change of direction; assess a transformation")
    lc.transform(store, PID, form="technology licence + ecosystem partnership",
                 date="2026-03-02", reason="joint R&D ends; Cortex licenses the stack")
    return chosen
