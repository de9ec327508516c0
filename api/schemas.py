"""Request and response bodies, one family per resource."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat

from ecosystem.model import Node, Relationship

#: A value of one field in a request: text, a finite number, true/false, a list of texts,
#: or null (which clears the field). Infinity and NaN are refused.
CellValue = str | int | FiniteFloat | bool | list[str] | None

__all__ = [
    "AlertOut",
    "BacktestOut",
    "CandidateOut",
    "CellValue",
    "CompaniesOut",
    "CompanyOut",
    "ErrorOut",
    "HealthOut",
    "ImportOut",
    "InfluenceRowOut",
    "NeedIn",
    "NeedOut",
    "NeedsIn",
    "NeedsOut",
    "NodeOut",
    "NodesOut",
    "OpportunitiesOut",
    "OverlapOut",
    "PartnershipOut",
    "PartnershipStatusOut",
    "PeriodHealthOut",
    "RelationshipIn",
    "RelationshipOut",
    "RequestModel",
    "node_out",
    "relationship_out",
]


class RequestModel(BaseModel):
    """A request body: unknown fields refused, and values of exactly their types (no
    ``false`` for a number, no number for a text)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    type: str = Field(examples=["not_found"])
    message: str = Field(examples=["No company with id 'voltr' in the store."])
    details: Any = Field(default=None, examples=[{"suggestions": ["voltra"]}])


class ErrorOut(BaseModel):
    """Every error response has this shape."""

    error: ErrorBody


class NodeOut(BaseModel):
    kind: str = Field(examples=["company"])
    id: str = Field(examples=["ibm"])
    name: str = Field(examples=["IBM"])
    properties: dict[str, Any] = Field(examples=[{"country": "US", "tags": ["cloud"]}])


class NodesOut(BaseModel):
    items: list[NodeOut]
    total: int
    limit: int
    offset: int


class RelationshipOut(BaseModel):
    kind: str = Field(examples=["member_of"])
    source: str = Field(examples=["ibm"])
    target: str = Field(examples=["cncf"])
    since: str | None = Field(default=None, examples=["2015-11-01"])
    until: str | None = None
    key: str = ""
    properties: dict[str, Any] = Field(default_factory=dict, examples=[{"tier": "Platinum"}])


class OrgTypeOut(BaseModel):
    type: str = Field(examples=["company"])
    source: str = Field(examples=["programme tier"])
    evidence: str = Field(examples=["'Associate' member of lf"])
    confidence: float = Field(examples=[0.9])


class SectorOut(BaseModel):
    sector: str = Field(examples=["sic-37"])
    name: str = Field(default="", examples=["Transportation Equipment"])
    scheme: str = Field(examples=["SIC"])
    source: str = Field(examples=["wikidata"])
    confidence: float = Field(examples=[0.8])
    evidence: str = Field(examples=["Wikidata Q53268 (Toyota): industry Q190117"])


class CompanyOut(NodeOut):
    org_type: OrgTypeOut | None = Field(
        default=None, description="What kind of organisation it is, with the evidence")
    sectors: list[SectorOut] = Field(
        default_factory=list, description="Its sectors with their source (empty: unknown)")
    aliases: list[str] = Field(default_factory=list,
                               description="Other ids and names it is known by")
    relationships: list[RelationshipOut]
    patents: dict[str, int] = Field(
        default_factory=dict, examples=[{"uspc-709": 812, "uspc-707": 640}],
        description="Patent counts per technology class (the holds_patents_in rows, summed)")


class CompaniesOut(NodesOut):
    pass


class RelationshipIn(RequestModel):
    """A relationship to create or update; its identity is kind, source, target, since, key."""

    kind: str = Field(examples=["partners_with"])
    source: str = Field(min_length=1, max_length=500, examples=["voltra"])
    target: str = Field(min_length=1, max_length=500, examples=["cortex"])
    since: str | None = Field(default=None, examples=["2023-01-01"])
    until: str | None = None
    key: str | None = Field(default=None, max_length=500)
    properties: dict[str, CellValue] = Field(
        default_factory=dict, examples=[{"scope": "smart cockpit pilot"}])


class NeedIn(RequestModel):
    id: str = Field(min_length=1, max_length=200, examples=["cockpit-fusion"])
    name: str | None = Field(default=None, examples=["Cockpit-driving fusion algorithms"])
    standard: str | None = None
    capabilities: list[str] = Field(default_factory=list, examples=[["autonomy/fusion"]])
    classes: list[str] = Field(default_factory=list, examples=[["G06N"]])
    min_level: FiniteFloat | None = Field(default=None, ge=0)
    min_patents: int | None = Field(default=None, ge=0)
    weight: FiniteFloat | None = Field(default=None, ge=0)
    horizon_years: FiniteFloat | None = Field(default=None, ge=0, le=100)


