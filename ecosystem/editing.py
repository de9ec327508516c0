"""Writing single nodes and relationships, and finding companies: what services call.

Every write goes through the same validation as an import (one row is a one-row table),
so an edit is refused, with the same messages, exactly when an import would be.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

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
from ecosystem.stores.base import AsOf, Store, WriteSummary

__all__ = ["company_detail", "find_companies", "upsert_node", "upsert_relationship"]


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
