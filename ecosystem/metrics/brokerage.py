"""Brokerage and structural holes: who connects otherwise separate parts of the ecosystem.

Burt's constraint, effective size and hierarchy, and Gould & Fernandez's brokerage roles,
all as sparse matrix products over the influence graph (no loop over nodes).

References
----------
.. [1] Burt, R. S. (1992). Structural Holes: The Social Structure of Competition. Harvard
   University Press.
.. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures.
   Connections 20(1), 35-38.
.. [3] Gould, R. V. & Fernandez, R. M. (1989). Structures of mediation: a formal approach to
   brokerage in transaction networks. Sociological Methodology 19, 89-126.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ecosystem.metrics.influence import InfluenceGraph

__all__ = ["BrokerageRoles", "brokerage_roles", "constraint", "effective_size", "hierarchy"]


def _proportions(A: sp.csr_array) -> sp.csr_array:
    """:math:`p_{ij} = a_{ij} / \\sum_k a_{ik}`: the share of i's ties that go to j."""
    strength = np.asarray(A.sum(axis=1), dtype=float).ravel()
    inverse = np.divide(1.0, strength, out=np.zeros_like(strength), where=strength > 0)
    return sp.csr_array(sp.diags_array(inverse) @ A)


def _two_step_on_ties(graph: InfluenceGraph, X: sp.csr_array, Y: sp.csr_array
                      ) -> sp.csr_array:
    """:math:`\\sum_{q \\ne i, j} x_{iq} y_{qj}` for every tie :math:`(i, j)` (0 off ties).

    A q tied to both ends of a tie closes a triangle, so the triangles (enumerated in C
    by python-igraph) give it, instead of the full product :math:`X Y`, which a hub (a
    programme of 2,000 members) fills with millions of entries.
    """
    n = graph.n
    rows, cols, values = [], [], []
    for a, b, c in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):  # each corner in turn as q
        i, j, q = (graph.triangles[:, k] for k in (a, b, c))
        rows += [i, j]
        cols += [j, i]
        values += [_at(X, i, q) * _at(Y, q, j), _at(X, j, q) * _at(Y, q, i)]
    out = sp.csr_array((np.concatenate(values), (np.concatenate(rows),
                                                 np.concatenate(cols))), shape=(n, n))
    out.sum_duplicates()
    return out


