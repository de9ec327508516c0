"""The domain model: node kinds, relationship kinds and the fields each one carries.

The model is declared as data (:data:`NODE_SCHEMAS`, :data:`RELATIONSHIP_SCHEMAS`) so that
import, validation, storage and export are all driven by one description. The canonical
tabular format (``docs/tabular-format.md``) is generated from the same tables.

Dates
-----
Relationships carry ``since`` and ``until`` (ISO dates). A relationship is *active as of* a
day ``d`` when ``since`` is empty or ``since <= d``, and ``until`` is empty or ``d < until``:
``until`` is the first day on which the relationship no longer holds
(:mod:`ecosystem.dates`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from ecosystem.dates import is_active
from ecosystem.errors import UnknownKind

K = TypeVar("K", bound=StrEnum)

__all__ = [
    "FISHBONE",
    "KPI_METRICS",
    "LEVELS",
    "LIFECYCLE_KINDS",
    "NODE_SCHEMAS",
    "ORG_TYPES",
    "RELATIONSHIP_SCHEMAS",
    "STAGES",
    "SURVEY_DIMENSIONS",
    "TRANSITIONS",
    "Field",
    "FieldType",
    "Node",
    "NodeKind",
    "NodeSchema",
    "RelKind",
    "Relationship",
    "RelationshipSchema",
    "Stage",
    "check_transition",
    "node_key",
    "parse_node_kind",
    "parse_rel_kind",
    "split_node_key",
]


class NodeKind(StrEnum):
    """The kinds of node in an ecosystem graph."""

    COMPANY = "company"
    INDUSTRY = "industry"
    CAPABILITY = "capability"
    TECHNOLOGY_CLASS = "technology_class"
    PATENT = "patent"
    PROGRAMME = "programme"
    NEED = "need"
    # The partnership lifecycle (docs/method.md, stages 2-5): a partnership and its records.
    PARTNERSHIP = "partnership"
    STAGE_CHANGE = "stage_change"
    RISK = "risk"
    MILESTONE = "milestone"
    KPI = "kpi"
    KPI_ACTUAL = "kpi_actual"
    MEETING = "meeting"
    INCIDENT = "incident"
    WHY = "why"
    CLAUSE = "clause"
    SURVEY_RESPONSE = "survey_response"
    BUDGET_LINE = "budget_line"
    REALLOCATION = "reallocation"
    POOL_ENTRY = "pool_entry"
    SHARED_CUSTOMER = "shared_customer"
    ROTATION = "rotation"
    EXIT_STEP = "exit_step"
    # What a company does not share in partnerships (resource-pool rules, stage 3.2).
    PROTECTED_ITEM = "protected_item"
    # Entity resolution: one record per merge of two organisations (undone by unmerge).
    MERGE = "merge"
    # Alerts that reached people: one record per alert accepted by one channel.
    DELIVERY = "delivery"


class RelKind(StrEnum):
    """The kinds of relationship; each joins fixed node kinds (see RELATIONSHIP_SCHEMAS)."""

    SUPPLIES = "supplies"
    CUSTOMER_OF = "customer_of"
    PARTNERS_WITH = "partners_with"
    JOINT_VENTURE = "joint_venture"
    INVESTS_IN = "invests_in"
    OWNS = "owns"
    COMPETES_WITH = "competes_with"
    MEMBER_OF = "member_of"
    HAS_CAPABILITY = "has_capability"
    HOLDS_PATENTS_IN = "holds_patents_in"
    HOLDS_PATENT = "holds_patent"
    CLASSIFIED_IN = "classified_in"
    HAS_NEED = "has_need"
    REQUIRES_CAPABILITY = "requires_capability"
    REQUIRES_CLASS = "requires_class"
    USES_CAPABILITY = "uses_capability"
    IN_SECTOR = "in_sector"


class FieldType(StrEnum):
    """How a field's values are parsed and stored."""

    STR = "str"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    BOOL = "bool"
    LIST = "list"  # a list of strings; ';'-separated in CSV cells
    ENUM = "enum"


@dataclass(frozen=True)
class Field:
    """One column of a node or relationship table.

    ``references`` names the node kind that every value (every item, for lists) must be
    the id of. ``minimum``/``maximum`` bound numbers; ``choices`` closes an enum.
    """

    name: str
    type: FieldType = FieldType.STR
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    references: NodeKind | None = None
    example: str = ""


@dataclass(frozen=True)
class NodeSchema:
    """The table of one node kind: its file name and its fields (``id`` first)."""

    kind: NodeKind
    table: str
    fields: tuple[Field, ...]
    doc: str = ""

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class RelationshipSchema:
    """The table of one relationship kind: endpoints and the fields beyond the common ones."""

    kind: RelKind
    source: NodeKind
    target: NodeKind
    fields: tuple[Field, ...]
    doc: str = ""
    symmetric: bool = False
    weight_field: str | None = None  # property used as the weight in matrices

    @property
    def table(self) -> str:
        return self.kind.value

    @property
    def all_fields(self) -> tuple[Field, ...]:
        return (*COMMON_RELATIONSHIP_FIELDS, *self.fields)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.all_fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.all_fields if f.name == name)


_ID = Field("id", required=True, doc="Stable identifier, unique within the kind.")
_NAME = Field("name", required=True, doc="Display name.")
_DESCRIPTION = Field("description", doc="Free text.")

