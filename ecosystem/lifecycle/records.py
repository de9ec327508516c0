"""A partnership and its records, read from the store into typed objects.

The records are nodes of the lifecycle kinds (:data:`~ecosystem.model.LIFECYCLE_KINDS`)
that point at their partnership; :func:`load_partnership` gathers them into one
:class:`Partnership` that the health diagnosis and the rules read. The objects can also be
built directly (the tests build hand-made histories that way).
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

from ecosystem.dates import add_months
from ecosystem.errors import InvalidValue
from ecosystem.model import (
    LEVELS,
    LIFECYCLE_KINDS,
    SURVEY_DIMENSIONS,
    TRANSITIONS,
    Node,
    NodeKind,
    RelKind,
    Stage,
    check_transition,
)
from ecosystem.stores.base import Store

__all__ = [
    "DEFAULT_CADENCE_DAYS",
    "OPERATING_STAGES",
    "TRANSITIONS",
    "BudgetLine",
    "Clause",
    "ExitStep",
    "Incident",
    "Kpi",
    "KpiActual",
    "Meeting",
    "Milestone",
    "Partnership",
    "PoolEntry",
    "ProtectedItem",
    "Reallocation",
    "Risk",
    "Rotation",
    "SharedCustomer",
    "StageChange",
    "SurveyResponse",
    "Why",
    "add_months",
    "check_transition",
    "load_partnership",
    "load_partnerships",
    "plain",
]

#: Stages in which the partnership runs: meetings are due and milestones count.
OPERATING_STAGES = frozenset({Stage.ACTIVE, Stage.UNDER_REVIEW, Stage.BUFFER_PERIOD,
                              Stage.TRANSFORMED, Stage.EXITING})
#: The method's default cadence per communication level, in days.
DEFAULT_CADENCE_DAYS: Mapping[str, int] = {"executive": 91, "management": 30, "team": 7}
_CADENCE_FIELDS = {level: f"{level}_days" for level in LEVELS}


R = TypeVar("R")


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def plain(record: Any) -> dict[str, Any]:
    """A record (a dataclass) as JSON-ready data: its fields, days as ISO text."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v
            for k, v in asdict(record).items()}


def _build(cls: type[R], values: Mapping[str, Any]) -> R:
    """A record from node properties: dates parsed, unknown properties ignored."""
    kwargs: dict[str, Any] = {}
    days = _date_fields(cls)  # type: ignore[arg-type]  # classes hash
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in values:
            kwargs[f.name] = _as_date(values[f.name]) if f.name in days else values[f.name]
    return cls(**kwargs)


@functools.cache
def _date_fields(cls: type) -> frozenset[str]:
    """The fields of a record class typed ``dt.date`` (or ``dt.date | None``)."""
    hints = typing.get_type_hints(cls)
    return frozenset(name for name, hint in hints.items()
                     if hint is dt.date or dt.date in typing.get_args(hint))


@dataclass(frozen=True)
class StageChange:
    """The partnership entered ``stage`` on ``date``."""

    id: str
    date: dt.date
    stage: str
    form: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Risk:
    """One due-diligence risk; ``score`` is severity x likelihood (1 to 25)."""

    id: str
    name: str
    category: str
    severity: int
    likelihood: int
    owner: str | None = None
    mitigation: str | None = None
    assessed: dt.date | None = None

    @property
    def score(self) -> int:
        return int(self.severity) * int(self.likelihood)


@dataclass(frozen=True)
class Milestone:
    """One annex row. It is *on time* when delivered on or before its due day."""

    id: str
    due: dt.date
    name: str = ""
    annex: str | None = None
    owner_side: str | None = None
    resources: str | None = None
    acceptance: str | None = None
    delivered: dt.date | None = None
    incident: str | None = None

    @property
    def is_on_time(self) -> bool:
        return self.delivered is not None and self.delivered <= self.due

    def is_late(self, day: dt.date) -> bool:
        """Known to be late on ``day``: it was due before ``day`` and not delivered on time.

        This uses nothing from after ``day``: a milestone due before ``day`` that was
        delivered on time was delivered before ``day`` too.
        """
        return self.due < day and not self.is_on_time

    def late_from(self) -> dt.date | None:
        """The first day on which it is known to be late (None if delivered on time)."""
        return None if self.is_on_time else self.due + dt.timedelta(days=1)


