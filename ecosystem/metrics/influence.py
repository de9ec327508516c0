"""Influence in the ecosystem: who is central (docs/method.md, stages 1 and 4).

The *influence graph* joins companies and programmes with the ties that carry influence,
undirected and weighted by tie strength (:data:`KIND_WEIGHTS`, :data:`TIER_WEIGHTS`; a
relationship's own ``weight`` overrides them). It is a scipy sparse matrix built once per
store version and date; every metric here is array arithmetic on it.

References
----------
.. [1] Page, L., Brin, S., Motwani, R. & Winograd, T. (1999). The PageRank citation
   ranking: bringing order to the web. Stanford InfoLab.
.. [2] Bonacich, P. (1987). Power and centrality: a family of measures. American Journal of
   Sociology 92(5), 1170-1182.
.. [3] Brandes, U. (2001). A faster algorithm for betweenness centrality. Journal of
   Mathematical Sociology 25(2), 163-177; Brandes, U. & Pich, C. (2007). Centrality
   estimation in large networks. International Journal of Bifurcation and Chaos 17(7).
.. [4] Marchiori, M. & Latora, V. (2000). Harmony in the small-world. Physica A 285.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path

from ecosystem.dates import AsOf, checked
from ecosystem.errors import InvalidValue
from ecosystem.metrics.weights import KIND_WEIGHTS, TIER_WEIGHTS
from ecosystem.model import RELATIONSHIP_SCHEMAS, NodeKind, Relationship, RelKind, node_key
from ecosystem.stores.base import Store

__all__ = [
    "KIND_WEIGHTS",
    "TIER_WEIGHTS",
    "InfluenceGraph",
    "betweenness",
    "eigenvector",
    "harmonic_closeness",
    "influence_graph",
    "pagerank",
    "reach",
]

def tie_weight(rel: Relationship) -> float:
    """The strength of one relationship in the influence graph (0: not a tie)."""
    if rel.kind not in KIND_WEIGHTS:
        return 0.0
    if "weight" in rel.properties:
        return float(rel.properties["weight"])
    base = KIND_WEIGHTS[rel.kind]
    if rel.kind is RelKind.MEMBER_OF:
        tier = str(rel.properties.get("tier", "")).strip().lower()
        return base * TIER_WEIGHTS.get(tier, 1.0)
    return base


@dataclass(frozen=True, eq=False)
class InfluenceGraph:
    """Companies and programmes (``keys``, ``"kind:id"``) and the symmetric weight matrix."""

    keys: tuple[str, ...]
    A: sp.csr_array
    as_of: dt.date | None = None

    @cached_property
    def position(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}

    @cached_property
    def binary(self) -> sp.csr_array:
        B = self.A.copy()
        B.data = np.ones_like(B.data)
        return B

    @property
    def n(self) -> int:
        return len(self.keys)

    def to_networkx(self) -> nx.Graph:
        """The same graph as a networkx Graph (weight attribute ``weight``)."""
        G = nx.Graph()
        G.add_nodes_from(self.keys)
        coo = sp.triu(self.A, k=1).tocoo()
        G.add_weighted_edges_from((self.keys[i], self.keys[j], float(w))
                                  for i, j, w in zip(coo.row, coo.col, coo.data, strict=True))
        return G

    def with_changes(self, add: Iterable[tuple[str, str, float]] = (),
                     remove: Iterable[tuple[str, str]] = ()) -> InfluenceGraph:
        """A copy with ties added (weights summed) or removed (both directions)."""
        A = self.A.tolil(copy=True)
        keys, position = list(self.keys), dict(self.position)
        for a, b, w in add:
            for key in (a, b):
                if key not in position:
                    position[key] = len(keys)
                    keys.append(key)
            A.resize((len(keys), len(keys)))
            i, j = position[a], position[b]
            A[i, j] += w
            A[j, i] += w
        for a, b in remove:
            i, j = position[a], position[b]
            A[i, j] = 0
            A[j, i] = 0
        out = sp.csr_array(A)
        out.eliminate_zeros()
        return InfluenceGraph(tuple(keys), out, self.as_of)


def _build(store: Store, as_of: dt.date | None) -> InfluenceGraph:
    companies = sorted(store.ids(NodeKind.COMPANY))
    programmes = sorted(store.ids(NodeKind.PROGRAMME))
    keys = [node_key(NodeKind.COMPANY, c) for c in companies]
    keys += [node_key(NodeKind.PROGRAMME, p) for p in programmes]
    position = {k: i for i, k in enumerate(keys)}
    rows, cols, weights = [], [], []
    for kind in KIND_WEIGHTS:
        schema = RELATIONSHIP_SCHEMAS[kind]
        for rel in store.relationships(kind, as_of=as_of):
            source = position[node_key(schema.source, rel.source)]
            target = position[node_key(schema.target, rel.target)]
            w = tie_weight(rel)
            if w <= 0 or source == target:  # no self ties
                continue
            rows.append(source)
            cols.append(target)
            weights.append(w)
    n = len(keys)
    half = sp.coo_array((np.asarray(weights, dtype=float), (rows, cols)), shape=(n, n))
    A = sp.csr_array(half + half.T)
    A.sum_duplicates()
    return InfluenceGraph(tuple(keys), A, as_of)


def influence_graph(store: Store, *, as_of: AsOf = None) -> InfluenceGraph:
    """The influence graph of ``store`` as of a date (cached until the data change)."""
    day = checked(as_of)
    return store.cached(("influence-graph", day), lambda: _build(store, day))


def degree(graph: InfluenceGraph, *, weighted: bool = True) -> np.ndarray:
    """Degree (number of ties) or strength (sum of tie weights) of every node."""
    M = graph.A if weighted else graph.binary
    return np.asarray(M.sum(axis=1), dtype=float).ravel()


def pagerank(graph: InfluenceGraph, *, alpha: float = 0.85, tol: float = 1.0e-6,
             max_iter: int = 100) -> np.ndarray:
    """Weighted PageRank [1]_ by power iteration on the cached sparse matrix.

    .. math:: x \\leftarrow \\alpha P^\\top x + \\frac{\\alpha \\, d \\cdot x
       + 1 - \\alpha}{N}

    with :math:`P` the row-normalised weight matrix and :math:`d` the indicator of nodes
    without ties (their rank is spread evenly). Stops as networkx does, when the L1 change
    is below ``N * tol``; the result sums to 1 and matches ``networkx.pagerank``.

    Raises
    ------
    InvalidValue
        If it has not converged after ``max_iter`` iterations.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0)
    out_strength = degree(graph)
    inverse = np.divide(1.0, out_strength, out=np.zeros(n), where=out_strength > 0)
    PT = sp.csr_array(graph.A @ sp.diags_array(inverse))  # symmetric A: (D^-1 A)^T = A D^-1
    dangling = out_strength == 0
    x: np.ndarray = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = np.asarray(alpha * (PT @ last) + (alpha * last[dangling].sum() + 1.0 - alpha) / n)
        if np.abs(x - last).sum() < n * tol:
            return x
    raise InvalidValue(f"PageRank did not converge in {max_iter} iterations; raise "
                       "max_iter or tol.", field="max_iter", value=max_iter)