class Stage(StrEnum):
    """The stages of a partnership, in the order the method walks them (docs/method.md,
    stages 2-5)."""

    IDENTIFIED = "identified"
    EVALUATING = "evaluating"
    NEGOTIATING = "negotiating"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    BUFFER_PERIOD = "buffer_period"
    EXITING = "exiting"
    TRANSFORMED = "transformed"
    ENDED = "ended"


#: The stage names, in order (the choices of a stage field).
STAGES: tuple[str, ...] = tuple(s.value for s in Stage)
#: Which stage may follow which (docs/method.md, stages 2-5). A partnership may be recorded
#: starting at any stage; ``ended`` is final.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    Stage.IDENTIFIED: frozenset({Stage.EVALUATING, Stage.ENDED}),
    Stage.EVALUATING: frozenset({Stage.IDENTIFIED, Stage.NEGOTIATING, Stage.ENDED}),
    Stage.NEGOTIATING: frozenset({Stage.EVALUATING, Stage.ACTIVE, Stage.ENDED}),
    Stage.ACTIVE: frozenset({Stage.UNDER_REVIEW, Stage.BUFFER_PERIOD, Stage.EXITING,
                             Stage.TRANSFORMED, Stage.ENDED}),
    Stage.UNDER_REVIEW: frozenset({Stage.ACTIVE, Stage.BUFFER_PERIOD, Stage.EXITING,
                                   Stage.TRANSFORMED, Stage.ENDED}),
    Stage.BUFFER_PERIOD: frozenset({Stage.ACTIVE, Stage.UNDER_REVIEW, Stage.EXITING,
                                    Stage.TRANSFORMED, Stage.ENDED}),
    Stage.EXITING: frozenset({Stage.ENDED, Stage.TRANSFORMED}),
    Stage.TRANSFORMED: frozenset({Stage.ACTIVE, Stage.UNDER_REVIEW, Stage.BUFFER_PERIOD,
                                  Stage.EXITING, Stage.TRANSFORMED, Stage.ENDED}),
    Stage.ENDED: frozenset(),
}
def check_transition(before: str | None, after: str) -> str | None:
    """Why ``before -> after`` breaks the stage rules, or None when it is allowed.

    Examples
    --------
    >>> check_transition("negotiating", "active") is None
    True
    >>> print(check_transition("ended", "active"))
    an ended partnership cannot change stage; record a new partnership instead
    """
    if before is None or after in TRANSITIONS[before]:
        return None
    if before == "ended":
        return "an ended partnership cannot change stage; record a new partnership instead"
    allowed = ", ".join(sorted(TRANSITIONS[before]))
    return f"'{before}' cannot be followed by '{after}'; from '{before}' go to one of: {allowed}"


#: The three communication levels and their default cadence in days (docs/method.md, stage 3).
LEVELS = ("executive", "management", "team")
#: The kinds of organisation (a company node may be any of them; scans propose companies).
ORG_TYPES = ("company", "non_profit", "academic", "government", "project")
#: The KPI metrics the method names (stage 4), and "other".
KPI_METRICS = ("joint_revenue_share", "cost_saving_rate", "joint_patents", "time_to_market",
           "satisfaction", "user_experience", "rd_cycle_time", "other")
#: The categories of a fishbone (Ishikawa) analysis of an incident's causes (stage 4.2).
FISHBONE = ("people", "process", "technology", "resources", "contract", "environment")
#: What can lead to a new version of an agreement clause.
CLAUSE_CAUSES = ("signature", "incident", "health_review", "transformation", "renegotiation")
#: What a two-sided satisfaction survey asks each side about (stage 4.1).
SURVEY_DIMENSIONS = ("decision_speed", "resource_support", "communication",
                     "value_delivered", "trust")

_PARTNERSHIP_REF = Field("partnership", required=True, references=NodeKind.PARTNERSHIP,
                         doc="Id of the partnership.", example="voltra-lumen")