@dataclass(frozen=True)
class Kpi:
    """A KPI of the partnership."""

    id: str
    metric: str
    name: str = ""
    unit: str | None = None
    direction: str | None = None
    target: float | None = None
    scale_max: float | None = None
    weight: float | None = None

    @property
    def is_lower_better(self) -> bool:
        if self.direction:
            return self.direction == "lower"
        return self.metric in ("time_to_market", "rd_cycle_time")


@dataclass(frozen=True)
class KpiActual:
    """One KPI figure for the period starting on ``period``."""

    id: str
    kpi: str
    period: dt.date
    actual: float
    target: float | None = None
    reported: dt.date | None = None

    @property
    def known_from(self) -> dt.date:
        """The day the figure became known (``reported``, else the period's first day)."""
        return self.reported or self.period


@dataclass(frozen=True)
class Meeting:
    id: str
    level: str
    date: dt.date
    topic: str | None = None


@dataclass(frozen=True)
class Incident:
    id: str
    date: dt.date
    category: str
    severity: str
    name: str = ""
    root_cause: str | None = None
    responsibility: str | None = None
    company_share: float | None = None
    partner_share: float | None = None
    loss: float | None = None
    currency: str | None = None
    clause: str | None = None
    remedy: str | None = None
    resolved: dt.date | None = None


@dataclass(frozen=True)
class Why:
    """Step ``step`` of an incident's five-whys chain."""

    id: str
    incident: str
    step: int
    why: str
    evidence: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class BudgetLine:
    """One side's planned and actual spend and people, for a milestone or (``milestone``
    None) the whole partnership."""

    id: str
    side: str
    currency: str
    milestone: str | None = None
    planned: float | None = None
    actual: float | None = None
    people_planned: float | None = None
    people_actual: float | None = None
    date: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Reallocation:
    """Resources one side moves between milestones, decided by an executive meeting."""

    id: str
    meeting: str
    side: str
    from_milestone: str | None = None
    to_milestone: str | None = None
    amount: float | None = None
    currency: str | None = None
    people: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class PoolEntry:
    """One entry of the resource pool: a shared scope, a joint lab or a pooled patent."""

    id: str
    pool: str
    side: str
    name: str = ""
    technology_class: str | None = None
    capability: str | None = None
    patent: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class SharedCustomer:
    """An order of a customer served together, with each side's contribution in percent."""

    id: str
    customer: str
    date: dt.date
    order_value: float
    currency: str
    company_contribution: float
    partner_contribution: float


@dataclass(frozen=True)
class Rotation:
    """A person rotated from ``home_side`` to the other side, with a non-compete term."""

    id: str
    person: str
    home_side: str
    start: dt.date
    end: dt.date | None = None
    non_compete_until: dt.date | None = None
    now_at: str | None = None
    now_at_since: dt.date | None = None


@dataclass(frozen=True)
class ProtectedItem:
    """An item of a company's protected core-technology list."""

    id: str
    company: str
    technology_class: str | None = None
    capability: str | None = None
    patent: str | None = None
    reason: str | None = None

    @property
    def item(self) -> tuple[str, str]:
        """``(kind, id)`` of what is protected."""
        for kind in ("technology_class", "capability", "patent"):
            value = getattr(self, kind)
            if value:
                return kind, str(value)
        return "nothing", ""


@dataclass(frozen=True)
class Clause:
    """One version of one agreement clause, in force from ``effective``."""

    id: str
    clause: str
    effective: dt.date
    text: str | None = None
    reason: str | None = None
    cause: str | None = None
    incident: str | None = None
    retired: bool | None = None


@dataclass(frozen=True)
class SurveyResponse:
    """One side's anonymous answer to a satisfaction survey, per dimension."""

    id: str
    side: str
    date: dt.date
    decision_speed: float | None = None
    resource_support: float | None = None
    communication: float | None = None
    value_delivered: float | None = None
    trust: float | None = None
    scale_max: float | None = None

    def answers(self) -> dict[str, float]:
        """The dimensions answered, with their answers."""
        return {d: float(v) for d in SURVEY_DIMENSIONS
                if (v := getattr(self, d)) is not None}


@dataclass(frozen=True)
class ExitStep:
    id: str
    date: dt.date
    action: str
    name: str = ""
    quota: float | None = None
    owner: str | None = None
    done: bool | None = None


