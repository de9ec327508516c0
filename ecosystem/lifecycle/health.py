"""Health diagnosis of a partnership, period by period (docs/method.md, stage 4).

For each review period (half-yearly by default, calendar-aligned: January and July) the
diagnosis reports

* **KPI gaps**: per KPI, the mean actual against the target and the *attainment*
  ``actual / target`` (``target / actual`` when lower is better);
* **milestone hit rate**: of the milestones due in the period (and due before the as-of
  day), the share delivered on or before their due day; the **delivery-delay rate** is the
  rest (delivered late, or overdue), and the mean delay in days;
* **satisfaction**: the latest partner-satisfaction score as a share of its scale, and its
  change from the previous score (the trend); the scores are those of satisfaction KPIs and
  the quarterly means of two-sided surveys (:mod:`ecosystem.lifecycle.surveys`, rounds
  large enough to be shown), and each period names the survey dimension that moved most;
* **communication**: meetings held per tracked level against the cadence, counting only
  the days the partnership was operating (active, under review, in a buffer period,
  transformed or exiting).

The **health index** (0-100) is the weighted mean of five component scores in [0, 1]:

    index = 100 * sum(w_c * s_c) / sum(w_c)   over the components c with data

with ``s_kpi`` = the KPI-weighted mean of ``min(attainment, 1)``, ``s_milestones`` = the hit
rate, ``s_satisfaction`` = the latest score / scale, ``s_communication`` = the mean over
levels of ``min(held / expected, 1)`` and ``s_budget`` = one minus the mean overspend
share of the budget lines of the period (:func:`~ecosystem.lifecycle.resources.budget_score`).
Default weights (:class:`HealthWeights`) are 0.4, 0.3, 0.2, 0.1 and 0.1; a component without
data in the period is left out and the others renormalised. Bands: ``healthy`` (>= 70),
``watch`` (>= 50), ``critical`` (< 50).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ecosystem.dates import add_months, checked_day
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.records import Partnership
from ecosystem.lifecycle.resources import budget_score
from ecosystem.lifecycle.surveys import dimension_moves, survey_series

__all__ = ["BANDS", "HealthWeights", "KpiGap", "PeriodHealth", "band", "diagnose",
           "period_start"]

#: Lowest index of each band, best first.
BANDS: tuple[tuple[str, float], ...] = (("healthy", 70.0), ("watch", 50.0),
                                        ("critical", 0.0))


@dataclass(frozen=True)
class HealthWeights:
    """Weights of the health index components (any non-negative numbers)."""

    kpis: float = 0.4
    milestones: float = 0.3
    satisfaction: float = 0.2
    communication: float = 0.1
    budget: float = 0.1

    @classmethod
    def parse(cls, text: str) -> HealthWeights:
        """Weights from ``name=weight,...``; components not named get 0.

        Examples
        --------
        >>> HealthWeights.parse("kpis=2,milestones=1")
        HealthWeights(kpis=2.0, milestones=1.0, satisfaction=0.0, communication=0.0, budget=0.0)
        """
        values = dict.fromkeys(asdict(cls()), 0.0)
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, _, number = part.partition("=")
            if name.strip() not in values:
                raise InvalidValue(f"unknown health weight {name.strip()!r}; weights: "
                                   f"{', '.join(values)}.", field="weights", value=part)
            try:
                values[name.strip()] = float(number)
            except ValueError:
                raise InvalidValue(f"health weight {part!r} is not name=number; write it "
                                   "like kpis=0.5.", field="weights", value=part) from None
        return cls(**values)

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not value >= 0:
                raise InvalidValue(f"health weight {name} is {value!r}; give a number of "
                                   "0 or more.", field=name, value=value)
        if not sum(asdict(self).values()) > 0:
            raise InvalidValue("every health weight is 0; give at least one a positive "
                               "weight.", field="weights", value=asdict(self))


@dataclass(frozen=True)
class KpiGap:
    """One KPI in one period."""

    kpi: str
    name: str
    metric: str
    target: float | None
    actual: float
    gap: float | None          # actual - target
    attainment: float | None   # 1.0 = on target


@dataclass(frozen=True)
class PeriodHealth:
    """The diagnosis of one period ``[start, end)``, using what was known by ``as_of``."""

    partnership: str
    start: dt.date
    end: dt.date
    stage: str | None
    kpis: tuple[KpiGap, ...]
    milestones_due: int
    milestones_on_time: int
    hit_rate: float | None
    delay_rate: float | None
    mean_delay_days: float | None
    satisfaction: float | None       # latest score / scale
    satisfaction_trend: float | None  # change from the previous score, in scale shares
    communication: dict[str, tuple[int, float]] = field(default_factory=dict)
    components: dict[str, float] = field(default_factory=dict)
    index: float | None = None
    survey_moves: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def band(self) -> str | None:
        return band(self.index)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["band"] = self.band
        for key in ("start", "end"):
            out[key] = out[key].isoformat()
        return out


def band(index: float | None) -> str | None:
    """The band of a health index.

    Examples
    --------
    >>> band(72.5), band(50.0), band(10.0), band(None)
    ('healthy', 'watch', 'critical', None)
    """
    if index is None:
        return None
    return next(name for name, low in BANDS if index >= low)


def period_start(day: dt.date, months: int) -> dt.date:
    """The first day of the ``months``-long calendar period holding ``day``.

    Examples
    --------
    >>> period_start(dt.date(2025, 9, 14), 6), period_start(dt.date(2025, 9, 14), 3)
    (datetime.date(2025, 7, 1), datetime.date(2025, 7, 1))
    """
    index = (day.year * 12 + day.month - 1) // months * months
    return dt.date(index // 12, index % 12 + 1, 1)


def diagnose(partnership: Partnership, *, as_of: dt.date,
             months: int | None = None, weights: HealthWeights | None = None
             ) -> list[PeriodHealth]:
    """The health of ``partnership`` in every period from its first record to ``as_of``.

    Parameters
    ----------
    partnership
        The partnership with its records.
    as_of
        Use only what was known before this day (default: today).
    months
        Period length (default: the partnership's ``review_months``, else 6).
    weights
        Index weights (default :class:`HealthWeights`).

    Returns
    -------
    list of PeriodHealth, oldest first; empty before the first record.
    """
    day = checked_day(as_of)
    months = months or partnership.review_months
    weights = weights or HealthWeights()
    days = [d for d in (*(s.date for s in partnership.stages),
                        *(m.due for m in partnership.milestones),
                        *(a.period for a in partnership.actuals),
                        *(m.date for m in partnership.meetings)) if d < day]
    if not days:
        return []
    scores = _merged_scores([*satisfaction_series(partnership, day),
                             *survey_series(partnership, as_of=day)])
    out = []
    start = period_start(min(days), months)
    while start < day:
        end = add_months(start, months)
        out.append(_period(partnership, start, end, day, weights, scores))
        start = end
    return out


def _period(p: Partnership, start: dt.date, end: dt.date, as_of: dt.date,
            weights: HealthWeights, scores: list[tuple[dt.date, float, Sequence[str]]]
            ) -> PeriodHealth:
    cut = min(end, as_of)
    components: dict[str, float] = {}
    gaps = _kpi_gaps(p, start, end, as_of)
    scored = [(g, p.kpi(g.kpi)) for g in gaps if g.attainment is not None]
    total_weight = sum(float(k.weight if k.weight is not None else 1) for _, k in scored)
    if scored and total_weight > 0:
        components["kpis"] = sum(min(g.attainment or 0.0, 1.0) *
                                 float(k.weight if k.weight is not None else 1)
                                 for g, k in scored) / total_weight
    due = [m for m in p.milestones if start <= m.due < cut]
    on_time = [m for m in due if m.is_on_time]
    late_days = [((m.delivered if m.delivered and m.delivered <= as_of else cut) - m.due).days
                 for m in due if not m.is_on_time]
    hit = len(on_time) / len(due) if due else None
    if hit is not None:
        components["milestones"] = hit
    satisfaction, trend = _satisfaction(scores, end)
    if satisfaction is not None:
        components["satisfaction"] = satisfaction
    communication = {}
    # Meetings are expected only while the partnership operates.
    span = sum((min(e, cut) - max(b, start)).days for b, e in p.operating_spans(cut)
               if e > start)
    for level, every in p.cadence().items():
        held = sum(1 for m in p.meetings if m.level == level and start <= m.date < cut)
        expected = span / every
        if expected >= 1:
            communication[level] = (held, expected)
    if communication:
        components["communication"] = sum(min(h / e, 1.0) for h, e in
                                          communication.values()) / len(communication)
    spent = budget_score(p, start, end, as_of) if p.budget else None
    if spent is not None:
        components["budget"] = spent
    w = asdict(weights)
    used = {c: w[c] for c in components if w[c] > 0}
    index = (100 * sum(components[c] * w[c] for c in used) / sum(used.values())
             if used else None)
    return PeriodHealth(
        partnership=p.id, start=start, end=end, stage=p.stage_on(cut - dt.timedelta(days=1)),
        kpis=tuple(gaps), milestones_due=len(due), milestones_on_time=len(on_time),
        hit_rate=hit, delay_rate=None if hit is None else 1 - hit,
        mean_delay_days=sum(late_days) / len(late_days) if late_days else None,
        satisfaction=satisfaction, satisfaction_trend=trend,
        communication=communication, components=components,
        index=None if index is None else round(index, 1),
        survey_moves=dimension_moves(p, as_of=cut) if p.surveys else {})


def _kpi_gaps(p: Partnership, start: dt.date, end: dt.date, as_of: dt.date
              ) -> list[KpiGap]:
    gaps = []
    for kpi in p.kpis:
        rows = [a for a in p.actuals if a.kpi == kpi.id and start <= a.period < end
                and a.known_from <= as_of]
        if not rows:
            continue
        actual = sum(a.actual for a in rows) / len(rows)
        targets = [a.target if a.target is not None else kpi.target for a in rows]
        known = [t for t in targets if t is not None]
        target = sum(known) / len(known) if known else None
        attainment = None
        if target is not None:
            if kpi.is_lower_better:
                attainment = target / actual if actual > 0 else None
            else:
                attainment = actual / target if target else None
        gaps.append(KpiGap(kpi.id, kpi.name or kpi.id, kpi.metric, target, actual,
                           None if target is None else actual - target,
                           None if attainment is None else max(attainment, 0.0)))
    return gaps


def _merged_scores(scores: list[tuple[dt.date, float, Sequence[str]]]
                   ) -> list[tuple[dt.date, float, Sequence[str]]]:
    """Satisfaction KPI figures and survey rounds of one period averaged into one score."""
    by_period: dict[dt.date, list[tuple[float, Sequence[str]]]] = {}
    for period, share, ids in scores:
        by_period.setdefault(period, []).append((share, ids))
    return [(period, sum(v for v, _ in rows) / len(rows), [i for _, ids in rows for i in ids])
            for period, rows in sorted(by_period.items())]


def _satisfaction(scores: list[tuple[dt.date, float, Sequence[str]]], end: dt.date
                  ) -> tuple[float | None, float | None]:
    known = [(period, share) for period, share, _ in scores if period < end]
    if not known:
        return None, None
    latest = known[-1][1]
    trend = latest - known[-2][1] if len(known) > 1 else None
    return latest, trend


def satisfaction_series(p: Partnership, as_of: dt.date
                        ) -> list[tuple[dt.date, float, Sequence[str]]]:
    """``(period, score / scale, actual ids)`` of every satisfaction figure known by
    ``as_of``, by period; several KPIs or figures in one period are averaged."""
    scales = {k.id: float(k.scale_max or 5) for k in p.kpis if k.metric == "satisfaction"}
    by_period: dict[dt.date, list[tuple[float, str]]] = {}
    for a in p.actuals:
        if a.kpi in scales and a.known_from <= as_of:
            by_period.setdefault(a.period, []).append((a.actual / scales[a.kpi], a.id))
    return [(period, sum(v for v, _ in rows) / len(rows), [i for _, i in rows])
            for period, rows in sorted(by_period.items())]