_LIFECYCLE_SCHEMAS = (
    NodeSchema(
        NodeKind.PARTNERSHIP,
        "partnerships",
        (
            replace(_ID, example="voltra-lumen"),
            replace(_NAME, example="Smart cockpit"),
            Field("company", required=True, references=NodeKind.COMPANY,
                  doc="Id of our company (the one that manages the partnership).",
                  example="voltra"),
            Field("partner", required=True, references=NodeKind.COMPANY,
                  doc="Id of the partner company.", example="lumen"),
            Field("need", references=NodeKind.NEED, doc="Id of the need it answers."),
            Field("form", doc="The form of the relationship (joint R&D, licence, joint "
                  "venture, alliance ...).", example="joint R&D"),
            Field("goals", doc="Master agreement goals with target figures.",
                  example="3 joint products in 3 years; 30% of the SEA market"),
            Field("ip_ownership", doc="Who owns the IP created.", example="shared patents"),
            Field("cost_share", FieldType.FLOAT, minimum=0, maximum=1,
                  doc="Our share of the joint costs, 0 to 1.", example="0.6"),
            Field("exit_mechanism", doc="How either side may leave (agreement clause)."),
            Field("signed", FieldType.DATE, doc="Day the master agreement was signed."),
            Field("review_months", FieldType.INT, minimum=1, maximum=24,
                  doc="Length of a health-diagnosis period in months; default 6."),
            Field("executive_days", FieldType.INT, minimum=1, maximum=366,
                  doc="Executive meeting cadence in days; default 91 (quarterly)."),
            Field("management_days", FieldType.INT, minimum=1, maximum=366,
                  doc="Management meeting cadence in days; default 30 (monthly)."),
            Field("team_days", FieldType.INT, minimum=1, maximum=366,
                  doc="Team meeting cadence in days; default 7 (weekly)."),
            Field("lead", doc="Our project manager."),
            Field("partner_lead", doc="The partner's project manager."),
            Field("sponsor", doc="Our executive sponsor."),
            Field("lead_email", doc="E-mail address of our project manager (alerts, "
                  "digest)."),
            Field("partner_lead_email", doc="E-mail address of the partner's project "
                  "manager (digest)."),
            Field("sponsor_email", doc="E-mail address of the executive sponsor (executive "
                  "alerts and hard triggers, digest)."),
            _DESCRIPTION,
        ),
        "A partnership between a company and a partner; its stage, risks, milestones, KPIs, "
        "meetings, incidents and exit steps are the records below (docs/method.md, stages 2-5).",
    ),
    NodeSchema(
        NodeKind.STAGE_CHANGE,
        "stage_changes",
        (
            replace(_ID, example="voltra-lumen/stage/1"),
            _PARTNERSHIP_REF,
            Field("date", FieldType.DATE, required=True, doc="Day the stage began."),
            Field("stage", FieldType.ENUM, required=True, choices=STAGES),
            Field("form", doc="The new form of the relationship, when it was transformed.",
                  example="technology licence + ecosystem partnership"),
            Field("reason", doc="Why the stage changed."),
        ),
        "One change of a partnership's stage; the changes in date order are its history.",
    ),
    NodeSchema(
        NodeKind.RISK,
        "risks",
        (
            replace(_ID, example="voltra-lumen/risk/gdpr"),
            _PARTNERSHIP_REF,
            replace(_NAME, example="Data protection (GDPR)"),
            Field("category", FieldType.ENUM, required=True,
                  choices=("operational", "compliance", "cultural", "strategic", "financial")),
            Field("severity", FieldType.INT, required=True, minimum=1, maximum=5,
                  doc="1 (minor) to 5 (critical)."),
            Field("likelihood", FieldType.INT, required=True, minimum=1, maximum=5,
                  doc="1 (rare) to 5 (almost certain)."),
            Field("owner", doc="Who owns the risk."),
            Field("mitigation", doc="What is done about it."),
            Field("assessed", FieldType.DATE, doc="Day it was assessed."),
        ),
        "One entry of a partnership's due-diligence risk map.",
    ),
    NodeSchema(
        NodeKind.MILESTONE,
        "milestones",
        (
            replace(_ID, example="voltra-lumen/m/2025q1"),
            _PARTNERSHIP_REF,
            replace(_NAME, example="Algorithm version 1 delivered"),
            Field("annex", doc="The agreement annex it belongs to.", example="technology"),
            Field("due", FieldType.DATE, required=True, doc="Due date."),
            Field("owner_side", FieldType.ENUM, choices=("company", "partner", "joint"),
                  doc="Which side delivers it."),
            Field("resources", doc="Resources committed (who provides what).",
                  example="company: compute; partner: scenario tests"),
            Field("acceptance", doc="Acceptance criterion."),
            Field("delivered", FieldType.DATE,
                  doc="Day it was delivered and accepted; empty while it is not."),
            Field("incident", references=NodeKind.INCIDENT,
                  doc="The incident whose remedial project this milestone belongs to."),
        ),
        "One row of an agreement annex: milestone, resources and assessment.",
    ),
    NodeSchema(
        NodeKind.KPI,
        "kpis",
        (
            replace(_ID, example="voltra-lumen/ux"),
            _PARTNERSHIP_REF,
            replace(_NAME, example="User-experience score"),
            Field("metric", FieldType.ENUM, required=True, choices=KPI_METRICS),
            Field("unit", example="%"),
            Field("direction", FieldType.ENUM, choices=("higher", "lower"),
                  doc="Whether higher or lower is better; default higher, lower for "
                  "time_to_market and rd_cycle_time."),
            Field("target", FieldType.FLOAT, doc="Target per period (actuals may override)."),
            Field("scale_max", FieldType.FLOAT, minimum=0,
                  doc="Top of the survey scale for satisfaction; default 5."),
            Field("weight", FieldType.FLOAT, minimum=0, doc="Weight in the health index; "
                  "default 1."),
        ),
        "A key performance indicator of a partnership, with its target per period.",
    ),
    NodeSchema(
        NodeKind.KPI_ACTUAL,
        "kpi_actuals",
        (
            replace(_ID, example="voltra-lumen/ux/2025h1"),
            Field("kpi", required=True, references=NodeKind.KPI, doc="Id of the KPI."),
            Field("period", FieldType.DATE, required=True,
                  doc="First day of the period measured.", example="2025-01"),
            Field("actual", FieldType.FLOAT, required=True, doc="The figure measured."),
            Field("target", FieldType.FLOAT, doc="The target for this period, if it differs "
                  "from the KPI's."),
            Field("reported", FieldType.DATE,
                  doc="Day the figure became known; default the end of the period."),
        ),
        "The actual (and target) of one KPI in one period.",
    ),
    NodeSchema(
        NodeKind.MEETING,
        "meetings",
        (
            replace(_ID, example="voltra-lumen/meet/2025-01-15"),
            _PARTNERSHIP_REF,
            Field("level", FieldType.ENUM, required=True, choices=LEVELS),
            Field("date", FieldType.DATE, required=True),
            Field("topic", doc="What was discussed or decided."),
        ),
        "A meeting held at one of the three communication levels.",
    ),
    NodeSchema(
        NodeKind.INCIDENT,
        "incidents",
        (
            replace(_ID, example="voltra-lumen/inc/1"),
            _PARTNERSHIP_REF,
            replace(_NAME, example="Customer data leak"),
            Field("date", FieldType.DATE, required=True),
            Field("category", FieldType.ENUM, required=True,
                  choices=("compliance", "operational", "cultural", "conflict",
                           "strategy_change")),
            Field("severity", FieldType.ENUM, required=True,
                  choices=("minor", "major", "critical")),
            Field("root_cause", doc="Root cause in one line (the chain is in `whys`)."),
            Field("responsibility", doc="Agreed loss sharing in words, e.g. 60/40 "
                  "(the numbers are company_share and partner_share)."),
            Field("company_share", FieldType.FLOAT, minimum=0, maximum=100,
                  doc="Our share of the responsibility in percent; with partner_share it "
                  "sums to 100.", example="60"),
            Field("partner_share", FieldType.FLOAT, minimum=0, maximum=100,
                  doc="The partner's share of the responsibility in percent.",
                  example="40"),
            Field("loss", FieldType.FLOAT, minimum=0,
                  doc="The loss the sides share by their responsibility."),
            Field("currency", doc="ISO 4217 code of the loss.", example="EUR"),
            Field("clause", doc="The agreement clause the incident bears on (its `clause` "
                  "key in `clauses`); once resolved, a new version of it is proposed.",
                  example="data-protection"),
            Field("remedy", doc="Compensation or remedial project (its milestones name "
                  "the incident)."),
            Field("resolved", FieldType.DATE, doc="Day it was resolved."),
        ),
        "An incident, conflict or change of direction on either side.",
    ),
    NodeSchema(
        NodeKind.WHY,
        "whys",
        (
            replace(_ID, example="voltra-lumen/why/1"),
            _PARTNERSHIP_REF,
            Field("incident", required=True, references=NodeKind.INCIDENT,
                  doc="Id of the incident it explains.", example="voltra-lumen/inc/1"),
            Field("step", FieldType.INT, required=True, minimum=1, maximum=10,
                  doc="Place in the chain: 1 answers why the incident happened, each next "
                  "step why the one before did.", example="1"),
            Field("why", required=True, doc="The answer.",
                  example="Test data held real customer records"),
            Field("evidence", doc="What shows it: a document, a log, an interview."),
            Field("cause", FieldType.ENUM, choices=FISHBONE,
                  doc="Fishbone category of this cause."),
        ),
        "One step of an incident's five-whys chain, with its evidence and fishbone category.",
    ),
    NodeSchema(
        NodeKind.CLAUSE,
        "clauses",
        (
            replace(_ID, example="voltra-lumen/clause/1"),
            _PARTNERSHIP_REF,
            Field("clause", required=True, doc="Which clause: the same key in every "
                  "version of it.", example="data-protection"),
            Field("effective", FieldType.DATE, required=True,
                  doc="Day this version takes effect."),
            Field("text", doc="The clause as agreed from that day (required unless "
                  "retired)."),
            Field("reason", doc="Why it changed."),
            Field("cause", FieldType.ENUM, choices=CLAUSE_CAUSES,
                  doc="What led to this version; incident needs `incident`."),
            Field("incident", references=NodeKind.INCIDENT,
                  doc="The incident behind the change."),
            Field("retired", FieldType.BOOL, doc="The clause ends on `effective`."),
        ),
        "One version of one clause of the agreement (the dynamic contract): clauses with "
        "effective days, each change with its reason.",
    ),
    NodeSchema(
        NodeKind.SURVEY_RESPONSE,
        "survey_responses",
        (
            replace(_ID, example="voltra-lumen/survey/1"),
            _PARTNERSHIP_REF,
            Field("side", FieldType.ENUM, required=True, choices=("company", "partner"),
                  doc="Which side answered."),
            Field("date", FieldType.DATE, required=True, doc="Day it was answered."),
            *(Field(d, FieldType.FLOAT, doc=f"Answer on {d.replace('_', ' ')}, from 1 to "
                    "scale_max.") for d in SURVEY_DIMENSIONS),
            Field("scale_max", FieldType.FLOAT, minimum=1,
                  doc="Top of the answer scale; default 5."),
        ),
        "One anonymous answer to a two-sided satisfaction survey; shown only as averages of "
        "groups large enough (`survey --min-group`).",
    ),
    NodeSchema(
        NodeKind.BUDGET_LINE,
        "budget_lines",
        (
            replace(_ID, example="voltra-lumen/budget/1"),
            _PARTNERSHIP_REF,
            Field("side", FieldType.ENUM, required=True, choices=("company", "partner"),
                  doc="Whose money and people."),
            Field("milestone", references=NodeKind.MILESTONE,
                  doc="The milestone it funds; empty for the partnership as a whole."),
            Field("currency", required=True, doc="ISO 4217 code.", example="EUR"),
            Field("planned", FieldType.FLOAT, minimum=0, doc="Planned spend."),
            Field("actual", FieldType.FLOAT, minimum=0, doc="Actual spend so far."),
            Field("people_planned", FieldType.FLOAT, minimum=0,
                  doc="Planned people (full-time equivalents)."),
            Field("people_actual", FieldType.FLOAT, minimum=0,
                  doc="People actually working on it (full-time equivalents)."),
            Field("date", FieldType.DATE, doc="Day the figures were known."),
            Field("note"),
        ),
        "Planned and actual spend and people of one side, for one milestone or the whole "
        "partnership.",
    ),
    NodeSchema(
        NodeKind.REALLOCATION,
        "reallocations",
        (
            replace(_ID, example="voltra-lumen/realloc/1"),
            _PARTNERSHIP_REF,
            Field("meeting", required=True, references=NodeKind.MEETING,
                  doc="The executive meeting that decided it."),
            Field("side", FieldType.ENUM, required=True, choices=("company", "partner"),
                  doc="Whose resources move."),
            Field("from_milestone", references=NodeKind.MILESTONE,
                  doc="Where they come from (empty: the partnership's reserve)."),
            Field("to_milestone", references=NodeKind.MILESTONE,
                  doc="Where they go (empty: back to the reserve)."),
            Field("amount", FieldType.FLOAT, minimum=0, doc="Money moved."),
            Field("currency", doc="ISO 4217 code of the amount."),
            Field("people", FieldType.FLOAT, minimum=0, doc="People moved (FTE)."),
            Field("reason"),
        ),
        "Resources moved between milestones by an executive meeting (stage 3.1).",
    ),
    NodeSchema(
        NodeKind.POOL_ENTRY,
        "pool_entries",
        (
            replace(_ID, example="voltra-lumen/pool/1"),
            _PARTNERSHIP_REF,
            Field("pool", FieldType.ENUM, required=True,
                  choices=("shared_scope", "joint_lab", "patent_pool"),
                  doc="Which part of the resource pool."),
            Field("side", FieldType.ENUM, required=True, choices=("company", "partner",
                                                                   "joint"),
                  doc="Who contributes it."),
            replace(_NAME, required=False, doc="What it is."),
            Field("technology_class", references=NodeKind.TECHNOLOGY_CLASS,
                  doc="The technology class shared."),
            Field("capability", references=NodeKind.CAPABILITY, doc="The capability shared."),
            Field("patent", references=NodeKind.PATENT, doc="The patent shared."),
            Field("date", FieldType.DATE, doc="Day it entered the pool."),
        ),
        "One entry of a partnership's resource pool (shared scope, joint lab, patent pool), "
        "checked against both sides' protected items.",
    ),
    NodeSchema(
        NodeKind.SHARED_CUSTOMER,
        "shared_customers",
        (
            replace(_ID, example="voltra-lumen/customer/1"),
            _PARTNERSHIP_REF,
            Field("customer", required=True, references=NodeKind.COMPANY,
                  doc="The customer served together."),
            Field("date", FieldType.DATE, required=True, doc="Day of the order."),
            Field("order_value", FieldType.FLOAT, required=True, minimum=0),
            Field("currency", required=True, doc="ISO 4217 code.", example="EUR"),
            Field("company_contribution", FieldType.FLOAT, required=True, minimum=0,
                  maximum=100, doc="Our contribution to the order, in percent."),
            Field("partner_contribution", FieldType.FLOAT, required=True, minimum=0,
                  maximum=100, doc="The partner's contribution, in percent (the two sum "
                  "to 100)."),
        ),
        "An order of a shared customer and each side's contribution, for attribution.",
    ),
    NodeSchema(
        NodeKind.ROTATION,
        "rotations",
        (
            replace(_ID, example="voltra-lumen/rotation/1"),
            _PARTNERSHIP_REF,
            Field("person", required=True, doc="Who rotates (a name or staff number)."),
            Field("home_side", FieldType.ENUM, required=True, choices=("company", "partner"),
                  doc="The side the person comes from."),
            Field("start", FieldType.DATE, required=True),
            Field("end", FieldType.DATE),
            Field("non_compete_until", FieldType.DATE,
                  doc="Last day of the non-compete term."),
            Field("now_at", references=NodeKind.COMPANY,
                  doc="Where the person works now, when known."),
            Field("now_at_since", FieldType.DATE, doc="Since when."),
        ),
        "A talent rotation between the sides, with its non-compete term.",
    ),
    NodeSchema(
        NodeKind.EXIT_STEP,
        "exit_steps",
        (
            replace(_ID, example="voltra-lumen/exit/1"),
            _PARTNERSHIP_REF,
            Field("date", FieldType.DATE, required=True),
            Field("action", FieldType.ENUM, required=True,
                  choices=("licence_reduction", "staff_withdrawal", "customer_notice",
                           "after_sales_owner", "statement", "other")),
            replace(_NAME, doc="What is done.", example="API quota down to 90%"),
            Field("quota", FieldType.FLOAT, minimum=0, maximum=1,
                  doc="Share of the licence quota left after the step, 0 to 1."),
            Field("owner", doc="Who does it (for after-sales: who owns the service)."),
            Field("done", FieldType.BOOL, doc="Whether the step has been carried out."),
        ),
        "One dated step of a stepwise exit plan.",
    ),
)