class NeedsIn(RequestModel):
    needs: list[NeedIn] = Field(min_length=1, max_length=200)


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])
    store: str
    generation: int
    counts: dict[str, dict[str, int]]


class ImportOut(BaseModel):
    nodes_written: dict[str, int]
    nodes_created: dict[str, int]
    relationships_written: dict[str, int]
    relationships_created: dict[str, int]
    unmatched: dict[str, int]
    suggestions: dict[str, list[str]] = Field(
        default_factory=dict, description="Close company ids for each unmatched name")
    skipped: dict[str, str] = Field(
        default_factory=dict, description="Uploaded files that are not tables, with why")
    notes: list[str] = Field(default_factory=list,
                             description="What the readers changed on the way in")


# -- analysis, partnerships, prediction ----------------------------------------------

_NUMBERS = dict[str, float | None]


class NeedOut(BaseModel):
    id: str = Field(examples=["cockpit-fusion"])
    name: str = Field(examples=["Cockpit-driving fusion algorithms"])
    capabilities: list[str] = Field(examples=[["autonomy/fusion"]])
    classes: list[str] = Field(examples=[["G06N"]])
    standard: str | None = None
    min_level: float
    min_patents: int
    weight: float
    horizon_years: float | None = None


class NeedsOut(BaseModel):
    """A company's capability-needs map (docs/method.md, step 1.1)."""

    company: str = Field(examples=["voltra"])
    needs: list[NeedOut]


class ComponentOut(BaseModel):
    name: str = Field(examples=["complementarity"])
    value: float | None = Field(description="null: nothing known")
    weight: float
    evidence: str


class DimensionOut(BaseModel):
    score: float | None = Field(description="0 to 1; null: nothing known")
    confidence: float
    components: list[ComponentOut]


class CandidateOut(BaseModel):
    """One candidate partner with the full explanation of its fit."""

    company: str = Field(examples=["cortex"])
    name: str = Field(examples=["Cortex AI"])
    score: float = Field(examples=[0.58])
    confidence: float = Field(description="Share of the weighted fit resting on evidence")
    axis: str = Field(examples=["cross-industry"])
    org_type: OrgTypeOut | None
    sectors: list[SectorOut]
    decided_by: list[str]
    reasons: list[str]
    strategy: DimensionOut
    capability: DimensionOut
    culture: DimensionOut
    flags: list[str]
    need_coverage: dict[str, float] = Field(description="Share of each need it meets")
    what_if: dict[str, float] = Field(description="Effect of a partnership on your influence")
    explanation: list[str]


class OverlapOut(BaseModel):
    """Every overlap, proximity and complementarity metric of two companies."""

    model_config = ConfigDict(extra="allow")
    a: str
    b: str
    as_of: str | None
    window: list[str | None] | None
    patents: dict[str, int]
    capabilities: dict[str, int]
    flags: list[str]


class InfluenceRowOut(BaseModel):
    """One node's influence metrics (the ones asked for; null: undefined for it)."""

    model_config = ConfigDict(extra="allow")
    node: str = Field(examples=["company:ibm"])
    name: str = Field(examples=["IBM"])


class CommunityOut(BaseModel):
    label: int
    name: str
    size: int
    companies: int
    programmes: list[str]
    industries: list[tuple[str, int]]
    capabilities: list[tuple[str, int]]
    central: list[str]


class BridgeOut(BaseModel):
    a: int
    b: int
    ties: float
    expected: float
    brokers: list[str]
    ratio: float


class OpportunitiesOut(BaseModel):
    communities: list[CommunityOut]
    bridges: list[BridgeOut]


class AlertOut(BaseModel):
    rule: str = Field(examples=["delivery_delay"])
    level: str = Field(examples=["executive"])
    partnership: str
    company: str
    partner: str
    date: str
    message: str
    recommendation: str
    evidence: dict[str, Any]
    resolved: str | None
    buffer_until: str | None
    open: bool


class KpiGapOut(BaseModel):
    kpi: str
    name: str
    metric: str
    target: float | None
    actual: float
    gap: float | None
    attainment: float | None


class PeriodHealthOut(BaseModel):
    """The health diagnosis of one period (docs/method.md, stage 4)."""

    partnership: str
    start: str
    end: str
    stage: str | None
    kpis: list[KpiGapOut]
    milestones_due: int
    milestones_on_time: int
    hit_rate: float | None
    delay_rate: float | None
    mean_delay_days: float | None
    satisfaction: float | None
    satisfaction_trend: float | None
    communication: dict[str, list[float]]
    components: _NUMBERS
    index: float | None
    band: str | None
    survey_moves: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Per side, the survey dimensions' change since "
        "its previous shown round and the one that moved most.")


