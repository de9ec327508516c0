"""Influence, brokerage and communities: hand-checked values on small named graphs,
agreement with networkx, properties under Hypothesis, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem import InvalidValue, NodeKind, NodeNotFound, RelKind, Store
from ecosystem.cli import cli
from ecosystem.metrics import brokerage, influence
from ecosystem.metrics.communities import bridges, communities, summarise
from ecosystem.metrics.influence import InfluenceGraph, influence_graph
from ecosystem.metrics.report import (
    Change,
    influence_table,
    influence_timeseries,
    parse_change,
    what_if,
)


def graph_of(edges: list[tuple[str, str, float]], nodes: list[str] | None = None
             ) -> InfluenceGraph:
    keys = sorted(set(nodes or []) | {a for a, _, _ in edges} | {b for _, b, _ in edges})
    pos = {k: i for i, k in enumerate(keys)}
    rows = [pos[a] for a, _, _ in edges] + [pos[b] for _, b, _ in edges]
    cols = [pos[b] for _, b, _ in edges] + [pos[a] for a, _, _ in edges]
    data = [w for _, _, w in edges] * 2
    A = sp.csr_array((data, (rows, cols)), shape=(len(keys), len(keys)))
    return InfluenceGraph(tuple(keys), A)


STAR = graph_of([("hub", "a", 1), ("hub", "b", 1), ("hub", "c", 1)])
#  a - b and c - d are two pairs; broker x ties to all four
BOWTIE = graph_of([("a", "b", 1), ("c", "d", 1), ("x", "a", 1), ("x", "b", 1),
                   ("x", "c", 1), ("x", "d", 1)])


def at(graph: InfluenceGraph, values: np.ndarray, key: str) -> float:
    return float(values[graph.position[key]])


# -- values readable off the page ------------------------------------------------------------


def test_star_by_hand() -> None:
    # each leaf's only tie is the hub: p = 1, so its constraint is (1 + 0)^2 = 1;
    # the hub spreads 1/3 over three unconnected leaves: 3 * (1/3)^2 = 1/3
    c = brokerage.constraint(STAR)
    assert at(STAR, c, "hub") == pytest.approx(1 / 3)
    assert at(STAR, c, "a") == pytest.approx(1.0)
    e = brokerage.effective_size(STAR)
    assert at(STAR, e, "hub") == pytest.approx(3.0)  # three non-redundant contacts
    assert at(STAR, e, "a") == pytest.approx(1.0)
    assert at(STAR, influence.reach(STAR), "a") == 3  # the hub and the two other leaves
    assert at(STAR, influence.harmonic_closeness(STAR), "hub") == pytest.approx(1.0)
    assert at(STAR, influence.harmonic_closeness(STAR), "a") == pytest.approx((1 + .5 + .5) / 3)
    b = influence.betweenness(STAR)
    assert at(STAR, b, "hub") == pytest.approx(1.0) and at(STAR, b, "a") == 0
    assert at(STAR, brokerage.hierarchy(STAR), "hub") == pytest.approx(0.0)  # even spread


def test_bowtie_brokerage_roles_by_hand() -> None:
    # groups: {a, b} = 0, {c, d} = 1, x in group 0
    labels = np.array([{"a": 0, "b": 0, "c": 1, "d": 1, "x": 0}[k] for k in BOWTIE.keys])
    roles = brokerage.brokerage_roles(BOWTIE, labels)
    x = BOWTIE.position["x"]
    # x's open pairs: a-c, a-d, b-c, b-d (a-b and c-d are tied); each counted in both orders.
    # a, b share x's group and c, d do not: every open pair is representative one way and
    # gatekeeper the other.
    assert roles.representative[x] == 4 and roles.gatekeeper[x] == 4
    assert roles.coordinator[x] == 0 and roles.consultant[x] == 0 and roles.liaison[x] == 0
    # a's neighbours are b and x, which are tied: a brokers nothing
    assert roles.total()[BOWTIE.position["a"]] == 0


def test_brokerage_roles_liaison_and_consultant() -> None:
    g = graph_of([("b", "p", 1), ("b", "q", 1), ("b", "r", 1)])
    labels = np.array([{"b": 0, "p": 1, "q": 1, "r": 2}[k] for k in g.keys])
    roles = brokerage.brokerage_roles(g, labels)
    i = g.position["b"]
    assert roles.consultant[i] == 2   # p - b - q, both orders: p, q share a group not b's
    assert roles.liaison[i] == 4      # p-r and q-r in both orders: three different groups
    assert roles.coordinator[i] == roles.representative[i] == 0


# -- agreement with networkx --------------------------------------------------------------------


def random_graph(seed: int, n: int = 60, p: float = 0.08) -> InfluenceGraph:
    G = nx.gnp_random_graph(n, p, seed=seed)
    rng = np.random.default_rng(seed)
    # weights 1, 2 and 4: tie lengths 1/w add up exactly in floating point, so that equal
    # shortest paths are equal for networkx's exact comparison as for igraph's tolerant one
    edges = [(f"n{a:03d}", f"n{b:03d}", float(rng.choice([1, 2, 4]))) for a, b in G.edges]
    return graph_of(edges, [f"n{i:03d}" for i in range(n)])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_networkx(seed: int) -> None:
    g = random_graph(seed)
    G = g.to_networkx()

    def compare(ours: np.ndarray, theirs: dict[str, float], tol: float = 1e-9) -> None:
        for key, value in theirs.items():
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(at(g, ours, key))
            else:
                assert at(g, ours, key) == pytest.approx(value, abs=tol), key

    compare(influence.pagerank(g), nx.pagerank(G, weight="weight"), 1e-6)
    if nx.is_connected(G):
        compare(influence.eigenvector(g), nx.eigenvector_centrality(G, weight="weight",
                                                                   max_iter=1000), 1e-5)
    compare(brokerage.constraint(g), nx.constraint(G, weight="weight"))
    # networkx's all-nodes shortcut for weighted graphs disagrees with its own per-node
    # definition (Borgatti's redundancy); naming the nodes takes the definition's path.
    compare(brokerage.effective_size(g), nx.effective_size(G, nodes=list(G),
                                                           weight="weight"))
    compare(influence.harmonic_closeness(g),
            {k: v / (g.n - 1) for k, v in nx.harmonic_centrality(G).items()})
    for _, _, d in G.edges(data=True):
        d["length"] = 1 / d["weight"]
    compare(influence.betweenness(g),
            nx.betweenness_centrality(G, weight="length"))


def test_betweenness_is_exact_on_a_larger_weighted_graph() -> None:
    g = random_graph(4, n=150, p=0.05)
    G = g.to_networkx()
    for _, _, d in G.edges(data=True):
        d["length"] = 1 / d["weight"]
    theirs = nx.betweenness_centrality(G, weight="length")
    ours = influence.betweenness(g)
    assert max(abs(at(g, ours, k) - v) for k, v in theirs.items()) < 1e-9
    assert ours.max() > 0.05  # a graph with real brokers, not all zeros


# -- properties ---------------------------------------------------------------------------------


edge_lists = st.lists(
    st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(1, 5)), max_size=30
).map(lambda es: [(f"v{a}", f"v{b}", float(w)) for a, b, w in es if a != b])


@settings(max_examples=80, deadline=None)
@given(edges=edge_lists, extra=st.integers(0, 3))
def test_properties(edges: list[tuple[str, str, float]], extra: int) -> None:
    g = graph_of(edges, [f"iso{i}" for i in range(extra)])
    if g.n == 0:
        assert influence.pagerank(g).size == 0
        return
    pr = influence.pagerank(g)
    assert pr.sum() == pytest.approx(1.0) and np.all(pr > 0)
    c = brokerage.constraint(g)
    tied = np.diff(g.A.indptr) > 0
    assert np.all(np.isnan(c[~tied]))
    assert np.all((c[tied] > 0) & (c[tied] <= 1 + 1e-9 + 3))  # at most ~1 plus small excess
    e = brokerage.effective_size(g)
    degree = influence.degree(g, weighted=False)
    assert np.all((e[tied] >= 1 - 1e-9) & (e[tied] <= degree[tied] + 1e-9))
    b = influence.betweenness(g)
    assert np.all((b >= 0) & (b <= 1 + 1e-9))
    h = influence.harmonic_closeness(g)
    assert np.all((h >= 0) & (h <= 1 + 1e-9))


@settings(max_examples=50, deadline=None)
@given(edges=edge_lists, data=st.data())
def test_relabelling_invariance(edges: list[tuple[str, str, float]], data: st.DataObject
                                ) -> None:
    if not edges:
        return
    g = graph_of(edges)
    names = list(g.keys)
    shuffled = data.draw(st.permutations(names))
    rename = dict(zip(names, [f"z{s}" for s in shuffled], strict=True))
    h = graph_of([(rename[a], rename[b], w) for a, b, w in edges])
    for metric in (influence.pagerank, brokerage.constraint, brokerage.effective_size,
                   influence.reach, influence.harmonic_closeness):
        mine, theirs = metric(g), metric(h)
        for key in names:
            np.testing.assert_allclose(at(g, mine, key), at(h, theirs, rename[key]),
                                       rtol=1e-7, atol=1e-9, equal_nan=True)


# -- the store, what-if, communities, CLI -----------------------------------------------------


def test_influence_graph_of_small_store(small_store: Store) -> None:
    g = influence_graph(small_store, as_of=dt.date(2021, 6, 1))
    w = g.A.toarray()
    p = g.position
    assert w[p["company:voltra"], p["programme:battery-alliance"]] == 2.0  # Gold tier
    assert w[p["company:voltra"], p["company:cellix"]] == 1.0              # partners_with
    assert w[p["company:siliq"], p["company:voltra"]] == 0.75              # supplies
    assert w[p["company:voltra"], p["company:cortex"]] == 0                # not yet (2023)
    assert np.allclose(w, w.T)


def test_what_if_adds_a_partnership(small_store: Store) -> None:
    result = what_if(small_store, "cortex", add=[parse_change("partners_with:cellix")])
    assert result.delta["degree"] == 1 and result.delta["strength"] == 1
    assert result.after["pagerank"] > result.before["pagerank"]
    assert result.delta["constraint"] < 0  # a tie outside its cluster opens a hole
    removed = what_if(small_store, "voltra", remove=[Change(RelKind.MEMBER_OF,
                                                            "open-cockpit")])
    assert removed.delta["degree"] == -1


def test_what_if_bad_input(small_store: Store) -> None:
    with pytest.raises(InvalidValue, match="Nothing to try"):
        what_if(small_store, "voltra")
    with pytest.raises(InvalidValue, match="no tie"):
        what_if(small_store, "cortex", remove=[parse_change("owns:shiplane")])
    with pytest.raises(NodeNotFound):
        what_if(small_store, "voltra", add=[parse_change("member_of:cnfc")])
    for text in ("partners_with", "competes_with:cellix", "owns:x:heavy"):
        with pytest.raises(InvalidValue):
            parse_change(text)


def test_table_and_timeseries(demo_store: Store) -> None:
    table = influence_table(demo_store, as_of=dt.date(2024, 6, 30),
                            metrics=["pagerank", "constraint"])
    assert list(table.columns) == ["name", "pagerank", "constraint"]
    assert table["pagerank"].is_monotonic_decreasing
    assert table.index[0].startswith("company:")
    series = influence_timeseries(demo_store, [dt.date(2019, 6, 30), dt.date(2024, 6, 30)],
                                  nodes=["company:ibm", "programme:cncf"])
    assert series.shape == (2, 2) and (series > 0).all().all()


def test_communities_on_the_demo(demo_store: Store) -> None:
    g = influence_graph(demo_store, as_of=dt.date(2024, 6, 30))
    labels = communities(g)
    assert np.array_equal(labels, communities(g))  # fixed seed: stable
    found = summarise(demo_store, g, labels, as_of=dt.date(2024, 6, 30))
    cncf = next(c for c in found if "cncf" in c.programmes)
    assert cncf.size > 100 and cncf.capabilities
    for bridge in bridges(g, labels):
        assert bridge.ties < bridge.expected and bridge.brokers


def test_cli(small_store: Store) -> None:
    args = ["--store", small_store.location]
    rows = json.loads(CliRunner().invoke(cli, [*args, "influence", "--json"]).output)
    assert {"node", "name", "pagerank", "constraint"} <= set(rows[0])
    assert rows[0]["node"] == "company:voltra"  # most ties
    result = CliRunner().invoke(cli, [*args, "whatif", "cortex", "--add",
                                      "partners_with:cellix", "--json"])
    assert json.loads(result.output)["delta"]["degree"] == 1
    text = CliRunner().invoke(cli, [*args, "communities"]).output
    assert " community (#0): " in text
    bad = CliRunner().invoke(cli, [*args, "whatif", "cortex", "--add", "partners_with"])
    assert bad.exit_code == 1 and "KIND:TARGET" in bad.output


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=3, max_value=4))
def test_closed_pairs_from_triangles_match_the_triple_products(seed: int, groups: int) -> None:
    """The brokerage roles' closed pairs, counted from the triangles, equal the diagonals
    of the sparse triple products that define them (As: ties inside a group, Ad: across)."""
    rng = np.random.default_rng(seed)
    n = 25
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if rng.random() < 0.25]
    graph = graph_of([(f"n{a:02d}", f"n{b:02d}", 1.0) for a, b in pairs],
                     nodes=[f"n{i:02d}" for i in range(n)])
    g = rng.integers(0, groups, n)
    A = graph.binary
    rows, cols = A.nonzero()
    same = g[rows] == g[cols]
    As = sp.csr_array((np.ones(same.sum()), (rows[same], cols[same])), shape=A.shape)
    Ad = sp.csr_array((np.ones((~same).sum()), (rows[~same], cols[~same])), shape=A.shape)

    def diag(X: sp.csr_array, Y: sp.csr_array, Z: sp.csr_array) -> np.ndarray:
        return np.asarray((X @ Y @ Z).diagonal(), dtype=float)

    expected = (diag(As, As, As), diag(As, A, Ad), diag(Ad, As, Ad), diag(Ad, Ad, Ad))
    found = brokerage._closed_pairs(graph, g)
    assert len(graph.triangles) > 0 or not any(e.any() for e in expected)
    for ours, theirs in zip(found, expected, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_each_community_has_one_name_everywhere(small_store: Store) -> None:
    """The map's legend and tooltips, the opportunities view, the summaries and the CLI
    call a community by the same name: its most connected member's, + " community"."""
    from ecosystem.metrics.communities import community_labels, community_names
    from ecosystem.views import ecosystem_map, opportunities_view

    graph = influence_graph(small_store)
    labels = community_labels(small_store, graph)
    named = community_names(small_store, graph, labels)
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    for label, name in named.items():
        members = np.flatnonzero(labels == label)
        strongest = graph.keys[members[np.argmax(strength[members])]]
        assert name == f"{small_store.node(*_split(strongest)).name} community"
    assert len(set(named.values())) == len(named)
    summaries = summarise(small_store, graph, labels)
    assert {c.label: c.name for c in summaries}.items() <= named.items()
    view = ecosystem_map(small_store)
    shown = {e.label for e in view.legend if e.key.startswith("community-")}
    assert shown and all(any(text.startswith(n) for n in named.values()) for text in shown)
    for node in view.nodes:
        assert named[int(labels[graph.position[node.id]])] in node.title
    opportunities = opportunities_view(small_store)
    hexagons = {n.label for n in opportunities.nodes if n.group == "community"}
    assert hexagons and hexagons <= set(named.values())
    assert not any("community " + str(c.label) in n.title for n in opportunities.nodes
                   for c in summaries)
    text = CliRunner().invoke(cli, ["--store", small_store.location, "communities"]).output
    assert all(f"{c.name} (#{c.label})" in text for c in summaries[:3])


def _split(key: str) -> tuple[NodeKind, str]:
    kind, _, id = key.partition(":")
    return NodeKind(kind), id
