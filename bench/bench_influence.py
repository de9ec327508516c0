"""Benchmark: influence metrics against networkx and python-igraph.

Targets (issue 4):

- PageRank on a graph of 1,000,000 edges at least as fast as python-igraph on the same
  graph in the same run, at networkx's default tolerance and agreeing with networkx's
  result; all three times are printed.
- Burt's constraint and effective size for every node of a 100,000-edge graph: the ratio to
  networkx's implementation.
- The full metric refresh on the demo data (issue 18: at most 3 s, first call, nothing
  cached), on the whole history (every tie ever) and as of a day; exact betweenness and
  harmonic closeness on the demo graph against python-igraph's in the same run (target:
  no slower).

Run: ``.venv/bin/python bench/bench_influence.py [--edges 1000000]``. Prints figures;
asserts nothing about time. The graph's matrix is built once (as the store caches it);
PageRank times exclude building the graph for every library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem import EmbeddedStore
from ecosystem.demo import build_demo
from ecosystem.metrics import brokerage, influence
from ecosystem.metrics.influence import InfluenceGraph
from ecosystem.metrics.report import INFLUENCE_METRICS


def report(label: str, value: float, unit: str) -> None:
    print(f"{label:<56}{value:>10.3f} {unit}")


def random_graph(nodes: int, edges: int, seed: int = 3) -> InfluenceGraph:
    """A scale-free-ish weighted graph: preferential endpoints, weights 1-3."""
    rng = np.random.default_rng(seed)
    popularity = rng.pareto(1.5, nodes) + 1
    p = popularity / popularity.sum()
    a = rng.choice(nodes, size=int(edges * 1.3), p=p)
    b = rng.integers(0, nodes, size=len(a))
    keep = a != b
    pairs = np.unique(np.sort(np.stack([a[keep], b[keep]], axis=1), axis=1), axis=0)[:edges]
    w = rng.integers(1, 4, len(pairs)).astype(float)
    A = sp.coo_array((w, (pairs[:, 0], pairs[:, 1])), shape=(nodes, nodes))
    A = sp.csr_array(A + A.T)
    return InfluenceGraph(tuple(f"n{i}" for i in range(nodes)), A)


def timed(action, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--structural-edges", type=int, default=100_000)
    args = parser.parse_args()

    g = random_graph(args.edges // 5, args.edges)
    print(f"PageRank graph: {g.n:,} nodes, {g.A.nnz // 2:,} edges")
    ours, t_ours = timed(influence.pagerank, g)
    G = g.to_networkx()
    theirs, t_nx = timed(nx.pagerank, G, weight="weight")
    coo = sp.triu(g.A, k=1).tocoo()
    H = ig.Graph(n=g.n, edges=np.stack([coo.row, coo.col], axis=1).tolist(), directed=False)
    H.es["weight"] = coo.data.tolist()
    igraph_values, t_ig = timed(H.pagerank, weights="weight", damping=0.85)
    difference = max(abs(ours[g.position[k]] - v) for k, v in theirs.items())
    difference_ig = float(np.max(np.abs(ours - np.asarray(igraph_values))))
    report("ecosystem PageRank (cached sparse matrix)", t_ours, "s")
    report("python-igraph PageRank", t_ig, "s")
    report("networkx PageRank", t_nx, "s")
    report("ratio igraph / ecosystem (target >= 1)", t_ig / t_ours, "x")
    report("ratio networkx / ecosystem", t_nx / t_ours, "x")
    report("max |ecosystem - networkx| (tolerance 1e-6 x N)", difference, "")
    report("max |ecosystem - igraph|", difference_ig, "")

    s = random_graph(args.structural_edges // 5, args.structural_edges, seed=5)
    S = s.to_networkx()
    print(f"\nStructural holes graph: {s.n:,} nodes, {s.A.nnz // 2:,} edges")
    c, t_c = timed(brokerage.constraint, s)
    nc, t_nc = timed(nx.constraint, S, weight="weight")
    e, t_e = timed(brokerage.effective_size, s)
    sample = list(S)[:2000]
    ne, t_ne = timed(nx.effective_size, S, nodes=sample, weight="weight")
    report("ecosystem constraint, all nodes", t_c, "s")
    report("networkx constraint, all nodes", t_nc, "s")
    report("ratio networkx / ecosystem (constraint)", t_nc / t_c, "x")
    report("ecosystem effective size, all nodes", t_e, "s")
    report(f"networkx effective size, {len(sample):,} nodes (its definition)", t_ne, "s")
    report("ratio networkx / ecosystem, per node (effective size)",
           (t_ne / len(sample)) / (t_e / s.n), "x")
    gap = max(abs(c[s.position[k]] - v) for k, v in nc.items() if v == v)
    gap_e = max(abs(e[s.position[k]] - v) for k, v in ne.items() if v == v)
    report("max |difference| constraint / effective size", max(gap, gap_e), "")

    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "d.db") as store:
        build_demo(store)
        from ecosystem.metrics.communities import bridges, communities
        from ecosystem.metrics.influence import influence_graph

        print()
        for day in (None, dt.date(2024, 6, 30)):
            start = time.perf_counter()
            graph = influence_graph(store, as_of=day)
            for metric in INFLUENCE_METRICS.values():
                metric(graph)
            labels = communities(graph)
            bridges(graph, labels)
            brokerage.brokerage_roles(graph, labels)
            when = "every tie ever" if day is None else f"as of {day}"
            report(f"full metric refresh on the demo, {when} ({graph.n:,} nodes, "
                   f"{graph.A.nnz // 2:,} ties; target <= 3 s)", time.perf_counter() - start, "s")
        graph = influence_graph(store)
        coo = sp.triu(graph.A, k=1).tocoo()
        H = ig.Graph(n=graph.n, edges=np.stack([coo.row, coo.col], axis=1).tolist(),
                     directed=False)
        H.es["length"] = (1.0 / coo.data).tolist()
        ours, t_b = timed(influence.betweenness, graph)
        theirs, t_ib = timed(H.betweenness, directed=False, weights="length")
        n = graph.n
        gap = float(np.max(np.abs(ours - np.asarray(theirs) * 2 / ((n - 1) * (n - 2)))))
        report("ecosystem exact weighted betweenness, demo graph", t_b, "s")
        report("python-igraph exact weighted betweenness (one process)", t_ib, "s")
        report("ratio igraph / ecosystem (target >= 1)", t_ib / t_b, "x")
        report("max |ecosystem - igraph| (normalised)", gap, "")
        _, t_h = timed(influence.harmonic_closeness, graph)
        G = graph.to_networkx()
        _, t_nh = timed(nx.harmonic_centrality, G)
        report("ecosystem harmonic closeness, demo graph", t_h, "s")
        report("networkx harmonic closeness", t_nh, "s")


if __name__ == "__main__":
    main()
