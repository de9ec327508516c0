"""Writing single nodes and relationships, and finding companies: what services call.

Every write goes through the same validation as an import (one row is a one-row table),
so an edit is refused, with the same messages, exactly when an import would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecosystem.dates import AsOf
from ecosystem.io.batch import ROW, RawTable
from ecosystem.io.convert import CLEAR
from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Node,
    NodeKind,
    Relationship,
    RelKind,
)
from ecosystem.scanning.hierarchy import descendants
from ecosystem.stores.base import Store, WriteSummary

__all__ = ["company_detail", "company_identity", "company_summary", "find_companies",
           "upsert_node", "upsert_relationship"]


def _table(name: str, row: Mapping[str, Any], source: str) -> RawTable:
    """One row as a one-row table: a None value clears the field (``#clear``), a key left
    out keeps the stored value."""
    cells = {k: (";".join(map(str, v)) if isinstance(v, list | tuple) else
                 CLEAR if v is None else v) for k, v in row.items()}
    frame = pd.DataFrame([cells], dtype=object)
    frame[ROW] = [2]
    return RawTable(name, source, frame)


def upsert_node(store: Store, kind: NodeKind, properties: Mapping[str, Any], *,
                source: str = "request") -> WriteSummary:
    """Create or update one node (``properties`` holds ``id``; absent fields stay as they
    are, a None value clears one). Raises ImportRefused, naming the field, if anything is
    wrong."""
    return store.write([_table(NODE_SCHEMAS[NodeKind(kind)].table, properties, source)])


def upsert_relationship(store: Store, kind: RelKind, row: Mapping[str, Any], *,
                        source: str = "request") -> WriteSummary:
    """Create or update one relationship (``source``, ``target``, ``since``, ``until``,
    ``key`` and its fields; absent fields stay as they are, a None value clears one)."""
    return store.write([_table(RELATIONSHIP_SCHEMAS[RelKind(kind)].table, row, source)])


def find_companies(store: Store, *, search: str | None = None, industry: str | None = None,
                   capability: str | None = None, programme: str | None = None,
                   as_of: AsOf = None, limit: int = 50, offset: int = 0
                   ) -> tuple[list[Node], int]:
    """Companies matching every filter given, ordered by id, a page at a time.

    ``industry`` matches the industry or any industry below it; ``capability`` a holder of
    it or of a capability below it; ``programme`` its members (``as_of`` a date, else
    ever). Returns the page and the total number of matches.
    """
    companies = store.nodes(NodeKind.COMPANY, search=search)
    if industry is not None:
        store.node(NodeKind.INDUSTRY, industry)  # NodeNotFound with suggestions
        under = set(_at_or_below(store, NodeKind.INDUSTRY, sorted(store.ids(NodeKind.INDUSTRY)),
                                 industry))
        companies = [c for c in companies
                     if under.intersection(c.properties.get("industries") or [])]
    for kind, wanted, rel in ((NodeKind.CAPABILITY, capability, RelKind.HAS_CAPABILITY),
                              (NodeKind.PROGRAMME, programme, RelKind.MEMBER_OF)):
        if wanted is None:
            continue
        store.node(kind, wanted)
        matrix = store.matrix(rel, as_of=as_of)
        index = matrix.column_index()
        columns = [index[c] for c in _at_or_below(store, kind, matrix.columns, wanted)]
        held = np.asarray(matrix.matrix[:, columns].sum(axis=1)).ravel() > 0
        keep = {matrix.rows[i] for i in np.flatnonzero(held)}
        companies = [c for c in companies if c.id in keep]
    return companies[offset:offset + limit], len(companies)


def _at_or_below(store: Store, kind: NodeKind, ids: Sequence[str], top: str) -> list[str]:
    """The ids among ``ids`` that are ``top`` or lie below it in the kind's hierarchy."""
    down = descendants(store, kind, ids)
    below = np.flatnonzero(down[:, [list(ids).index(top)]].toarray().ravel())
    return [ids[int(i)] for i in below]


def company_detail(store: Store, company: str, *, as_of: AsOf = None
                   ) -> tuple[Node, list[Relationship], dict[str, int]]:
    """One company, its relationships (as of a date, else all) and its patent counts per
    class, summed from the cached matrix rather than listed year by year."""
    node = store.node(NodeKind.COMPANY, company)
    rels = [rel for kind, schema in RELATIONSHIP_SCHEMAS.items()
            if kind is not RelKind.HOLDS_PATENTS_IN
            and NodeKind.COMPANY in (schema.source, schema.target)
            for rel in store.relationships(kind, node=(NodeKind.COMPANY, company),
                                           as_of=as_of)]
    patents = store.matrix(RelKind.HOLDS_PATENTS_IN, as_of=as_of)
    row = patents.matrix[[patents.row_index()[company]], :].tocoo()
    counts = {patents.columns[j]: int(v) for j, v in zip(row.col, row.data, strict=True)}
    return node, rels, dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def company_summary(store: Store, company: str, *, as_of: AsOf = None) -> dict[str, Any]:
    """One company as a person reads it: its type and sectors with their evidence, its
    aliases, its memberships (first), its other ties, capabilities and adopted
    technologies, and its patents per class with totals, largest first (JSON-ready)."""
    node, rels, _ = company_detail(store, company, as_of=as_of)

    def line(rel: Relationship, other: str, direction: str) -> str:
        dates = f"{rel.since or '...'} to {rel.until or 'now'}"
        extra = ", ".join(f"{k}={v}" for k, v in rel.properties.items()
                          if k not in ("evidence",))
        arrow = {"out": "->", "in": "<-", "both": "--"}[direction]
        return f"{arrow} {rel.kind.value:<17}{other}  [{dates}]{'  ' + extra if extra else ''}"

    def row(rel: Relationship) -> dict[str, Any]:
        outgoing = rel.source == node.id
        other = rel.target if outgoing else rel.source
        direction = ("both" if RELATIONSHIP_SCHEMAS[rel.kind].symmetric else
                     "out" if outgoing else "in")
        return {"kind": rel.kind.value, "other": other, "direction": direction,
                "since": rel.since, "until": rel.until, **rel.properties,
                "line": line(rel, other, direction)}

    by_kind: dict[RelKind, list[Relationship]] = {}
    for rel in rels:
        by_kind.setdefault(rel.kind, []).append(rel)
    memberships = sorted(by_kind.pop(RelKind.MEMBER_OF, []),
                         key=lambda r: (r.until is not None, r.target))
    capabilities = sorted(by_kind.pop(RelKind.HAS_CAPABILITY, []),
                          key=lambda r: -float(r.properties.get("level") or 0))
    adopts = by_kind.pop(RelKind.USES_CAPABILITY, [])
    by_kind.pop(RelKind.IN_SECTOR, None)
    ties = [r for kind in RelKind for r in by_kind.get(kind, [])]
    patents = _patent_totals(store, node.id, as_of)
    properties = {k: v for k, v in node.properties.items() if k not in ("name", "aliases")}
    return {
        "kind": node.kind.value, "id": node.id, "name": node.name,
        **company_identity(store, node), "properties": properties,
        "memberships": [row(r) for r in memberships], "ties": [row(r) for r in ties],
        "capabilities": [row(r) for r in capabilities], "adopts": [row(r) for r in adopts],
        "patents": patents,
    }


def company_identity(store: Store, node: Node) -> dict[str, Any]:
    """What kind of organisation a company is and in which sectors, each with its evidence,
    and its aliases (JSON-ready)."""
    from ecosystem.entities.organisation_types import organisation_types
    from ecosystem.entities.sectors import company_sectors, sector_names

    names = sector_names(store)
    org_type = organisation_types(store).get(node.id)
    return {"org_type": org_type.as_dict() if org_type else None,
            "sectors": [a.as_dict() | {"name": names.get(a.sector, a.sector)}
                        for a in company_sectors(store).get(node.id, [])],
            "aliases": list(node.properties.get("aliases") or [])}


def _patent_totals(store: Store, company: str, as_of: AsOf) -> dict[str, Any]:
    """Patent counts per class with totals and the span of grant years."""
    titles = {n.id: str(n.properties.get("title") or "")
              for n in store.nodes(NodeKind.TECHNOLOGY_CLASS)}
    counts: dict[str, int] = {}
    years: list[int] = []
    for rel in store.relationships(RelKind.HOLDS_PATENTS_IN, node=(NodeKind.COMPANY, company),
                                   as_of=as_of):
        counts[rel.target] = counts.get(rel.target, 0) + int(rel.properties.get("count", 0))
        if rel.properties.get("year") is not None:
            years.append(int(rel.properties["year"]))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {"total": sum(counts.values()),
            "years": f"{min(years)}-{max(years)}" if years else "",
            "classes": [{"class": c, "title": titles.get(c, ""), "count": n}
                        for c, n in ranked]}
