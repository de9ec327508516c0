"""Where each partnership stands on a day: stage, health and open alerts.

What the CLI's ``partnership list`` and ``show``, the API and the views read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from ecosystem.dates import checked_day
from ecosystem.lifecycle.agreement import agreement_on, agreement_versions
from ecosystem.lifecycle.conflicts import conflicts
from ecosystem.lifecycle.health import HealthWeights, PeriodHealth, diagnose
from ecosystem.lifecycle.records import Partnership, load_partnerships, plain
from ecosystem.lifecycle.resources import attribution, budget, pool_warnings, rotations
from ecosystem.lifecycle.rules import Alert, RuleConfig, evaluate
from ecosystem.lifecycle.surveys import MIN_GROUP, dimension_moves, survey_rounds
from ecosystem.model import NodeKind
from ecosystem.stores.base import Store

__all__ = ["PartnershipStatus", "drawn_band", "partnership_report", "status", "status_from",
           "statuses"]


@dataclass(frozen=True)
class PartnershipStatus:
    """One partnership on one day."""

    id: str
    name: str
    company: str
    partner: str
    stage: str | None
    stage_since: dt.date | None
    form: str | None
    health: float | None
    band: str | None
    open_alerts: tuple[Alert, ...]

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["stage_since"] = self.stage_since.isoformat() if self.stage_since else None
        out["open_alerts"] = [a.as_dict() for a in self.open_alerts]
        return out


#: The band an open alert of each level draws a partnership in, at least.
_ALERT_BANDS = {"hard_trigger": "critical", "executive": "critical", "warning": "watch"}
_BAND_ORDER = ("unknown", "healthy", "watch", "critical")


def drawn_band(s: PartnershipStatus) -> str:
    """The band a partnership is drawn in: its health band, made worse by its open alerts
    (a warning draws it at least "watch", an executive alert or a hard termination trigger
    "critical"); a partnership with open warnings is never drawn healthy."""
    bands = [s.band or "unknown", *(_ALERT_BANDS[a.level] for a in s.open_alerts
                                     if a.level in _ALERT_BANDS)]
    return max(bands, key=_BAND_ORDER.index)


def status(p: Partnership, *, as_of: dt.date, config: RuleConfig | None = None,
           weights: HealthWeights | None = None) -> PartnershipStatus:
    """Stage, latest health and open alerts of ``p`` on ``as_of`` (default today)."""
    day = checked_day(as_of)
    return status_from(p, day, diagnose(p, as_of=day, weights=weights),
                   evaluate(p, as_of=day, config=config))


def status_from(p: Partnership, day: dt.date, periods: list[PeriodHealth],
                alerts: list[Alert]) -> PartnershipStatus:
    """The status of ``p`` on ``day`` from its diagnosed periods and evaluated alerts."""
    health = _latest_health(periods)
    form = next((s.form for s in reversed(p.stages) if s.form and s.date <= day), None)
    return PartnershipStatus(
        p.id, p.name, p.company, p.partner, p.stage_on(day), p.stage_since(day),
        form or p.properties.get("form"), health.index if health else None,
        health.band if health else None, tuple(a for a in alerts if a.is_open))


def statuses(store: Store, *, as_of: dt.date, company: str | None = None,
             config: RuleConfig | None = None) -> list[PartnershipStatus]:
    """The status of every partnership (of ``company``, on either side, if given)."""
    if company is not None:
        company = store.node(NodeKind.COMPANY, company).id  # NodeNotFound with suggestions
    return [status(p, as_of=as_of, config=config)
            for p in load_partnerships(store, company=company)]


def _latest_health(periods: list[PeriodHealth]) -> PeriodHealth | None:
    """The latest period with an index (the current one may have no data yet)."""
    return next((h for h in reversed(periods) if h.index is not None), None)


def partnership_report(p: Partnership, *, as_of: dt.date,
                       config: RuleConfig | None = None,
                       weights: HealthWeights | None = None,
                       store: Store | None = None) -> dict[str, Any]:
    """Everything about ``p`` on ``as_of`` as plain data (JSON-ready); with ``store``, the
    evaluation from the graph too (joint patents as KPI actuals, ecosystem influence:
    :mod:`ecosystem.lifecycle.evaluation`)."""
    day = checked_day(as_of)
    evaluated: dict[str, Any] | None = None
    if store is not None:
        from ecosystem.lifecycle.evaluation import (
            evaluation,
            partnership_start,
            with_graph_kpis,
        )

        p = with_graph_kpis(store, p, as_of=day)
        start = partnership_start(p)
        if start is not None and start <= day:
            evaluated = evaluation(store, p, as_of=day)

    periods = diagnose(p, as_of=day, weights=weights)
    alerts = evaluate(p, as_of=day, config=config)
    current = status_from(p, day, periods, alerts)
    return {
        "partnership": {"id": p.id, "name": p.name, "company": p.company,
                        "partner": p.partner, **{k: v for k, v in p.properties.items()
                                                 if k not in ("name", "company", "partner")}},
        "as_of": day.isoformat(),
        "stage": current.stage,
        "stage_since": current.stage_since.isoformat() if current.stage_since else None,
        "form": current.form,
        "stages": [plain(s) for s in p.stages if s.date <= day],
        "risks": [{**plain(r), "score": r.score} for r in p.risks],
        "milestones": [{**plain(m), "on_time": m.is_on_time if m.due < day else None}
                       for m in p.milestones],
        "kpis": [plain(k) for k in p.kpis],
        "actuals": [plain(a) for a in p.actuals if a.known_from <= day],
        "cadence_days": p.cadence(),
        "meetings": [plain(m) for m in p.meetings if m.date <= day],
        "incidents": [plain(i) for i in p.incidents if i.date <= day],
        "exit_steps": [plain(s) for s in p.exit_steps],
        "conflicts": [c.as_dict() for c in conflicts(p, as_of=day)],
        "agreement": {
            "versions": [v.isoformat() for v in agreement_versions(p) if v <= day],
            "clauses": [plain(c) for c in agreement_on(p, day).values()]},
        "budget": [r.as_dict() for r in budget(p, as_of=day)],
        "reallocations": [plain(r) for r in p.reallocations],
        "pool": [plain(e) for e in p.pool],
        "pool_warnings": [w.as_dict() for w in pool_warnings(p)],
        "attribution": attribution(p, as_of=day),
        "rotations": rotations(p, as_of=day),
        "evaluation": evaluated,
        "surveys": {"min_group": MIN_GROUP,
                    "rounds": [r.as_dict() for r in survey_rounds(p, as_of=day)],
                    "moves": dimension_moves(p, as_of=day)},
        "health": [h.as_dict() for h in periods],
        "alerts": [a.as_dict() for a in alerts],
    }
