"""Projections of stored nodes and relationships into networkx graphs and sparse matrices.

Every store builds its analytics views here, so both stores give identical graphs.
Projections are cached by (store generation, as-of date) and rebuilt when the data change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from ecosystem.model import (
    RELATIONSHIP_SCHEMAS,
    Node,
    NodeKind,
    Relationship,
    RelKind,
    node_key,
)
from ecosystem.stores.memory import DiskCache, note, tracking

if TYPE_CHECKING:  # imported where used: an import of data needs neither
    import networkx as nx
    import scipy.sparse as sp

__all__ = [
    "DERIVED_EDGE_KINDS",
    "BipartiteMatrix",
    "DerivedEdge",
    "ProjectionCache",
    "build_graph",
    "build_matrix",
]

class DerivedEdge(StrEnum):
    """Edges the graph adds from node fields (not stored relationships)."""

    IN_INDUSTRY = "in_industry"  # a company and each of its industries
    PART_OF = "part_of"  # a node and its parent in a hierarchy (capability, class, industry)
    RUNS = "runs"  # a company and the programme it owns


#: The kinds of the derived edges, as they appear on the graph.
DERIVED_EDGE_KINDS = tuple(k.value for k in DerivedEdge)

T = TypeVar("T")


@dataclass(frozen=True)
class BipartiteMatrix:
    """A sparse weight matrix between two node kinds, with the ids of rows and columns.

    ``matrix[i, j]`` sums the weights of the relationships from ``rows[i]`` to
    ``columns[j]``. Rows and columns list every node of the two kinds, sorted by id, so
    matrices of one store line up across dates.
    """

    kind: RelKind
    matrix: sp.csr_array
    rows: tuple[str, ...]
    columns: tuple[str, ...]

    def row_index(self) -> dict[str, int]:
        """Row number of each id (built once; do not change the dict)."""
        return self._row_index

    def column_index(self) -> dict[str, int]:
        """Column number of each id (built once; do not change the dict)."""
        return self._column_index

    @cached_property
    def _row_index(self) -> dict[str, int]:
        return {id: i for i, id in enumerate(self.rows)}

    @cached_property
    def _column_index(self) -> dict[str, int]:
        return {id: j for j, id in enumerate(self.columns)}


def weight_field(kind: RelKind) -> str:
    """The property that weighs a relationship of ``kind`` in graphs and matrices.

    ``level`` for capabilities, ``count`` for patent counts, else ``weight``; a
    relationship without it weighs 1.
    """
    return RELATIONSHIP_SCHEMAS[kind].weight_field or "weight"


def _edge_weight(rel: Relationship) -> float:
    schema = RELATIONSHIP_SCHEMAS[rel.kind]
    name = schema.weight_field or "weight"
    value = rel.properties.get(name, rel.properties.get("weight"))
    return float(value) if value is not None else 1.0


def build_graph(nodes: Iterable[Node], relationships: Iterable[Relationship]) -> nx.MultiDiGraph:
    """Build the ecosystem graph from nodes and (already date-filtered) relationships.

    Node attributes are ``kind``, ``id`` and the node's properties. Edge attributes are
    ``kind``, ``since``, ``until``, ``weight`` and the relationship's properties; edges are
    keyed ``"<kind>|<since>|<key>"``. Hierarchies and company industries become derived
    edges: ``part_of`` (child -> parent), ``in_industry`` (company -> industry) and ``runs``
    (owner company -> programme).
    """
    import networkx as nx

    G = nx.MultiDiGraph()
    derived: list[tuple[str, str, str]] = []
    for node in nodes:
        key = node.key
        G.add_node(key, **node.properties, kind=node.kind.value, id=node.id)
        parent = node.properties.get("parent")
        if parent:
            derived.append((key, node_key(node.kind, parent), DerivedEdge.PART_OF.value))
        for industry in node.properties.get("industries") or ():
            derived.append((key, node_key(NodeKind.INDUSTRY, industry),
                            DerivedEdge.IN_INDUSTRY.value))
        owner = node.properties.get("owner")
        if owner and node.kind is NodeKind.PROGRAMME:
            derived.append((node_key(NodeKind.COMPANY, owner), key, DerivedEdge.RUNS.value))
    G.add_edges_from(
        (source, target, kind, {"kind": kind, "weight": 1.0})
        for source, target, kind in derived
        if source in G and target in G
    )
    prefixes = {k: (f"{s.source.value}:", f"{s.target.value}:")
                for k, s in RELATIONSHIP_SCHEMAS.items()}
    G.add_edges_from(
        (
            prefixes[rel.kind][0] + rel.source,
            prefixes[rel.kind][1] + rel.target,
            f"{rel.kind.value}|{rel.since or ''}|{rel.key}",
            {**rel.properties, "kind": rel.kind.value, "since": rel.since, "until": rel.until,
             "weight": _edge_weight(rel)},
        )
        for rel in relationships
    )
    return G


def build_matrix(
    kind: RelKind,
    source_ids: Iterable[str],
    target_ids: Iterable[str],
    edges: Sequence[tuple[str, str, float]],
) -> BipartiteMatrix:
    """Sum ``(source, target, weight)`` triples into a sparse ``source x target`` matrix.

    Rows and columns are every id given, sorted. Use :func:`weighted_edges` to make the
    triples from relationships.
    """
    import scipy.sparse as sp

    rows = tuple(sorted(source_ids))
    columns = tuple(sorted(target_ids))
    frame = pd.DataFrame(list(edges), columns=["source", "target", "weight"])
    r = pd.Categorical(frame["source"], categories=rows).codes
    c = pd.Categorical(frame["target"], categories=columns).codes
    if (r < 0).any() or (c < 0).any():
        raise ValueError("an edge names a node that is not among the rows or columns")
    matrix = sp.coo_array(
        (frame["weight"].to_numpy(dtype=float), (r.astype(np.int64), c.astype(np.int64))),
        shape=(len(rows), len(columns)),
    ).tocsr()
    matrix.sum_duplicates()
    return BipartiteMatrix(kind, matrix, rows, columns)


def weighted_edges(relationships: Iterable[Relationship]) -> list[tuple[str, str, float]]:
    """``(source, target, weight)`` of each relationship; see :func:`edge_weight`."""
    return [(r.source, r.target, _edge_weight(r)) for r in relationships]


class ProjectionCache:
    """A small LRU cache of projections, cleared whenever the store's generation moves.

    Each value keeps the kinds its building read (:mod:`ecosystem.stores.memory`), which a
    hit reports again, so that what is built on a cached value knows what it rests on.
    """

    def __init__(self, generation: Callable[[], int], size: int = 256) -> None:
        self._generation = generation
        self._size = size
        self._seen = -1
        self._items: OrderedDict[Hashable, tuple[Any, frozenset[str]]] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        now = self._generation()
        if now != self._seen:
            self._items.clear()
            self._seen = now
        if key in self._items:
            self._items.move_to_end(key)
            value, reads = self._items[key]
            note(reads)
            return value  # type: ignore[no-any-return]
        with tracking() as seen:
            value = build()
        note(seen)
        self._items[key] = (value, frozenset(seen))
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value

    def derived(self, key: Hashable, build: Callable[[], T], disk: DiskCache | None) -> T:
        """A value derived from the store (:meth:`Store.cached`): kept here, and also on
        ``disk`` when one is given, so that another process finds it."""
        if disk is None:
            return self.get(("derived", key), build)
        return self.get(("derived", key), lambda: disk.get(repr(("derived", key)), build))
