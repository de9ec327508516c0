"""Request and response bodies, one family per resource."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat

from ecosystem.model import Node, Relationship

#: A value of one field in a request: text, a finite number, true/false, a list of texts,
#: or null (which clears the field). Infinity and NaN are refused.
CellValue = str | int | FiniteFloat | bool | list[str] | None

__all__ = [
    "CellValue",
    "CompaniesOut",
    "CompanyOut",
    "ErrorOut",
    "HealthOut",
    "ImportOut",
    "NeedIn",
    "NeedsIn",
    "NodeOut",
    "NodesOut",
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


def node_out(node: Node) -> NodeOut:
    return NodeOut(kind=node.kind.value, id=node.id, name=node.name,
                   properties=node.properties)


def relationship_out(rel: Relationship) -> RelationshipOut:
    return RelationshipOut(kind=rel.kind.value, source=rel.source, target=rel.target,
                           since=rel.since, until=rel.until, key=rel.key,
                           properties=rel.properties)