class PartnershipStatusOut(BaseModel):
    id: str
    name: str
    company: str
    partner: str
    stage: str
    stage_since: str | None
    form: str | None
    health: float | None
    band: str | None
    open_alerts: list[AlertOut]


class PartnershipOut(BaseModel):
    """Everything about one partnership on a day: its terms, records, health and alerts."""

    partnership: dict[str, Any] = Field(description="Its fields: goals, terms, cadence ...")
    as_of: str
    stage: str
    stage_since: str | None
    form: str | None
    stages: list[dict[str, Any]]
    risks: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    kpis: list[dict[str, Any]]
    actuals: list[dict[str, Any]]
    cadence_days: dict[str, int]
    meetings: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    exit_steps: list[dict[str, Any]]
    conflicts: list[dict[str, Any]] = Field(
        description="Each incident's conflict log: why-chain, fishbone, responsibility "
        "split and shared loss, remedial milestones, proposed clause update.")
    agreement: dict[str, Any] = Field(
        description="The agreement on the day: versions (their first days) and the "
        "clauses in force.")
    surveys: dict[str, Any] = Field(
        description="Survey rounds (side and quarter; averages only for rounds of at least "
        "min_group answers) and the dimension that moved most per side.")
    budget: list[dict[str, Any]] = Field(
        description="Per milestone, side and currency: planned, moved by reallocations, "
        "budget, actual, variance, people.")
    reallocations: list[dict[str, Any]]
    pool: list[dict[str, Any]] = Field(description="Resource pool entries.")
    pool_warnings: list[dict[str, Any]] = Field(
        description="Pool entries touching a protected item of either side.")
    attribution: list[dict[str, Any]] = Field(
        description="Shared customers' orders split by each side's contribution.")
    rotations: list[dict[str, Any]]
    evaluation: dict[str, Any] | None = Field(
        description="From the graph: joint patents, PageRank with and without the "
        "partnership, third parties that tied to either side since the start.")
    health: list[PeriodHealthOut]
    alerts: list[AlertOut]


class ClauseChangeOut(BaseModel):
    """What happened to one agreement clause between two versions."""

    clause: str
    change: Literal["added", "changed", "retired"]
    before: str | None
    after: str | None
    effective: str
    reason: str | None
    cause: str | None
    incident: str | None
    diff: list[str] = Field(description="The text's line diff: '-' removed, '+' added.")


class CaseOut(BaseModel):
    """A past incident, transformation or exit: its context and what was done."""

    id: str
    partnership: str
    kind: Literal["incident", "transformation", "exit"]
    date: str
    title: str
    category: str
    severity: str | None
    stage: str | None
    causes: list[str] = Field(description="Fishbone causes of its why-chain.")
    root_cause: str | None
    kpi_gaps: list[str] = Field(description="KPI metrics below target before it.")
    action: str = Field(description="What followed: a stage, clause_update, "
                        "remedial_project or continue.")
    done: str
    outcome: str


class SimilarCaseOut(CaseOut):
    similarity: float = Field(description="Jaccard overlap of the two contexts.")


class SimilarCasesOut(BaseModel):
    """Past cases like an incident and the action the decision tree recommends."""

    similar: list[SimilarCaseOut]
    recommended: str | None
    behind: list[str] = Field(description="Ids of the past cases behind the advice.")
    rules: str | None = Field(description="The decision tree's rules as text.")


class MethodScoreOut(BaseModel):
    """One predictor's scores (with ``hits_at_K`` and ``recall_at_K`` for the k asked)."""

    model_config = ConfigDict(extra="allow")
    method: str
    auc: float | None
    average_precision: float | None
    map: float | None
    per_company_recall: dict[str, float]
    per_company_ap: dict[str, float]
    target_map: float | None = None
    intervals_95: dict[str, list[float | None]] = Field(
        default_factory=dict, description="For each view (source, target, pooled), a 95% "
        "bootstrap interval of this predictor's score: sources or targets resampled, or "
        "sources' pairs reweighted for the pooled view")


class TrainingOut(BaseModel):
    windows: list[list[str]]
    pairs: int
    positives: int
    blend: dict[str, Any] | None = Field(
        default=None, description="The baseline blended into the model's ranking and its "
        "weight, chosen on the latest training window (weight 0: the model alone)")


class ViewGainOut(BaseModel):
    baseline: str | None
    model: float | None
    baseline_score: float | None
    gain: float | None
    gain_95: list[float | None]


