"""Communities of the ecosystem and the bridges between them (the structural side of the
cross-industry opportunity radar).

References
----------
.. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008). Fast unfolding
   of communities in large networks. Journal of Statistical Mechanics, P10008.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ecosystem.dates import AsOf
from ecosystem.metrics.influence import InfluenceGraph, influence_graph
from ecosystem.model import NodeKind, RelKind, split_node_key
from ecosystem.stores.base import Store

__all__ = [
    "Bridge",
    "Community",
    "bridges",
    "communities",
    "community_labels",
    "community_names",
    "summarise",
]

SEED = 42


def community_labels(store: Store, graph: InfluenceGraph, *, seed: int = SEED) -> np.ndarray:
    """:func:`communities` of ``graph``, the store's influence graph, remembered (on disk
    too) until a write touches what the graph is made of."""
    def build() -> np.ndarray:
        # taken again inside, so that the kinds it was built from are this entry's too
        return communities(influence_graph(store, as_of=graph.as_of), seed=seed)

    return store.cached(("communities", graph.as_of, seed), build, persist=True)


def community_names(store: Store, graph: InfluenceGraph, labels: np.ndarray
                    ) -> dict[int, str]:
    """One name per community, used everywhere it is shown: ``"<member> community"``
    after its most connected member (the largest tie strength; usually its programme)."""
    names = {n.key: n.name for kind in (NodeKind.COMPANY, NodeKind.PROGRAMME)
             for n in store.nodes(kind)}
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    out: dict[int, str] = {}
    for i in np.lexsort((np.arange(graph.n), -strength)):  # strongest first, then by order
        label = int(labels[i])
        if label not in out:
            key = graph.keys[i]
            out[label] = f"{names.get(key, split_node_key(key)[1])} community"
    return out


def communities(graph: InfluenceGraph, *, seed: int = SEED, resolution: float = 1.0
                ) -> np.ndarray:
    """Louvain communities [1]_ with a fixed seed: one label per node, the largest
    community labelled 0. Nodes without ties form their own singleton communities."""
    G = graph.to_networkx()
    parts = nx.community.louvain_communities(G, weight="weight", seed=seed,
                                             resolution=resolution)
    parts = sorted(parts, key=lambda c: (-len(c), min(c)))
    labels = np.zeros(graph.n, dtype=np.int64)
    for label, members in enumerate(parts):
        for key in members:
            labels[graph.position[key]] = label
    return labels


@dataclass(frozen=True)
class Community:
    """A community and what dominates it."""

    label: int
    #: The community's one name (:func:`community_names`).
    name: str
    size: int
    companies: int
    programmes: tuple[str, ...]
    industries: tuple[tuple[str, int], ...]
    capabilities: tuple[tuple[str, int], ...]
    central: tuple[str, ...]


def summarise(store: Store, graph: InfluenceGraph, labels: np.ndarray, *,
              as_of: AsOf = None, top: int = 3, min_size: int = 2) -> list[Community]:
    """Each community with its programmes, dominant industries and capabilities, and its
    members with the most ties inside it."""
    industries = {n.id: n.properties.get("industries") or []
                  for n in store.nodes(NodeKind.COMPANY)}
    capability_names = {n.id: n.name for n in store.nodes(NodeKind.CAPABILITY)}
    caps: dict[str, list[str]] = {}
    for rel in store.relationships(RelKind.HAS_CAPABILITY, as_of=as_of):
        caps.setdefault(rel.source, []).append(capability_names.get(rel.target, rel.target))
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    named = community_names(store, graph, labels)
    out = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(members) < min_size:
            continue
        kinds = [split_node_key(graph.keys[i]) for i in members]
        companies = [id for kind, id in kinds if kind is NodeKind.COMPANY]
        programmes = tuple(sorted(id for kind, id in kinds if kind is NodeKind.PROGRAMME))
        central = members[np.argsort(-strength[members], kind="stable")][:top]
        out.append(Community(
            label=int(label), name=named[int(label)], size=len(members),
            companies=len(companies),
            programmes=programmes,
            industries=tuple(Counter(i for c in companies for i in industries.get(c, []))
                             .most_common(top)),
            capabilities=tuple(Counter(x for c in companies for x in caps.get(c, []))
                               .most_common(top)),
            central=tuple(graph.keys[i] for i in central),
        ))
    return out


@dataclass(frozen=True)
class Bridge:
    """Two communities with fewer ties than their sizes lead to expect, and the members
    best placed to connect them (most of their ties already reach the other side)."""

    a: int
    b: int
    ties: float
    expected: float
    brokers: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.ties / self.expected if self.expected else 0.0


def bridges(graph: InfluenceGraph, labels: np.ndarray, *, top: int = 10,
            brokers: int = 3, min_size: int = 10) -> list[Bridge]:
    """Pairs of sizeable communities ranked by how far their tie weight falls below the
    configuration-model expectation :math:`S_a S_b / 2W`, with their likeliest brokers:
    the members whose ties already reach the other community most (pairs with no such
    member are left out)."""
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    total = strength.sum()
    counts = np.bincount(labels, minlength=int(labels.max()) + 1) if graph.n else np.zeros(0)
    sizeable = np.flatnonzero(counts >= min_size)  # only these pairs are considered
    if total == 0 or len(sizeable) < 2:
        return []
    column = {c: x for x, c in enumerate(sizeable)}
    inside = np.isin(labels, sizeable)
    G = sp.csr_array((np.ones(int(inside.sum())),
                      (np.flatnonzero(inside), [column[c] for c in labels[inside]])),
                     shape=(graph.n, len(sizeable)))
    towards = sp.csr_array(graph.A @ G).toarray()  # each node's tie weight to each community
    between = np.asarray(G.T @ towards)  # tie weight between communities
    community_strength = G.T @ strength
    found = []
    for x in range(len(sizeable)):
        for y in range(x + 1, len(sizeable)):
            expected = community_strength[x] * community_strength[y] / total
            if expected <= 0:
                continue
            a, b = int(sizeable[x]), int(sizeable[y])
            members = np.flatnonzero((labels == a) | (labels == b))
            other = np.where(labels[members] == a, y, x)
            share = np.divide(towards[members, other], strength[members],
                              out=np.zeros(len(members)), where=strength[members] > 0)
            ranked = members[np.argsort(-share, kind="stable")[:brokers]]
            best = [i for i in ranked if towards[i, y if labels[i] == a else x] > 0]
            if best:  # a pair nobody connects yet has no one to work through
                found.append(Bridge(a, b, float(between[x, y]), float(expected),
                                    tuple(graph.keys[i] for i in best)))
    found.sort(key=lambda br: (br.ratio, br.a, br.b))
    return found[:top]
