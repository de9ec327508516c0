"""Hierarchies (capability taxonomy, class and industry trees) as sparse matrices."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from ecosystem.model import NodeKind
from ecosystem.stores.base import Store

__all__ = ["descendants", "parent_matrix"]


def _parents(store: Store, kind: NodeKind) -> dict[str, str | None]:
    return store.cached(("parents", kind), lambda: {
        n.id: (str(n.properties["parent"]) if n.properties.get("parent") else None)
        for n in store.nodes(kind)})


def parent_matrix(store: Store, kind: NodeKind, ids: Sequence[str]) -> sp.csr_array:
    """``ids x ids`` 0/1 matrix with a 1 at (node, its parent); a root is its own parent.

    Used to group subclasses by class (Makri et al.'s similarity and complementarity).
    """
    parent = _parents(store, kind)
    index = {c: i for i, c in enumerate(ids)}
    cols = [index.get(parent.get(c) or c, i) for i, c in enumerate(ids)]
    return sp.csr_array((np.ones(len(ids)), (range(len(ids)), cols)),
                        shape=(len(ids), len(ids)))


def descendants(store: Store, kind: NodeKind, ids: Sequence[str]) -> sp.csr_array:
    """``ids x ids`` 0/1 matrix D with ``D[c, r] = 1`` when c is r or lies below r.

    ``M @ D[:, r]`` then sums a company's holdings in r and everything below it.
    """
    parent = _parents(store, kind)
    index = {id: i for i, id in enumerate(ids)}
    rows, cols = [], []
    for child in ids:
        seen: set[str] = set()
        node: str | None = child
        while node is not None and node in index and node not in seen:
            rows.append(index[child])
            cols.append(index[node])
            seen.add(node)
            node = parent.get(node)
    return sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(ids), len(ids)))