class BacktestOut(BaseModel):
    relation: str
    cutoff: str
    horizon: str
    end: str
    k: int
    candidates: int
    test_ties: int
    formed_in_window: int
    new_node_ties: int
    training: TrainingOut
    best_baseline: str
    map_gain: float
    map_gain_95: list[float]
    views: dict[str, ViewGainOut] = Field(
        default_factory=dict, description="Per source (MAP over companies), per target (MAP "
        "over programmes or partners) and pooled (average precision over all pairs): the "
        "baseline chosen on the latest training window, and the model's gain over it with "
        "a 95% bootstrap interval")
    calibration: dict[str, Any] = Field(
        default_factory=dict, description="Brier score, expected calibration error, base "
        "rate and the reliability curve of the model's probabilities on the test window")
    cold_start: dict[str, Any] = Field(
        default_factory=dict, description="Companies with no tie before the cut-off: MAP "
        "of the cold-start score and of popularity")
    results: list[MethodScoreOut]
    note: str


def node_out(node: Node) -> NodeOut:
    return NodeOut(kind=node.kind.value, id=node.id, name=node.name,
                   properties=node.properties)


def relationship_out(rel: Relationship) -> RelationshipOut:
    return RelationshipOut(kind=rel.kind.value, source=rel.source, target=rel.target,
                           since=rel.since, until=rel.until, key=rel.key,
                           properties=rel.properties)


class ExploreNodeOut(BaseModel):
    """A company or programme as the explorer draws it."""

    key: str = Field(examples=["company:ibm"])
    kind: str = Field(examples=["company"])
    id: str = Field(examples=["ibm"])
    name: str = Field(examples=["IBM"])
    degree: int = Field(description="Its relationships of the kinds followed")
    org_type: str | None = Field(examples=["company"])
    sectors: list[str] = Field(examples=[["Business Services"]])
    group: str = Field(description="Organisation type, or the node kind")
    colour: str = Field(examples=["#1f77b4"])
    shape: str = Field(examples=["dot"])


class ExploreEdgeOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    source: str = Field(alias="from", examples=["company:ibm"])
    target: str = Field(alias="to", examples=["programme:cncf"])
    kind: str = Field(examples=["member_of"])
    since: str | None = None
    until: str | None = None
    tier: str | None = None


class NeighboursOut(BaseModel):
    """A page of a node's neighbours, best connected first, and the edges to them."""

    node: ExploreNodeOut
    neighbours: list[ExploreNodeOut]
    edges: list[ExploreEdgeOut]
    total: int = Field(description="How many neighbours there are in all")
    offset: int
    limit: int


class ExploreKindOut(BaseModel):
    kind: str = Field(examples=["member_of"])
    label: str = Field(examples=["member of"])
    colour: str
    dashes: bool


class ExploreMetaOut(BaseModel):
    """What the explorer's controls offer."""

    kinds: list[ExploreKindOut]
    org_types: list[str]
    sectors: list[str]
    first: str | None = Field(description="The earliest date of a relationship")
    last: str | None = Field(description="The latest date of a relationship")


class CompanyPageOut(BaseModel):
    """A company as the explorer's page shows it (``ecosystem show company`` and its
    partnerships with their drawn health band)."""

    model_config = ConfigDict(extra="allow")
    key: str = Field(examples=["company:ibm"])
    id: str
    name: str
    org_type: OrgTypeOut | None
    sectors: list[SectorOut]
    memberships: list[dict[str, Any]]
    ties: list[dict[str, Any]]
    patents: dict[str, Any]
    partnerships: list[dict[str, Any]]


class PortfolioOut(BaseModel):
    """Every partnership on a day, as the dashboard shows it."""

    as_of: str
    due_days: int = Field(description="Milestones due within this many days are 'due soon'")
    rows: list[dict[str, Any]] = Field(description="One per partnership: stage, health, "
                                       "trend per quarter, alerts by level, due and late "
                                       "milestones, top risk, KPIs, budget used per "
                                       "currency")
    heat: list[list[int]] = Field(description="Risk counts, heat[severity-1][likelihood-1]")
    levels: list[str]
    totals: dict[str, Any]


class DigestOut(BaseModel):
    """The digest per owner: what is late, what changed, what to decide."""

    as_of: str
    since: str
    owners: list[dict[str, Any]]


class ProgrammeMemberOut(BaseModel):
    key: str = Field(examples=["company:ibm"])
    name: str
    tier: str | None
    since: str | None
    degree: int


class TierCountOut(BaseModel):
    tier: str = Field(examples=["Platinum"])
    members: int


class ProgrammePageOut(BaseModel):
    """A programme as the explorer's page shows it."""

    key: str = Field(examples=["programme:cncf"])
    id: str
    name: str
    members: int
    tiers: list[TierCountOut]
    joined_last_year: list[ProgrammeMemberOut]
    joined_last_year_count: int
    best_connected: list[ProgrammeMemberOut]
