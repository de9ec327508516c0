"""What the views of the graph share: node names, relationship edges, ties between
communities, the kinds drawn and the colours.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from ecosystem.metrics.influence import (
    InfluenceGraph,
    tie_weight,
)
from ecosystem.model import (
    RELATIONSHIP_SCHEMAS,
    NodeKind,
    Relationship,
    node_key,
)
from ecosystem.stores.base import Store
from ecosystem.views.kinds import MAP_KINDS
from ecosystem.views.style import EDGE_STYLES, GREY
from ecosystem.views.view import ViewEdge

__all__ = ["COLOURED", "MAP_KINDS", "community_ties", "node_names", "period", "relationship_edge"]

#: Communities or industries with their own colour; the rest are grey.
COLOURED = 12


def node_names(store: Store, kinds: Iterable[NodeKind]) -> dict[str, str]:
    """``"kind:id" -> name`` for every node of the given kinds."""
    return {n.key: n.name for kind in kinds for n in store.nodes(kind)}


def community_ties(graph: InfluenceGraph, labels: np.ndarray, parts: Sequence[int], *,
                   width: float) -> list[ViewEdge]:
    """An edge between each two of the communities ``parts`` whose members have ties, with
    the total tie weight; edge width ``width + log(1 + weight)``."""
    column = {label: j for j, label in enumerate(parts)}
    inside = np.flatnonzero(np.isin(labels, parts))
    member = sp.csr_array((np.ones(len(inside)), (inside, [column[int(labels[i])]
                                                          for i in inside])),
                          shape=(graph.n, len(parts)))
    between = sp.coo_array(member.T @ graph.A @ member)
    return [ViewEdge(f"community:{parts[a]}", f"community:{parts[b]}", "ties", GREY,
                     f"tie weight {w:.1f}", width=width + math.log1p(w))
            for a, b, w in zip(between.row, between.col, between.data, strict=True)
            if a < b and w > 0]


def period(since: str | None, until: str | None) -> str:
    if not since and not until:
        return ""
    return f"{since or 'start'} to {until or 'now'}"


def relationship_edge(rel: Relationship, names: dict[str, str]) -> ViewEdge:
    schema = RELATIONSHIP_SCHEMAS[rel.kind]
    source, target = node_key(schema.source, rel.source), node_key(schema.target, rel.target)
    colour, dashes, arrows = EDGE_STYLES[rel.kind]
    lines = [f"{names.get(source, rel.source)} {rel.kind.value.replace('_', ' ')} "
             f"{names.get(target, rel.target)}", period(rel.since, rel.until)]
    lines += [f"{k}: {v}" for k, v in sorted(rel.properties.items()) if v not in (None, "")]
    weight = tie_weight(rel) or 1.0
    return ViewEdge(source, target, rel.kind.value, colour, "\n".join(x for x in lines if x),
                    width=0.5 + min(weight, 4.0), dashes=dashes, arrows=arrows,
                    since=rel.since, until=rel.until)