#: The node kinds that hold the partnership lifecycle.
LIFECYCLE_KINDS: tuple[NodeKind, ...] = tuple(s.kind for s in _LIFECYCLE_SCHEMAS)

NODE_SCHEMAS: Mapping[NodeKind, NodeSchema] = {
    s.kind: s
    for s in (
        NodeSchema(
            NodeKind.COMPANY,
            "companies",
            (
                replace(_ID, example="ibm"),
                replace(_NAME, example="IBM"),
                Field("country", doc="ISO 3166 country code or name.", example="US"),
                Field(
                    "industries",
                    FieldType.LIST,
                    references=NodeKind.INDUSTRY,
                    doc="Ids of industries the company is in.",
                    example="sic-7372;naics-5415",
                ),
                Field(
                    "size_band",
                    FieldType.ENUM,
                    choices=("micro", "small", "medium", "large", "enterprise"),
                    doc="Size by headcount: micro <10, small <50, medium <250, large <5000, "
                    "enterprise 5000+.",
                ),
                Field("founded", FieldType.INT, minimum=1000, maximum=2100, example="1911"),
                Field(
                    "strategy_horizon_years",
                    FieldType.FLOAT,
                    minimum=0,
                    maximum=100,
                    doc="Length of the company's strategy cycle, in years.",
                    example="5",
                ),
                Field(
                    "decision_style",
                    FieldType.ENUM,
                    choices=("centralised", "democratic", "mixed"),
                ),
                Field(
                    "risk_appetite",
                    FieldType.ENUM,
                    choices=("aggressive", "moderate", "prudent"),
                ),
                Field("tags", FieldType.LIST, doc="Free tags.", example="cloud;open-source"),
                Field("homepage", doc="Web address."),
                Field("org_type", FieldType.ENUM, choices=ORG_TYPES,
                      doc="What kind of organisation it is; overrides the type the tool "
                      "infers from evidence (`ecosystem types`). A project is an open-source "
                      "project or product, not an organisation.", example="company"),
                Field("aliases", FieldType.LIST,
                      doc="Other ids and names it is known by (merges keep the old ones).",
                      example="name:toyota;Toyota Motor Corporation"),
                Field("crunchbase", doc="Crunchbase organisation slug.", example="toyota"),
                Field("wikidata", doc="Wikidata item id.", example="Q53268"),
                Field("pitchbook", doc="PitchBook company id.", example="10523-71"),
                _DESCRIPTION,
            ),
            "An organisation: a firm, a non-profit, a university, a public body (see "
            "`org_type`).",
        ),
        NodeSchema(
            NodeKind.PROTECTED_ITEM,
            "protected_items",
            (
                replace(_ID, example="voltra/protected/1"),
                Field("company", required=True, references=NodeKind.COMPANY,
                      doc="Whose core technology it is."),
                Field("technology_class", references=NodeKind.TECHNOLOGY_CLASS,
                      doc="A technology class the company does not share."),
                Field("capability", references=NodeKind.CAPABILITY,
                      doc="A capability the company does not share."),
                Field("patent", references=NodeKind.PATENT,
                      doc="A patent the company does not share."),
                Field("reason"),
            ),
            "One item of a company's protected core-technology list (exactly one of "
            "technology_class, capability, patent): partnerships' resource pools are "
            "checked against it.",
        ),
        NodeSchema(
            NodeKind.INDUSTRY,
            "industries",
            (
                _ID,
                _NAME,
                Field("scheme", doc="Classification scheme: SIC, NAICS, GICS or custom.",
                      example="SIC"),
                Field("code", doc="Code within the scheme.", example="7372"),
                Field("parent", references=NodeKind.INDUSTRY, doc="Id of the broader industry."),
                _DESCRIPTION,
            ),
            "An industry in any classification scheme; hierarchical through `parent`.",
        ),
        NodeSchema(
            NodeKind.CAPABILITY,
            "capabilities",
            (
                _ID,
                _NAME,
                Field("parent", references=NodeKind.CAPABILITY,
                      doc="Id of the broader capability (category of a subcategory)."),
                _DESCRIPTION,
            ),
            "A capability in a hierarchical taxonomy (category / subcategory / ...).",
        ),
        NodeSchema(
            NodeKind.TECHNOLOGY_CLASS,
            "technology_classes",
            (
                _ID,
                Field("scheme", FieldType.ENUM, required=True, choices=("CPC", "IPC", "USPC")),
                Field("code", required=True, example="H04L"),
                Field("title", doc="Title of the class."),
                Field("parent", references=NodeKind.TECHNOLOGY_CLASS,
                      doc="Id of the broader class."),
            ),
            "A patent classification class (CPC, IPC or USPC); hierarchical through `parent`.",
        ),
        NodeSchema(
            NodeKind.PATENT,
            "patents",
            (
                _ID,
                Field("title"),
                Field("granted", FieldType.DATE, doc="Grant date."),
                Field("filed", FieldType.DATE, doc="Application date."),
            ),
            "One patent; link it with `holds_patent` and `classified_in`.",
        ),
        NodeSchema(
            NodeKind.PROGRAMME,
            "programmes",
            (
                _ID,
                _NAME,
                Field("owner", references=NodeKind.COMPANY,
                      doc="Id of the company that runs the programme, if any."),
                Field("homepage"),
                _DESCRIPTION,
            ),
            "An ecosystem programme, foundation or alliance that companies join.",
        ),
        NodeSchema(
            NodeKind.NEED,
            "needs",
            (
                replace(_ID, example="voltra/cockpit-fusion"),
                replace(_NAME, example="Cockpit-driving fusion algorithms"),
                Field("standard", doc="What meeting the need means, in words.",
                      example="algorithm iteration cycle under 3 months"),
                Field("min_level", FieldType.FLOAT, minimum=0,
                      doc="Lowest capability level that meets a required capability; "
                      "empty: any level above 0."),
                Field("min_patents", FieldType.INT, minimum=0,
                      doc="Fewest patents in a required class that meet it; empty: 1."),
                Field("weight", FieldType.FLOAT, minimum=0, doc="Priority; default 1."),
                Field("horizon_years", FieldType.FLOAT, minimum=0, maximum=100,
                      doc="When the need must be met, in years."),
                _DESCRIPTION,
            ),
            "A strategic capability need of a company (docs/method.md, stage 1): link it with "
            "`has_need`, `requires_capability` and `requires_class`.",
        ),
        *_LIFECYCLE_SCHEMAS,
        NodeSchema(
            NodeKind.MERGE,
            "merges",
            (
                replace(_ID, example="merge/0001"),
                Field("kept", required=True, doc="Id of the company that was kept.",
                      example="toyota"),
                Field("merged", required=True, doc="Id of the company merged into it.",
                      example="name:toyota"),
                Field("date", FieldType.DATE, required=True, doc="Day of the merge."),
                Field("score", FieldType.FLOAT, minimum=0, maximum=1,
                      doc="Match score of the pair."),
                Field("evidence", doc="Why the two were taken for one organisation."),
                Field("snapshot", required=True,
                      doc="What the merge changed, as JSON (used by unmerge)."),
                Field("undone", FieldType.DATE, doc="Day the merge was undone."),
            ),
            "One merge of two company nodes found to be the same organisation "
            "(`ecosystem merge`); `ecosystem unmerge` undoes it from the snapshot.",
        ),
        NodeSchema(
            NodeKind.DELIVERY,
            "deliveries",
            (
                replace(_ID, example="delivery/3f2a9c41d0be77e1"),
                Field("alert", required=True, doc="The alert: partnership|rule|raised|subject.",
                      example="voltra-cortex|strategy_change|2025-09-15|"),
                Field("channel", required=True, choices=("webhook", "email"),
                      type=FieldType.ENUM, doc="Where it was accepted."),
                Field("partnership", required=True, doc="Id of the partnership."),
                Field("rule", required=True, doc="The rule that raised the alert."),
                Field("level", doc="Its level."),
                Field("raised", FieldType.DATE, required=True, doc="Day the alert was raised."),
                Field("sent", required=True, doc="When the channel accepted it (UTC).",
                      example="2025-10-10T07:00:03Z"),
                Field("recipients", doc="Who got it: e-mail addresses, or the webhook's host."),
            ),
            "One alert accepted by one channel (`ecosystem alerts --notify`): an alert is sent "
            "to a channel only while it has no delivery there, so a re-run sends nothing twice.",
        ),
    )
}