@dataclass(frozen=True)
class Partnership:
    """A partnership with every record that points at it, each list in date order."""

    id: str
    company: str
    partner: str
    name: str = ""
    properties: Mapping[str, Any] = field(default_factory=dict)
    stages: tuple[StageChange, ...] = ()
    risks: tuple[Risk, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    actuals: tuple[KpiActual, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    incidents: tuple[Incident, ...] = ()
    exit_steps: tuple[ExitStep, ...] = ()
    whys: tuple[Why, ...] = ()
    clauses: tuple[Clause, ...] = ()
    surveys: tuple[SurveyResponse, ...] = ()
    budget: tuple[BudgetLine, ...] = ()
    reallocations: tuple[Reallocation, ...] = ()
    pool: tuple[PoolEntry, ...] = ()
    customers: tuple[SharedCustomer, ...] = ()
    rotations: tuple[Rotation, ...] = ()
    #: What each side protects, and each side's competitors on the graph (by company id).
    protected: tuple[ProtectedItem, ...] = ()
    competitors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: The technology classes of the patents its pool entries and protected items name.
    patent_classes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def company_of(self, side: str) -> str:
        """The company on ``side`` (``company`` or ``partner``)."""
        return self.company if side == "company" else self.partner

    def stage_on(self, day: dt.date | None = None) -> str | None:
        """The stage on ``day`` (None: the latest); None before the first change."""
        current = None
        for change in self.stages:
            if day is not None and change.date > day:
                break
            current = change.stage
        return current

    def stage_since(self, day: dt.date | None = None) -> dt.date | None:
        """The day the stage held on ``day`` began."""
        began = None
        for change in self.stages:
            if day is not None and change.date > day:
                break
            began = change.date
        return began

    def cadence(self) -> dict[str, int]:
        """The tracked communication levels and their cadence in days.

        A level is tracked when the partnership sets its cadence (``executive_days`` ...)
        or a meeting at that level is on record; the method's defaults (quarterly, monthly,
        weekly) fill in a level that has meetings but no cadence set.
        """
        held = {m.level for m in self.meetings}
        out: dict[str, int] = {}
        for level, name in _CADENCE_FIELDS.items():
            days = self.properties.get(name)
            if days is not None:
                out[level] = int(days)
            elif level in held:
                out[level] = DEFAULT_CADENCE_DAYS[level]
        return out

    @property
    def review_months(self) -> int:
        return int(self.properties.get("review_months") or 6)

    def operating_spans(self, end: dt.date) -> list[tuple[dt.date, dt.date]]:
        """``[begin, end)`` spans, up to ``end``, in which the partnership was in an
        operating stage (:data:`OPERATING_STAGES`)."""
        spans: list[tuple[dt.date, dt.date]] = []
        begin = None
        for change in self.stages:
            if change.date >= end:
                break
            if change.stage in OPERATING_STAGES and begin is None:
                begin = change.date
            elif change.stage not in OPERATING_STAGES and begin is not None:
                spans.append((begin, change.date))
                begin = None
        if begin is not None:
            spans.append((begin, end))
        return spans

    def kpi(self, id: str) -> Kpi:
        for kpi in self.kpis:
            if kpi.id == id:
                return kpi
        raise InvalidValue(f"partnership {self.id!r} has no KPI {id!r}; its KPIs are "
                           f"{', '.join(k.id for k in self.kpis) or 'none yet'}.",
                           field="kpi", value=id)


def _sorted(records: Iterable[R], *keys: str) -> tuple[R, ...]:
    return tuple(sorted(records, key=attrgetter(*keys)))


def partnership_from_nodes(node: Node, records: Mapping[NodeKind, Iterable[Node]],
                           competitors: Mapping[str, frozenset[str]] | None = None,
                           patent_classes: Mapping[str, frozenset[str]] | None = None
                           ) -> Partnership:
    """Assemble a :class:`Partnership` from its node and its record nodes by kind (the
    protected items of both sides under :attr:`NodeKind.PROTECTED_ITEM`)."""
    def props(n: Node) -> dict[str, Any]:
        return {**n.properties, "id": n.id}

    def build(kind: NodeKind, cls: type[R]) -> list[R]:
        return [_build(cls, props(n)) for n in records.get(kind, ())]

    return Partnership(
        id=node.id,
        company=str(node.properties["company"]),
        partner=str(node.properties["partner"]),
        name=str(node.properties.get("name") or node.id),
        properties=dict(node.properties),
        stages=_sorted(build(NodeKind.STAGE_CHANGE, StageChange), "date", "id"),
        risks=tuple(sorted(build(NodeKind.RISK, Risk), key=lambda r: (-r.score, r.id))),
        milestones=_sorted(build(NodeKind.MILESTONE, Milestone), "due", "id"),
        kpis=_sorted(build(NodeKind.KPI, Kpi), "id"),
        actuals=_sorted(build(NodeKind.KPI_ACTUAL, KpiActual), "kpi", "period", "id"),
        meetings=_sorted(build(NodeKind.MEETING, Meeting), "date", "id"),
        incidents=_sorted(build(NodeKind.INCIDENT, Incident), "date", "id"),
        exit_steps=_sorted(build(NodeKind.EXIT_STEP, ExitStep), "date", "id"),
        whys=_sorted(build(NodeKind.WHY, Why), "incident", "step", "id"),
        clauses=_sorted(build(NodeKind.CLAUSE, Clause), "clause", "effective", "id"),
        surveys=_sorted(build(NodeKind.SURVEY_RESPONSE, SurveyResponse), "date", "id"),
        budget=_sorted(build(NodeKind.BUDGET_LINE, BudgetLine), "id"),
        reallocations=_sorted(build(NodeKind.REALLOCATION, Reallocation), "id"),
        pool=_sorted(build(NodeKind.POOL_ENTRY, PoolEntry), "id"),
        customers=_sorted(build(NodeKind.SHARED_CUSTOMER, SharedCustomer), "date", "id"),
        rotations=_sorted(build(NodeKind.ROTATION, Rotation), "start", "id"),
        protected=_sorted(build(NodeKind.PROTECTED_ITEM, ProtectedItem), "company", "id"),
        competitors=competitors or {},
        patent_classes=patent_classes or {},
    )


def load_partnerships(store: Store, *, company: str | None = None) -> list[Partnership]:
    """Every partnership in the store (those of ``company``, on either side, if given),
    with its records, ordered by id."""
    nodes = store.nodes(NodeKind.PARTNERSHIP)
    if company is not None:
        nodes = [n for n in nodes
                 if company in (n.properties.get("company"), n.properties.get("partner"))]
    return _with_records(store, nodes)


def load_partnership(store: Store, id: str) -> Partnership:
    """One partnership with its records; NodeNotFound (with close ids) if absent."""
    return _with_records(store, [store.node(NodeKind.PARTNERSHIP, id)])[0]


def _with_records(store: Store, nodes: list[Node]) -> list[Partnership]:
    if not nodes:
        return []
    kpi_owner = {n.id: str(n.properties.get("partnership"))
                 for n in store.nodes(NodeKind.KPI)}
    grouped: dict[str, dict[NodeKind, list[Node]]] = {n.id: {} for n in nodes}
    for kind in LIFECYCLE_KINDS[1:]:
        for record in store.nodes(kind):
            if kind is NodeKind.KPI_ACTUAL:
                owner = kpi_owner.get(str(record.properties.get("kpi")))
            else:
                owner = str(record.properties.get("partnership"))
            if owner in grouped:
                grouped[owner].setdefault(kind, []).append(record)
    sides = {str(n.properties.get(k)) for n in nodes for k in ("company", "partner")}
    protected: dict[str, list[Node]] = {}
    for item in store.nodes(NodeKind.PROTECTED_ITEM):
        protected.setdefault(str(item.properties.get("company")), []).append(item)
    rivals: dict[str, set[str]] = {side: set() for side in sides}
    for tie in store.relationships(RelKind.COMPETES_WITH):
        for one, other in ((tie.source, tie.target), (tie.target, tie.source)):
            if one in rivals:
                rivals[one].add(other)
    patents = {str(r.properties["patent"]) for r in (
        *(x for g in grouped.values() for x in g.get(NodeKind.POOL_ENTRY, ())),
        *(x for items in protected.values() for x in items)) if r.properties.get("patent")}
    frozen = {patent: frozenset(t.target for t in store.relationships(
        RelKind.CLASSIFIED_IN, node=(NodeKind.PATENT, patent))) for patent in sorted(patents)}
    out = []
    for n in nodes:
        both = [str(n.properties.get(k)) for k in ("company", "partner")]
        records = {**grouped[n.id], NodeKind.PROTECTED_ITEM: [
            item for side in both for item in protected.get(side, [])]}
        out.append(partnership_from_nodes(n, records, {s: frozenset(rivals[s])
                                                       for s in both}, frozen))
    return out