def _at(M: sp.csr_array, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The entries ``M[rows[k], cols[k]]`` of a sparse matrix."""
    if not len(rows):
        return np.zeros(0)
    return np.asarray(sp.csr_matrix(M)[rows, cols], dtype=float).ravel()


def _dyadic_constraint(graph: InfluenceGraph) -> sp.csr_array:
    """:math:`c_{ij} = (p_{ij} + \\sum_{q \\ne i, j} p_{iq} p_{qj})^2` on i's ties only."""
    P = _proportions(graph.A)
    total = sp.csr_array(P + _two_step_on_ties(graph, P, P))
    total.data **= 2
    return total


def constraint(graph: InfluenceGraph) -> np.ndarray:
    """Burt's constraint [1]_: how far a node's ties lead into one closed group.

    .. math:: C_i = \\sum_{j \\in N(i)} \\Big(p_{ij} + \\sum_{q \\ne i,j} p_{iq}\\,p_{qj}
       \\Big)^2

    High constraint: few structural holes; low: a broker. ``nan`` for nodes without ties.
    Agrees with ``networkx.constraint``.
    """
    C = _dyadic_constraint(graph)
    out = np.asarray(C.sum(axis=1), dtype=float).ravel()
    out[np.diff(graph.A.indptr) == 0] = np.nan
    return out


def effective_size(graph: InfluenceGraph) -> np.ndarray:
    """Burt's effective size [1]_ with Borgatti's weighted redundancy [2]_.

    .. math:: E_i = \\sum_{j \\in N(i)} \\Big(1 - \\sum_{q \\ne i,j} p_{iq}\\, m_{jq}\\Big),
       \\qquad m_{jq} = \\frac{a_{jq}}{\\max_k a_{jk}}

    The number of non-redundant contacts. ``nan`` for nodes without ties. Agrees with
    ``networkx.effective_size(G, nodes=..., weight=...)``, its per-node definition (on
    weighted graphs its all-nodes shortcut in networkx 3.6 gives different values).
    """
    A = graph.A
    P = _proportions(A)
    row_max = np.asarray(sp.csr_array(A).max(axis=1).toarray(), dtype=float).ravel()
    inverse = np.divide(1.0, row_max, out=np.zeros_like(row_max), where=row_max > 0)
    Mx = sp.csr_array(sp.diags_array(inverse) @ A)
    redundancy = _two_step_on_ties(graph, P, sp.csr_array(Mx.T))
    degree = np.diff(A.indptr).astype(float)
    out: np.ndarray = degree - np.asarray(redundancy.sum(axis=1), dtype=float).ravel()
    out[degree == 0] = np.nan
    return out


def hierarchy(graph: InfluenceGraph) -> np.ndarray:
    """Burt's hierarchy [1]_: how far a node's constraint comes from a single contact.

    .. math:: H_i = \\frac{\\sum_j r_{ij} \\ln r_{ij}}{N_i \\ln N_i}, \\qquad
       r_{ij} = \\frac{c_{ij}}{C_i / N_i}

    over the :math:`N_i` contacts of i; 0 when constraint is spread evenly, 1 when one
    contact holds it all. ``nan`` for fewer than two contacts.
    """
    C = _dyadic_constraint(graph)
    total = np.asarray(C.sum(axis=1), dtype=float).ravel()
    degree = np.diff(C.indptr).astype(float)
    mean = np.divide(total, degree, out=np.zeros_like(total), where=degree > 0)
    rows = np.repeat(np.arange(C.shape[0]), np.diff(C.indptr))
    ratio = np.divide(C.data, mean[rows], out=np.zeros_like(C.data), where=mean[rows] > 0)
    terms = np.where(ratio > 0, ratio * np.log(np.where(ratio > 0, ratio, 1.0)), 0.0)
    numerator = np.bincount(rows, weights=terms, minlength=C.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = numerator / (degree * np.log(degree))
    out[degree < 2] = np.nan
    return np.asarray(out)


@dataclass(frozen=True)
class BrokerageRoles:
    """Gould-Fernandez role counts per node (ordered open two-paths a - b - c)."""

    coordinator: np.ndarray
    consultant: np.ndarray
    representative: np.ndarray
    gatekeeper: np.ndarray
    liaison: np.ndarray

    def total(self) -> np.ndarray:
        return np.asarray(self.coordinator + self.consultant + self.representative + self.gatekeeper
                + self.liaison)

    def as_rows(self, keys: Sequence[str]) -> list[dict[str, object]]:
        return [{"node": k, "coordinator": int(self.coordinator[i]),
                 "consultant": int(self.consultant[i]),
                 "representative": int(self.representative[i]),
                 "gatekeeper": int(self.gatekeeper[i]), "liaison": int(self.liaison[i])}
                for i, k in enumerate(keys)]


def _closed_pairs(graph: InfluenceGraph, g: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per broker b, the ordered pairs (a, c) of its neighbours that are tied to each other,
    by the groups of a and c: both in b's group; a in it and c not; both outside it, in one
    group; both outside it, in two. Each triangle gives its three corners as brokers (the
    graph's triangles are listed in C; a sparse triple product grows with the square of a
    programme's membership)."""
    n = graph.n
    counts = [np.zeros(n) for _ in range(4)]
    triangles = graph.triangles
    for b_col, a_col, c_col in ((0, 1, 2), (1, 0, 2), (2, 0, 1)):
        b, a, c = triangles[:, b_col], triangles[:, a_col], triangles[:, c_col]
        a_in, c_in = g[a] == g[b], g[c] == g[b]
        outside = ~a_in & ~c_in
        for count, mask, pairs in (
                (counts[0], a_in & c_in, 2),  # (a, c) and (c, a)
                (counts[1], a_in ^ c_in, 1),  # only the order with the insider first
                (counts[2], outside & (g[a] == g[c]), 2),
                (counts[3], outside & (g[a] != g[c]), 2)):
            count += pairs * np.bincount(b[mask], minlength=n)
    return counts[0], counts[1], counts[2], counts[3]


def brokerage_roles(graph: InfluenceGraph, groups: Sequence[int]) -> BrokerageRoles:
    """Gould & Fernandez brokerage roles [3]_ of every node relative to ``groups``.

    A broker b sits on an *open* two-path a - b - c (a and c not tied). By the groups of
    a, b and c the brokerage is *coordinator* (all in one group), *consultant* (a and c in
    one group, b outside), *representative* (a in b's group, c not), *gatekeeper* (c in
    b's group, a not) or *liaison* (all three groups differ). The graph is undirected, so
    each open pair is counted in both orders: representative and gatekeeper counts are
    equal, and every count is twice the number of unordered pairs.

    Computed from each node's neighbours per group (a sparse product) and the graph's
    triangles: the closed pairs of each kind, subtracted from the pair counts of each
    node's neighbourhood.
    """
    A = graph.binary
    g = np.asarray(groups)
    if len(g) != graph.n:
        raise ValueError("one group per node")
    k = int(g.max()) + 1 if len(g) else 0
    G = sp.csr_array((np.ones(len(g)), (np.arange(len(g)), g)), shape=(len(g), k))
    per_group = sp.csr_array(A @ G)  # neighbours of b in each group (sparse: many groups)
    d = np.asarray(per_group.sum(axis=1)).ravel()
    rows, cols = A.nonzero()
    same = g[rows] == g[cols]
    As = sp.csr_array((np.ones(same.sum()), (rows[same], cols[same])), shape=A.shape)
    s = np.asarray(As.sum(axis=1)).ravel()  # neighbours in b's own group
    squares_other = np.asarray(per_group.multiply(per_group).sum(axis=1)).ravel() - s ** 2
    closed_ss, closed_so, closed_consultant, closed_liaison = _closed_pairs(graph, g)
    other = d - s
    return BrokerageRoles(
        coordinator=s * (s - 1) - closed_ss,
        consultant=squares_other - other - closed_consultant,
        representative=s * other - closed_so,
        gatekeeper=s * other - closed_so,
        liaison=other ** 2 - squares_other - closed_liaison,
    )