COMMON_RELATIONSHIP_FIELDS: tuple[Field, ...] = (
    Field("source", required=True, doc="Id of the source node.", example="ibm"),
    Field("target", required=True, doc="Id of the target node.", example="cncf"),
    Field("since", FieldType.DATE, doc="First day the relationship holds (YYYY, YYYY-MM or "
          "YYYY-MM-DD; month and year mean their first day).", example="2019-05"),
    Field("until", FieldType.DATE, doc="First day it no longer holds; empty while it lasts."),
    Field("key", doc="Tells apart parallel relationships of one kind between the same "
          "nodes with the same `since`; usually empty."),
    Field("weight", FieldType.FLOAT, minimum=0, doc="Tie strength; default 1."),
    Field("note", doc="Free text."),
)

_COMPANY_TO_COMPANY = (NodeKind.COMPANY, NodeKind.COMPANY)

RELATIONSHIP_SCHEMAS: Mapping[RelKind, RelationshipSchema] = {
    s.kind: s
    for s in (
        RelationshipSchema(RelKind.SUPPLIES, *_COMPANY_TO_COMPANY,
                           (Field("product", doc="What is supplied."),),
                           "Source supplies target."),
        RelationshipSchema(RelKind.CUSTOMER_OF, *_COMPANY_TO_COMPANY, (),
                           "Source buys from target."),
        RelationshipSchema(RelKind.PARTNERS_WITH, *_COMPANY_TO_COMPANY,
                           (Field("scope", doc="What the partnership covers."),),
                           "A partnership or alliance.", symmetric=True),
        RelationshipSchema(RelKind.JOINT_VENTURE, *_COMPANY_TO_COMPANY,
                           (Field("venture", doc="Name of the joint venture."),),
                           "A joint venture between the two.", symmetric=True),
        RelationshipSchema(RelKind.INVESTS_IN, *_COMPANY_TO_COMPANY,
                           (Field("amount", FieldType.FLOAT, minimum=0),
                            Field("currency", example="USD")),
                           "Source invests in target."),
        RelationshipSchema(RelKind.OWNS, *_COMPANY_TO_COMPANY,
                           (Field("share", FieldType.FLOAT, minimum=0, maximum=1,
                                  doc="Owned share, 0 to 1."),),
                           "Source owns (part of) target."),
        RelationshipSchema(RelKind.COMPETES_WITH, *_COMPANY_TO_COMPANY, (),
                           "The two compete.", symmetric=True),
        RelationshipSchema(RelKind.MEMBER_OF, NodeKind.COMPANY, NodeKind.PROGRAMME,
                           (Field("tier", doc="Membership tier.", example="Gold"),),
                           "Company is a member of programme."),
        RelationshipSchema(RelKind.HAS_CAPABILITY, NodeKind.COMPANY, NodeKind.CAPABILITY,
                           (Field("level", FieldType.FLOAT, minimum=0,
                                  doc="Strength of the capability (e.g. products, 0-5 score)."),
                            Field("evidence", doc="What shows it (products, projects).")),
                           "Company has capability.", weight_field="level"),
        RelationshipSchema(RelKind.HOLDS_PATENTS_IN, NodeKind.COMPANY,
                           NodeKind.TECHNOLOGY_CLASS,
                           (Field("count", FieldType.INT, required=True, minimum=0),
                            Field("year", FieldType.INT, minimum=1800, maximum=2100),
                            Field("origin", FieldType.ENUM, choices=("own", "acquired"),
                                  doc="own R&D, or acquired with a company")),
                           "Aggregated patent counts of a company in a class (per year and "
                           "origin, when known).", weight_field="count"),
        RelationshipSchema(RelKind.HOLDS_PATENT, NodeKind.COMPANY, NodeKind.PATENT, (),
                           "Company is an assignee of patent."),
        RelationshipSchema(RelKind.CLASSIFIED_IN, NodeKind.PATENT, NodeKind.TECHNOLOGY_CLASS,
                           (), "Patent is classified in class."),
        RelationshipSchema(RelKind.HAS_NEED, NodeKind.COMPANY, NodeKind.NEED, (),
                           "Company has this strategic need."),
        RelationshipSchema(RelKind.REQUIRES_CAPABILITY, NodeKind.NEED, NodeKind.CAPABILITY,
                           (), "Meeting the need takes this capability (or one below it)."),
        RelationshipSchema(RelKind.REQUIRES_CLASS, NodeKind.NEED, NodeKind.TECHNOLOGY_CLASS,
                           (), "Meeting the need takes patents in this class (or below it)."),
        RelationshipSchema(RelKind.USES_CAPABILITY, NodeKind.COMPANY, NodeKind.CAPABILITY,
                           (Field("level", FieldType.FLOAT, minimum=0,
                                  doc="How much (e.g. listings as an adopter)."),
                            Field("evidence", doc="What shows it.")),
                           "Company uses (adopts) a technology: an adopter or end user, "
                           "not a provider of it.", weight_field="level"),
        RelationshipSchema(RelKind.IN_SECTOR, NodeKind.COMPANY, NodeKind.INDUSTRY,
                           (Field("provenance", required=True,
                                  doc="Where the assignment comes from.",
                                  example="wikidata"),
                            Field("confidence", FieldType.FLOAT, minimum=0, maximum=1,
                                  doc="How sure the source is, 0 to 1; default 1."),
                            Field("evidence", doc="The fact it rests on.")),
                           "Company is in this sector (an industry node), by the evidence "
                           "of a source; `industries` on the company is the user's own."),
    )
}

