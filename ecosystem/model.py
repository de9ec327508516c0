"""The domain model: node kinds, relationship kinds and the fields each one carries.

The model is declared as data (:data:`NODE_SCHEMAS`, :data:`RELATIONSHIP_SCHEMAS`) so that
import, validation, storage and export are all driven by one description. The canonical
tabular format (``docs/tabular-format.md``) is generated from the same tables.

Dates
-----
Relationships carry ``since`` and ``until`` (ISO dates). A relationship is *active as of* a
date ``d`` when ``since`` is empty or ``since <= d``, and ``until`` is empty or ``d < until``:
``until`` is the first day on which the relationship no longer holds.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from ecosystem.errors import InvalidValue, UnknownKind

K = TypeVar("K", bound=StrEnum)

__all__ = [
    "NODE_SCHEMAS",
    "RELATIONSHIP_SCHEMAS",
    "Field",
    "FieldType",
    "Node",
    "NodeKind",
    "NodeSchema",
    "RelKind",
    "Relationship",
    "RelationshipSchema",
    "is_active",
    "node_key",
    "overlaps",
    "parse_date",
    "parse_node_kind",
    "parse_rel_kind",
    "parse_window",
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
                _DESCRIPTION,
            ),
            "An organisation: a firm, a university, a public body.",
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
            "A strategic capability need of a company (METHOD.md stage 1): link it with "
            "`has_need`, `requires_capability` and `requires_class`.",
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

    def is_active(self, as_of: dt.date | str | None) -> bool:
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


def is_active(since: str | None, until: str | None, as_of: dt.date | str | None) -> bool:
    """Whether a relationship dated ``[since, until)`` holds on ``as_of`` (None: always).

    Examples
    --------
    >>> is_active("2020-01-01", "2021-01-01", "2020-06-30")
    True
    >>> is_active("2020-01-01", "2021-01-01", "2021-01-01")
    False
    """
    if as_of is None:
        return True
    day = as_of if isinstance(as_of, str) else as_of.isoformat()
    return (not since or since <= day) and (not until or day < until)


def overlaps(since: str | None, until: str | None,
             window: tuple[str | None, str | None] | None) -> bool:
    """Whether a relationship dated ``[since, until)`` holds at some time in ``window``.

    ``window`` is ``(start, end)``, half-open, either end open when None; None: always.

    Examples
    --------
    >>> overlaps("2019-01-01", "2020-01-01", ("2019-06-01", None))
    True
    >>> overlaps("2019-01-01", "2020-01-01", ("2020-01-01", "2021-01-01"))
    False
    """
    if window is None:
        return True
    start, end = window
    return (not since or end is None or since < end) and (
        not until or start is None or until > start)


def parse_window(since: str | dt.date | None, until: str | dt.date | None
                 ) -> tuple[str | None, str | None] | None:
    """A ``(since, until)`` window of ISO dates; None when both ends are open."""
    if since is None and until is None:
        return None
    start = parse_date(since, field="since") if since is not None else None
    end = parse_date(until, field="until") if until is not None else None
    if start and end and end <= start:
        raise InvalidValue(f"The window ends ({end}) before it starts ({start}); give an "
                           "'until' later than 'since'.", field="until", value=until)
    return start, end


def parse_date(value: str | dt.date, *, field: str = "as_of") -> str:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into an ISO date string.

    Examples
    --------
    >>> parse_date("2019-05")
    '2019-05-01'
    """
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    text = value.strip()
    padded = {4: text + "-01-01", 7: text + "-01"}.get(len(text), text)
    try:
        return dt.date.fromisoformat(padded).isoformat()
    except ValueError:
        raise InvalidValue(
            f"{field} is {value!r}; expected a date such as 2024-06-30, 2024-06 or 2024.",
            field=field,
            value=value,
        ) from None


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