def eigenvector(graph: InfluenceGraph, *, tol: float = 1.0e-6,
                max_iter: int = 1000) -> np.ndarray:
    """Eigenvector centrality [2]_: the leading eigenvector of the weight matrix, unit L2 norm.

    Power iteration on :math:`A + I` (the shift makes it converge on bipartite graphs, and
    leaves the leading eigenvector unchanged), as ``networkx.eigenvector_centrality`` does.
    Nodes outside the dominant component get 0.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0)
    x: np.ndarray = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = np.asarray(last + graph.A @ last)
        norm = np.linalg.norm(x)
        if norm == 0:
            return np.zeros(n)
        x = x / norm
        if np.abs(x - last).sum() < n * tol:
            return x
    raise InvalidValue(f"eigenvector centrality did not converge in {max_iter} "
                       "iterations.", field="max_iter", value=max_iter)


def reach(graph: InfluenceGraph, hops: int = 2) -> np.ndarray:
    """How many other nodes lie within ``hops`` ties of each node (1 or 2)."""
    if hops not in (1, 2):
        raise InvalidValue(f"hops is {hops}; give 1 or 2.", field="hops", value=hops)
    B = graph.binary
    if hops == 1:
        return np.asarray(B.sum(axis=1), dtype=float).ravel()
    two = sp.csr_array(B + B @ B)
    two.setdiag(0)
    two.eliminate_zeros()
    counts: np.ndarray = np.diff(two.indptr).astype(float)
    return counts


def harmonic_closeness(graph: InfluenceGraph) -> np.ndarray:
    """Harmonic closeness [4]_: the mean of 1/distance to every other node (hop counts).

    :math:`H_i = \\frac{1}{N - 1} \\sum_{j \\ne i} 1 / d(i, j)`, with :math:`1/\\infty = 0`,
    so disconnected graphs are fine. All-pairs breadth-first search in C (scipy).
    """
    n = graph.n
    if n < 2:
        return np.zeros(n)
    total = np.zeros(n)
    tied = np.flatnonzero(np.diff(graph.binary.indptr) > 0)  # isolated nodes reach no one
    for start in range(0, len(tied), 1024):  # blocks of sources keep memory bounded
        block = tied[start:start + 1024]
        D = shortest_path(graph.binary, method="D", unweighted=True, directed=False,
                          indices=block)
        with np.errstate(divide="ignore"):
            total[block] = np.where(np.isfinite(D) & (D > 0), 1.0 / D, 0.0).sum(axis=1)
    return total / (n - 1)


@dataclass(frozen=True)
class Betweenness:
    """Betweenness of every node; ``sampled`` pivots (None: exact) and the error bound."""

    values: np.ndarray
    sampled: int | None
    error: float


def betweenness(graph: InfluenceGraph, *, exact_up_to: int = 3000, samples: int = 500,
                seed: int = 42, confidence: float = 0.95) -> Betweenness:
    """Normalised betweenness [3]_ on tie lengths ``1 / weight`` (strong ties are short).

    Exact (Brandes) up to ``exact_up_to`` nodes; above, estimated from ``samples`` random
    pivot sources (Brandes & Pich) with a fixed ``seed``. The stated ``error`` bounds the
    absolute error of every normalised value with probability ``confidence`` (Hoeffding,
    union bound over nodes): :math:`\\epsilon = \\sqrt{\\ln(2N/\\delta) / (2k)}`.
    """
    G = graph.to_networkx()
    for _, _, data in G.edges(data=True):
        data["length"] = 1.0 / data["weight"]
    n = graph.n
    if n <= exact_up_to:
        scores = nx.betweenness_centrality(G, weight="length", normalized=True)
        return Betweenness(np.array([scores[k] for k in graph.keys]), None, 0.0)
    k = min(samples, n)
    scores = nx.betweenness_centrality(G, k=k, weight="length", normalized=True, seed=seed)
    error = math.sqrt(math.log(2 * n / (1 - confidence)) / (2 * k))
    return Betweenness(np.array([scores[key] for key in graph.keys]), k, error)
