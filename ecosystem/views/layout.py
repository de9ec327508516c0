"""Positions for views, computed in Python with a fixed seed so a map looks the same on every
run and the browser needs no physics.

Large graphs are laid out by community: each community is placed on its own (a spring
layout [1]_ of its core, its degree-one members in a sunflower [2]_ around the node they hang
from), then the communities are spread out by a spring layout of the community graph, far
enough apart not to overlap. Each step is small, so 5,000 nodes take a second or two where a
spring layout of the whole graph takes minutes.

References
----------
.. [1] Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed
   placement. Software: Practice and Experience 21(11), 1129-1164.
.. [2] Vogel, H. (1979). A better way to construct the sunflower head. Mathematical
   Biosciences 44(3-4), 179-189.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

from ecosystem.stores.base import Store

__all__ = ["SEED", "SPACING", "force_layout", "fruchterman_reingold", "remembered_layout",
           "rings", "sunflower"]

SEED = 42
#: Distance between neighbouring nodes, in the page's pixels at zoom 1.
SPACING = 40.0
_SPRING_LIMIT = 500  # the dense spring layout is quick below this
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

Position = tuple[float, float]


def sunflower(count: int, *, spacing: float = SPACING, start: float = 0.0) -> np.ndarray:
    """``count`` points spread evenly over a disc (Vogel's model), shape ``(count, 2)``;
    ``start`` leaves a hole of that radius in the middle."""
    k = np.arange(count, dtype=float)
    radius = start + spacing * np.sqrt(k + 0.5)
    theta = k * _GOLDEN_ANGLE
    return np.column_stack([radius * np.cos(theta), radius * np.sin(theta)])


def rings(groups: Sequence[Sequence[Hashable]], *, spacing: float = SPACING,
          start: float = 0.0, one_circle: int = 0) -> dict[Hashable, Position]:
    """Concentric bands around the origin, one band per group, the first innermost; within a
    band, members go round in the given order, on as many circles as they need. A band of
    up to ``one_circle`` members goes on a single circle, widened to fit."""
    out: dict[Hashable, Position] = {}
    radius = start
    for members in groups:
        remaining = list(members)
        if not remaining:
            continue
        radius += spacing
        if len(remaining) <= one_circle:
            radius = max(radius, len(remaining) * spacing / (2 * math.pi))
        while remaining:
            fits = max(1, int(2 * math.pi * radius / spacing))
            circle, remaining = remaining[:fits], remaining[fits:]
            offset = 0.5 * (radius / spacing)  # stagger circles so spokes do not line up
            for i, member in enumerate(circle):
                theta = 2 * math.pi * (i + offset) / len(circle)
                out[member] = (radius * math.cos(theta), radius * math.sin(theta))
            if remaining:
                radius += spacing
    return out


def fruchterman_reingold(n: int, edges: np.ndarray, *, seed: int = SEED,
                         iterations: int = 60) -> np.ndarray:
    """Fruchterman-Reingold [1]_ on ``n`` nodes, ``edges`` an ``(m, 2)`` index array, in the
    unit square; shape ``(n, 2)``. Dense repulsion, so for a few hundred nodes at a time:
    written on x and y arrays, it is several times faster than networkx's version."""
    rng = np.random.default_rng(seed)
    x, y = rng.random(n), rng.random(n)
    if n < 2:
        return np.column_stack([x, y])
    rows = np.concatenate([edges[:, 0], edges[:, 1]]) if len(edges) else np.zeros(0, int)
    cols = np.concatenate([edges[:, 1], edges[:, 0]]) if len(edges) else np.zeros(0, int)
    k2 = 1.0 / n  # the ideal squared distance
    k = math.sqrt(k2)
    t = 0.1
    cooling = t / (iterations + 1)
    for _ in range(iterations):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        w = dx * dx
        w += dy * dy
        np.maximum(w, 1e-6, out=w)
        np.divide(k2, w, out=w)  # repulsion k^2/d along the unit vector = delta * k^2/d^2
        fx = (dx * w).sum(axis=1)
        fy = (dy * w).sum(axis=1)
        ex, ey = x[rows] - x[cols], y[rows] - y[cols]
        pull = np.sqrt(ex * ex + ey * ey) / k  # attraction d^2/k along the unit vector
        fx -= np.bincount(rows, ex * pull, n)
        fy -= np.bincount(rows, ey * pull, n)
        length = np.maximum(np.sqrt(fx * fx + fy * fy), 1e-9)
        step = np.minimum(length, t) / length
        x += fx * step
        y += fy * step
        t -= cooling
    return np.column_stack([x, y])


def _spring(G: nx.Graph, seed: int) -> np.ndarray:
    nodes = list(G)
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array([(index[a], index[b]) for a, b in G.edges()], dtype=np.int64)
    xy = fruchterman_reingold(n, edges.reshape(-1, 2), seed=seed)
    xy -= xy.mean(axis=0)
    # Scale so that the typical distance to the nearest neighbour is about SPACING.
    extent = float(np.abs(xy).max()) or 1.0
    return xy / extent * SPACING * math.sqrt(n) * 0.9


def _place(G: nx.Graph, seed: int, depth: int = 0) -> dict[Hashable, np.ndarray]:
    """Positions of one connected part or community, centred on the origin."""
    n = G.number_of_nodes()
    if n <= _SPRING_LIMIT:
        return dict(zip(G, _spring(G, seed), strict=True))
    degree = dict(G.degree())
    core = [v for v in G if degree[v] >= 2]
    hanging: dict[Hashable, list[Hashable]] = defaultdict(list)
    isolated = []
    for v in G:
        if degree[v] == 1:
            (anchor,) = G[v]
            if degree[anchor] >= 2:
                hanging[anchor].append(v)
            else:  # a pair on its own: one end is the core
                core.append(v)
        elif degree[v] == 0:
            isolated.append(v)
    if len(core) > _SPRING_LIMIT:
        positions = _split(G.subgraph(core), seed, depth)
    else:
        positions = dict(zip(core, _spring(G.subgraph(core), seed), strict=True))
    for anchor, leaves in hanging.items():
        centre = positions[anchor]
        for leaf, xy in zip(leaves, sunflower(len(leaves), start=SPACING), strict=True):
            positions[leaf] = centre + xy
    if isolated:
        edge = max((float(np.abs(p).max()) for p in positions.values()), default=0.0)
        for v, xy in zip(isolated, sunflower(len(isolated)), strict=True):
            positions[v] = xy + np.array([edge + 2 * SPACING + math.sqrt(len(isolated))
                                          * SPACING, 0.0])
    return positions


def _split(G: nx.Graph, seed: int, depth: int) -> dict[Hashable, np.ndarray]:
    """Lay out a big, dense part by its own communities (two levels at most)."""
    parts = nx.community.louvain_communities(G, seed=seed) if depth < 2 else [set(G)]
    if len(parts) < 2:
        pos = nx.spectral_layout(G) if G.number_of_edges() else nx.random_layout(G, seed=seed)
        xy = np.array([pos[v] for v in G], dtype=float)
        xy -= xy.mean(axis=0)
        xy /= float(np.abs(xy).max()) or 1.0
        return dict(zip(G, xy * SPACING * math.sqrt(G.number_of_nodes()), strict=True))
    return _arrange(G, [sorted(p, key=str) for p in parts], seed, depth + 1)


def _arrange(G: nx.Graph, parts: Sequence[Sequence[Hashable]], seed: int,
             depth: int) -> dict[Hashable, np.ndarray]:
    """Place each part on its own, then spread the parts by a spring layout of the graph of
    parts, scaled until no two parts' discs overlap."""
    local = [_place(G.subgraph(p), seed, depth) for p in parts]
    radius = np.array([max((float(np.hypot(*xy)) for xy in pos.values()), default=0.0)
                       + SPACING for pos in local])
    which = {v: i for i, p in enumerate(parts) for v in p}
    Q = nx.Graph()
    Q.add_nodes_from(range(len(parts)))
    for a, b in G.edges():
        i, j = which[a], which[b]
        if i != j:
            w = Q.get_edge_data(i, j, {"weight": 0})["weight"]
            Q.add_edge(i, j, weight=w + 1)
    if len(parts) <= _SPRING_LIMIT:
        centres = _spring(Q, seed)
    else:
        centres = sunflower(len(parts), spacing=1.0)
    centres -= centres.mean(axis=0)
    centres = _spread(centres, radius)
    out: dict[Hashable, np.ndarray] = {}
    for centre, pos in zip(centres, local, strict=True):
        for v, xy in pos.items():
            out[v] = centre + xy
    return out


def _spread(centres: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """Scale the centres so that discs of the given radii do not overlap, then push apart
    any that still do (the few largest)."""
    k = len(centres)
    if k < 2:
        return centres
    if k <= 2000:
        d = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
        need = radius[:, None] + radius[None, :]
        np.fill_diagonal(d, np.inf)
        scale = float(np.max(need / np.maximum(d, 1e-9)))
        # The tightest pair decides the scale; cap it so one close pair cannot blow the map
        # up, and accept a little overlap instead.
        typical = float(np.median(need / np.maximum(d, 1e-9)))
        scale = min(scale, 4 * typical)
    else:
        scale = float(radius.max()) * 2 / (float(np.abs(centres).max()) or 1.0)
    return centres * scale


def remembered_layout(store: Store, nodes: Sequence[Hashable],
                      edges: Sequence[tuple[Hashable, Hashable]], *,
                      groups: Mapping[Hashable, int] | None = None,
                      seed: int = SEED) -> dict[Hashable, Position]:
    """:func:`force_layout`, remembered (on disk too) for the same nodes, edges, groups and
    seed: a view drawn again is placed at once, and the same way."""
    digest = hashlib.sha256(repr((list(nodes), sorted(map(repr, edges)),
                                  sorted(map(repr, (groups or {}).items())), seed)).encode())
    return store.cached(("layout", digest.hexdigest()),
                        lambda: force_layout(nodes, edges, groups=groups, seed=seed),
                        persist=True)


def force_layout(nodes: Iterable[Hashable], edges: Iterable[tuple[Hashable, Hashable]], *,
                 groups: Mapping[Hashable, int] | None = None,
                 seed: int = SEED) -> dict[Hashable, Position]:
    """Positions for a graph, the same for the same input and seed.

    Parameters
    ----------
    nodes, edges
        The graph (edges are taken as undirected; repeats do not matter).
    groups
        A community label per node; laid out community by community. Default: Louvain
        communities when the graph is large, none when it is small.
    seed
        Seed of every random choice.

    Returns
    -------
    dict
        ``node -> (x, y)`` in page pixels, centred on the origin.

    Examples
    --------
    >>> pos = force_layout("abc", [("a", "b"), ("b", "c")])
    >>> sorted(pos) == ["a", "b", "c"] and pos == force_layout("abc", [("a", "b"), ("b", "c")])
    True
    """
    G = nx.Graph()
    G.add_nodes_from(sorted(set(nodes), key=str))
    G.add_edges_from((a, b) for a, b in edges if a != b)
    if G.number_of_nodes() == 0:
        return {}
    if groups is None and G.number_of_nodes() <= _SPRING_LIMIT:
        placed = _place(G, seed)
    else:
        if groups is None:
            found = nx.community.louvain_communities(G, seed=seed)
            parts = [sorted(p, key=str) for p in found]
        else:
            by_label: dict[int, list[Hashable]] = defaultdict(list)
            for v in G:
                by_label[groups.get(v, -1)].append(v)
            parts = [by_label[label] for label in sorted(by_label)]
        placed = _arrange(G, parts, seed, 0) if len(parts) > 1 else _place(G, seed)
    return {v: (round(float(xy[0]), 1), round(float(xy[1]), 1)) for v, xy in placed.items()}