# The derived key of holds_patents_in rows: counts for several years or origins of one
# company and class are parallel relationships, told apart by year and origin.
DERIVED_KEY_FIELDS: Mapping[RelKind, tuple[str, ...]] = {
    RelKind.HOLDS_PATENTS_IN: ("year", "origin"),
}


@dataclass(frozen=True)
class Node:
    """A node as stored: kind, id and properties (``name`` among them)."""

    kind: NodeKind
    id: str
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        value = self.properties.get("name") or self.properties.get("title")
        return str(value) if value else self.id

    @property
    def key(self) -> str:
        return node_key(self.kind, self.id)


@dataclass(frozen=True)
class Relationship:
    """A relationship as stored. ``properties`` excludes the identity and date fields."""

    kind: RelKind
    source: str
    target: str
    since: str | None = None
    until: str | None = None
    key: str = ""
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def schema(self) -> RelationshipSchema:
        return RELATIONSHIP_SCHEMAS[self.kind]

    def is_active(self, as_of: dt.date | None) -> bool:
        """Whether it holds on ``as_of`` (None: always); see :mod:`ecosystem.dates`."""
        return is_active(self.since, self.until, as_of)


def node_key(kind: NodeKind | str, id: str) -> str:
    """The key of a node in the networkx graph: ``"<kind>:<id>"``.

    Examples
    --------
    >>> node_key(NodeKind.COMPANY, "ibm")
    'company:ibm'
    """
    return f"{NodeKind(kind).value}:{id}"


def split_node_key(key: str) -> tuple[NodeKind, str]:
    """Invert :func:`node_key`.

    Examples
    --------
    >>> split_node_key("programme:cncf")
    (<NodeKind.PROGRAMME: 'programme'>, 'cncf')
    """
    kind, _, id = key.partition(":")
    return parse_node_kind(kind), id


def _parse_kind(enum: type[K], value: str, what: str, names: Iterable[str]) -> K:
    try:
        return enum(value)
    except ValueError:
        choices = list(names)
        close = difflib.get_close_matches(str(value), choices, n=3, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownKind(
            f"Unknown {what} {value!r}.{hint} Known {what}s: {', '.join(choices)}.",
            value=str(value),
            suggestions=close,
        ) from None


def parse_node_kind(value: str) -> NodeKind:
    """Return the :class:`NodeKind` named ``value``; raise UnknownKind with suggestions."""
    return _parse_kind(NodeKind, value, "node kind", (k.value for k in NodeKind))


def parse_rel_kind(value: str) -> RelKind:
    """Return the :class:`RelKind` named ``value``; raise UnknownKind with suggestions."""
    return _parse_kind(RelKind, value, "relationship kind", (k.value for k in RelKind))
