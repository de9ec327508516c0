"""A generated portfolio of partnerships (seeded, so the same every time), for the dashboard
tests and bench/bench_dashboard.py: companies, and per partnership its stages, milestones
(some late), risks, KPIs with actuals, and meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ecosystem.io.batch import ROW, RawTable
from ecosystem.model import NODE_SCHEMAS, NodeKind
from ecosystem.stores.base import Store

__all__ = ["generate_portfolio"]


def _table(kind: NodeKind, rows: list[dict[str, Any]]) -> RawTable:
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(NODE_SCHEMAS[kind].table, "generated", frame)


def generate_portfolio(store: Store, n: int = 500, *, seed: int = 7,
                       start: dt.date = dt.date(2024, 1, 1),
                       names: dict[int, str] | None = None) -> None:
    """``n`` partnerships between ``n + 20`` generated companies, in one write; ``names``
    overrides the names of some partnerships (by number)."""
    rng = np.random.default_rng(seed)
    companies = [{"id": f"firm-{i:04d}", "name": f"Firm {i:04d}"} for i in range(n + 20)]
    tables: dict[NodeKind, list[dict[str, Any]]] = {k: [] for k in (
        NodeKind.PARTNERSHIP, NodeKind.STAGE_CHANGE, NodeKind.MILESTONE, NodeKind.RISK,
        NodeKind.KPI, NodeKind.KPI_ACTUAL, NodeKind.MEETING)}
    stages = ["identified", "evaluating", "negotiating", "active"]
    for i in range(n):
        pid = f"p-{i:04d}"
        began = start + dt.timedelta(days=int(rng.integers(0, 365)))
        a, b = rng.choice(len(companies), 2, replace=False)
        tables[NodeKind.PARTNERSHIP].append({
            "id": pid, "name": (names or {}).get(i, f"Partnership {i:04d}"),
            "company": companies[a]["id"], "partner": companies[b]["id"],
            "lead": f"Lead {i % 37:02d}", "review_months": 3, "executive_days": 91})
        reached = int(rng.integers(1, len(stages) + 1))
        for s in range(reached):
            tables[NodeKind.STAGE_CHANGE].append({
                "id": f"{pid}/stage/{s + 1:03d}", "partnership": pid,
                "date": (began + dt.timedelta(days=20 * s)).isoformat(), "stage": stages[s]})
        active = began + dt.timedelta(days=20 * (reached - 1))
        for m in range(int(rng.integers(2, 7)) if reached == len(stages) else 0):
            due = active + dt.timedelta(days=60 * (m + 1))
            slip = int(rng.integers(-20, 1)) if rng.random() < 0.9 else int(rng.integers(5, 60))
            delivered = due + dt.timedelta(days=slip)
            tables[NodeKind.MILESTONE].append({
                "id": f"{pid}/m/{m}", "partnership": pid, "name": f"Milestone {m + 1}",
                "due": due.isoformat(),
                "delivered": delivered.isoformat() if rng.random() < 0.9 else None})
        for r in range(int(rng.integers(0, 4))):
            tables[NodeKind.RISK].append({
                "id": f"{pid}/risk/{r}", "partnership": pid, "name": f"Risk {r + 1}",
                "category": "operational", "severity": int(rng.integers(1, 6)),
                "likelihood": int(rng.integers(1, 6)), "assessed": began.isoformat()})
        if reached == len(stages):
            tables[NodeKind.KPI].append({"id": f"{pid}/rev", "partnership": pid,
                                         "metric": "other", "name": "Joint revenue",
                                         "target": 100.0})
            for q in range(4):
                period = dt.date(active.year + (active.month - 1 + 3 * q) // 12,
                                 (active.month - 1 + 3 * q) % 12 + 1, 1)
                tables[NodeKind.KPI_ACTUAL].append({
                    "id": f"{pid}/rev/{period.isoformat()}", "kpi": f"{pid}/rev",
                    "period": period.isoformat(), "actual": float(rng.integers(40, 140))})
            for k in range(10):
                if rng.random() < 0.85:
                    tables[NodeKind.MEETING].append({
                        "id": f"{pid}/meeting/{k}", "partnership": pid, "level": "executive",
                        "date": (active + dt.timedelta(days=80 * k + 5)).isoformat()})
    store.write([_table(NodeKind.COMPANY, companies),
                 *(_table(kind, rows) for kind, rows in tables.items() if rows)])
