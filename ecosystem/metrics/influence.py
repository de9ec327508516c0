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
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

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

    @cached_property
    def triangles(self) -> np.ndarray:
        """Every triangle of ties, one row ``(a, b, c)`` of node positions each (C)."""
        found = _igraph(self).list_triangles() if self.n else []
        return np.asarray(found, dtype=np.int64).reshape(-1, 3)

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
    """How many other nodes lie within ``hops`` ties of each node (1 or 2); breadth-first
    in python-igraph (C), since squaring the adjacency matrix of a graph with hubs (a
    programme of 2,000 members) fills it."""
    if hops not in (1, 2):
        raise InvalidValue(f"hops is {hops}; give 1 or 2.", field="hops", value=hops)
    if graph.n == 0:
        return np.zeros(0)
    sizes = _igraph(graph).neighborhood_size(order=hops)
    return np.asarray(sizes, dtype=float) - 1.0


def _igraph(graph: InfluenceGraph, *, lengths: bool = False) -> Any:
    """The graph in python-igraph (C): undirected, with ``length`` = 1 / weight."""
    import igraph

    coo = sp.triu(graph.A, k=1).tocoo()
    g = igraph.Graph(n=graph.n, edges=list(zip(coo.row.tolist(), coo.col.tolist(),
                                               strict=True)), directed=False)
    if lengths:
        g.es["length"] = (1.0 / coo.data).tolist()
    return g


def harmonic_closeness(graph: InfluenceGraph) -> np.ndarray:
    """Harmonic closeness [4]_: the mean of 1/distance to every other node (hop counts).

    :math:`H_i = \\frac{1}{N - 1} \\sum_{j \\ne i} 1 / d(i, j)`, with :math:`1/\\infty = 0`,
    so disconnected graphs are fine. Breadth-first searches in python-igraph (C).
    """
    n = graph.n
    if n < 2:
        return np.zeros(n)
    values = _igraph(graph).harmonic_centrality(mode="all", normalized=True)
    return np.asarray(values, dtype=float)


def betweenness(graph: InfluenceGraph) -> np.ndarray:
    """Normalised betweenness [3]_ on tie lengths ``1 / weight`` (strong ties are short),
    exact (Brandes' algorithm in python-igraph, C): the share of shortest paths between
    other pairs that pass through each node, :math:`2 / ((N-1)(N-2))` times the count, as
    ``networkx.betweenness_centrality(normalized=True)`` gives it."""
    n = graph.n
    if n < 3:
        return np.zeros(n)
    g = _igraph(graph, lengths=True)
    workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and graph.A.nnz > 8_000 and _may_fork():  # over 4,000 ties
        # the paths from each source are counted apart: split the sources over processes
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_betweenness_from, [(g, k, workers) for k in range(workers)]))
        raw = np.sum(parts, axis=0)
    else:
        raw = _betweenness_from((g, 0, 1))
    normalised: np.ndarray = raw * 2.0 / ((n - 1) * (n - 2))
    return normalised


def _betweenness_from(job: tuple[Any, int, int]) -> np.ndarray:
    """Shortest paths through each node from every ``step``-th source, from ``first``."""
    g, first, step = job
    sources = None if step == 1 else range(first, g.vcount(), step)
    return np.asarray(g.betweenness(directed=False, weights="length", sources=sources),
                      dtype=float)


def _may_fork() -> bool:
    """Whether this process may start workers by forking: only a process running one
    thread (a fork copies the locks other threads hold; a notebook kernel or the HTTP
    service runs several, and computes in one process), on a system that forks. Spawned
    workers are not used: they would run the caller's main script again."""
    import multiprocessing

    return threading.active_count() == 1 and \
        "fork" in multiprocessing.get_all_start_methods()
