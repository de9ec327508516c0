"""The portfolio of partnerships on one day (docs/method.md 4.3, the PRMS dashboard):
every partnership's stage, health and its trend per quarter, open alerts by severity,
milestones due soon and late ones, risks, and KPIs against their targets; and the risk heat
map of the whole portfolio.

Only records known on the day are used, so a past day replays what the dashboard showed
then. Budget use is the actual spend against the budget after reallocations
(:func:`~ecosystem.lifecycle.resources.budget`), per currency, over the lines that have an
actual figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ecosystem.dates import checked_day
from ecosystem.lifecycle.health import HealthWeights, diagnose
from ecosystem.lifecycle.records import Partnership
from ecosystem.lifecycle.resources import budget
from ecosystem.lifecycle.rules import LEVEL_ORDER, RuleConfig, evaluate
from ecosystem.lifecycle.status import drawn_band, status_from

__all__ = ["DUE_DAYS", "portfolio"]

#: Milestones due within this many days count as "due soon".
DUE_DAYS = 90


def portfolio(partnerships: Iterable[Partnership], *, as_of: dt.date,
              config: RuleConfig | None = None, weights: HealthWeights | None = None,
              due_days: int = DUE_DAYS) -> dict[str, Any]:
    """The dashboard's data (JSON-ready): ``rows`` (one per partnership), ``heat`` (risk
    counts, ``heat[severity - 1][likelihood - 1]``), ``totals`` and the day."""
    day = checked_day(as_of)
    heat = [[0] * 5 for _ in range(5)]
    rows: list[dict[str, Any]] = []
    for p in sorted(partnerships, key=lambda p: p.id):
        periods = diagnose(p, as_of=day, weights=weights)
        alerts = evaluate(p, as_of=day, config=config)
        current = status_from(p, day, periods, alerts)
        quarters = diagnose(p, as_of=day, months=3, weights=weights)
        soon = [m for m in p.milestones
                if not _delivered(m.delivered, day) and day <= m.due < day + dt.timedelta(due_days)]
        late = [m for m in p.milestones if m.due < day and not _delivered(m.delivered, day)]
        risks = [r for r in p.risks if r.assessed is None or r.assessed <= day]
        for r in risks:
            if 1 <= int(r.severity) <= 5 and 1 <= int(r.likelihood) <= 5:
                heat[int(r.severity) - 1][int(r.likelihood) - 1] += 1
        by_level = {level: sum(a.level == level for a in current.open_alerts)
                    for level in LEVEL_ORDER}
        rows.append({
            "id": p.id, "name": p.name or p.id, "company": p.company, "partner": p.partner,
            "lead": p.properties.get("lead"), "partner_lead": p.properties.get("partner_lead"),
            "sponsor": p.properties.get("sponsor"),
            "stage": current.stage, "stage_since": _day(current.stage_since),
            "health": current.health, "band": current.band, "drawn_band": drawn_band(current),
            "trend": [{"quarter": q.start.isoformat(), "index": q.index} for q in quarters],
            "alerts": by_level, "open_alerts": len(current.open_alerts),
            "alert_lines": [f"{a.level}: {a.message}" for a in current.open_alerts],
            "due_soon": [_milestone(m) for m in soon],
            "late": [_milestone(m) | {"days_late": (day - m.due).days} for m in late],
            "risk_max": max((r.score for r in risks), default=None),
            "risks": len(risks),
            "kpis": _kpis(periods),
            "budget": _budget_use(p, day),
        })
    return {
        "as_of": day.isoformat(), "due_days": due_days, "rows": rows, "heat": heat,
        "levels": list(LEVEL_ORDER),
        "totals": {
            "partnerships": len(rows),
            "open_alerts": {level: sum(r["alerts"][level] for r in rows) for level in LEVEL_ORDER},
            "late": sum(len(r["late"]) for r in rows),
            "due_soon": sum(len(r["due_soon"]) for r in rows),
            "bands": {band: sum(r["drawn_band"] == band for r in rows)
                      for band in ("critical", "watch", "healthy", "unknown")},
        },
    }


def _budget_use(p: Partnership, day: dt.date) -> list[dict[str, Any]] | None:
    """Per currency: the budget and actual spend of the lines with an actual figure, and
    the share used; None without budget records."""
    if not p.budget:
        return None
    by_currency: dict[str, list[float]] = {}
    for r in budget(p, as_of=day):
        if r.actual is not None:
            totals = by_currency.setdefault(r.currency, [0.0, 0.0])
            totals[0] += r.budget
            totals[1] += r.actual
    return [{"currency": c, "budget": b, "actual": a, "used": a / b if b else None}
            for c, (b, a) in sorted(by_currency.items())]


def _delivered(delivered: dt.date | None, day: dt.date) -> bool:
    """Known delivered on ``day`` (a delivery recorded for a later day is not known yet)."""
    return delivered is not None and delivered <= day


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _milestone(m: Any) -> dict[str, Any]:
    return {"id": m.id, "name": m.name or m.id, "due": m.due.isoformat(),
            "owner_side": m.owner_side}


def _kpis(periods: list[Any]) -> list[dict[str, Any]]:
    """Each KPI's latest figure against its target (from the latest period that has it)."""
    latest: dict[str, dict[str, Any]] = {}
    for period in periods:
        for gap in period.kpis:
            latest[gap.kpi] = {"kpi": gap.kpi, "name": gap.name or gap.metric,
                               "target": gap.target, "actual": gap.actual,
                               "attainment": gap.attainment,
                               "period": period.start.isoformat()}
    return sorted(latest.values(), key=lambda k: k["kpi"])
