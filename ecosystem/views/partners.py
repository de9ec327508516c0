"""Views for partner scanning: the partner radar and the cross-industry opportunity map."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ecosystem.dates import AsOf
from ecosystem.metrics.communities import (
    Bridge,
    bridges,
    community_labels,
    community_names,
    summarise,
)
from ecosystem.metrics.influence import InfluenceGraph, influence_graph
from ecosystem.model import NodeKind, node_key, split_node_key
from ecosystem.scanning.axes import Axis
from ecosystem.scanning.needs import NeedsMap
from ecosystem.scanning.scan import Candidate, FitWeights, ScanResult, scan_partners
from ecosystem.stores.base import Store
from ecosystem.views.common import community_ties, node_names
from ecosystem.views.layout import SEED, force_layout
from ecosystem.views.style import FOCAL, GREY, palette
from ecosystem.views.view import LegendEntry, View, ViewEdge, ViewNode

__all__ = ["opportunities_view", "partner_radar"]

AXIS_COLOURS = {Axis.IN_INDUSTRY: "#1f77b4", Axis.CROSS_INDUSTRY: "#ff7f0e",
                Axis.SECTOR_UNKNOWN: GREY}
#: Where each kind of candidate fans out: (start, end) angles in radians, counter-clockwise
#: from the right: in-industry on the left, cross-industry on the right, unknown below.
ARCS = {Axis.IN_INDUSTRY: (math.pi * 0.6, math.pi * 1.35),
        Axis.CROSS_INDUSTRY: (-math.pi * 0.35, math.pi * 0.4),
        Axis.SECTOR_UNKNOWN: (math.pi * 1.4, math.pi * 1.6)}
RADIUS = 700.0  # the lowest fit shown sits this far from the centre
HOLE = 110.0  # and the highest this far


class _Scale:
    """Distance from the centre for a fit, stretched over the fits shown so that their
    differences are visible (the rings give the fits they stand for)."""

    def __init__(self, scores: Sequence[float]) -> None:
        self.low = min(scores, default=0.0)
        self.high = max(scores, default=1.0)
        if self.high - self.low < 0.05:  # nearly equal: a band of 0.05 around them
            middle = (self.high + self.low) / 2
            self.low, self.high = middle - 0.025, middle + 0.025

    def __call__(self, score: float) -> float:
        share = (self.high - score) / (self.high - self.low)
        return HOLE + RADIUS * min(max(share, 0.0), 1.0)

    def rings(self) -> list[float]:
        """Three to five round fits between the lowest and highest shown."""
        span = self.high - self.low
        step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25) if span / s <= 5)
        first = math.ceil(self.low / step) * step
        return [round(first + k * step, 4) for k in range(int(span / step) + 1)
                if first + k * step <= self.high + 1e-9]


def partner_radar(store: Store, company: str, *, needs: NeedsMap | None = None,
                  top: int = 20, axis: Axis | str = Axis.BOTH,
                  weights: FitWeights | None = None, as_of: AsOf = None,
                  result: ScanResult | None = None,
                  predicted: Sequence[tuple[str, float]] = ()) -> View:
    """The focal company in the centre and its candidate partners around it: the better the
    fit, the closer; in-industry candidates on the left, cross-industry on the right. Each
    candidate's tooltip is its score explanation.

    Parameters
    ----------
    company, needs, top, axis, weights, as_of
        As for :func:`~ecosystem.scanning.scan.scan_partners`.
    result
        A scan already run (the other scan arguments are then ignored).
    predicted
        ``(company id, score)`` of predicted ties, drawn as dashed edges.
    """
    if result is None:
        result = _scan_both_sides(store, company, needs=needs, top=top, axis=Axis(axis),
                                  weights=weights, as_of=as_of)
    focal = node_key(NodeKind.COMPANY, result.focal)
    focal_name = store.node(NodeKind.COMPANY, result.focal).name
    gaps = ", ".join(f"{need} {gap:.0%}" for need, gap in result.gaps.items() if gap > 0)
    nodes = [ViewNode(focal, focal_name, "focal", FOCAL,
                      f"{focal_name}\nfocal company\n" + (f"unmet needs: {gaps}" if gaps else
                                                        "no needs map stored"),
                      value=3.0, shape="star", x=0.0, y=0.0)]
    edges = []
    sides: dict[Axis, list[Candidate]] = {axis: [] for axis in ARCS}
    for c in result.candidates:
        sides[c.axis].append(c)
    scale = _Scale([c.score for c in result.candidates])
    for side, members in sides.items():
        start, end = ARCS[side]
        for i, c in enumerate(members):
            theta = start + (end - start) * (i + 0.5) / len(members)
            r = scale(c.score)
            key = node_key(NodeKind.COMPANY, c.company)
            colour = AXIS_COLOURS[side]
            nodes.append(ViewNode(key, c.name, side.value, colour, "\n".join(c.explanation),
                                  value=0.5 + c.score, x=r * math.cos(theta),
                                  y=-r * math.sin(theta)))
            edges.append(ViewEdge(focal, key, f"fit-{side.value}", colour,
                                  f"fit {c.score:.2f} (confidence {c.confidence:.2f})",
                                  width=0.5 + 4 * c.score))
    shown = {n.id for n in nodes}
    for other, score in predicted:
        key = node_key(NodeKind.COMPANY, other)
        if key in shown:
            edges.append(ViewEdge(focal, key, "predicted", "#6a1b9a",
                                  f"predicted tie, score {score:.3f}", width=2.0,
                                  dashes=True, curved=True))
    legend = [LegendEntry(focal_name, FOCAL, "node", "focal", shape="star"),
              LegendEntry("in-industry candidate", AXIS_COLOURS[Axis.IN_INDUSTRY], "node",
                          Axis.IN_INDUSTRY.value),
              LegendEntry("cross-industry candidate", AXIS_COLOURS[Axis.CROSS_INDUSTRY], "node",
                          Axis.CROSS_INDUSTRY.value)]
    if sides[Axis.SECTOR_UNKNOWN]:
        legend.append(LegendEntry("sector unknown", AXIS_COLOURS[Axis.SECTOR_UNKNOWN], "node",
                                  Axis.SECTOR_UNKNOWN.value))
    if any(e.kind == "predicted" for e in edges):
        legend.append(LegendEntry("predicted tie", "#6a1b9a", "edge", "predicted", dashes=True))
    notes = [f"Candidate partners for {focal_name}: the closer to the centre, the better the "
             f"fit (of {result.considered:,} companies considered); distances are stretched "
             f"over the fits shown ({scale.low:.2f} to {scale.high:.2f}), the rings give the "
             "fit. Left: in-industry; right: cross-industry"
             + ("; below: sector unknown" if sides[Axis.SECTOR_UNKNOWN] else "")
             + ". Hover a candidate for the reasons behind its score."]
    if gaps:
        notes.append(f"Unmet needs: {gaps}.")
    rings = [(scale(s), f"fit {s:.2f}") for s in scale.rings()]
    return View(f"Partner radar: {focal_name}", nodes, edges, legend, notes, rings=rings)


def _scan_both_sides(store: Store, company: str, *, needs: NeedsMap | None, top: int,
                     axis: Axis, weights: FitWeights | None, as_of: AsOf) -> ScanResult:
    """For both axes, the best half of ``top`` from each side, so neither side of the radar
    is empty just because the other side scores higher."""
    if axis is not Axis.BOTH:
        return scan_partners(store, company, needs=needs, top=top, axis=axis, weights=weights,
                             as_of=as_of)
    inside = scan_partners(store, company, needs=needs, top=(top + 1) // 2,
                           axis=Axis.IN_INDUSTRY, weights=weights, as_of=as_of)
    across = scan_partners(store, company, needs=needs, top=top // 2,
                           axis=Axis.CROSS_INDUSTRY, weights=weights, as_of=as_of)
    ranked = sorted(inside.candidates + across.candidates, key=lambda c: -c.score)
    return replace(inside, candidates=tuple(ranked),
                   considered=inside.considered + across.considered)


def opportunities_view(store: Store, *, company: str | None = None, as_of: AsOf = None,
                       top: int = 10, communities_shown: int = 15, seed: int = SEED) -> View:
    """Cross-industry opportunities: the ecosystem's communities as single nodes, the pairs of
    communities with fewer ties than expected (dashed), and the companies placed to bridge
    them. With ``company``, also its cross-industry candidates, linked to their communities.
    """
    graph = influence_graph(store, as_of=as_of)
    labels = community_labels(store, graph, seed=seed)
    summaries = {c.label: c for c in summarise(store, graph, labels, as_of=as_of, min_size=2)}
    named = community_names(store, graph, labels)
    links = bridges(graph, labels, top=top)
    names = node_names(store, (NodeKind.COMPANY, NodeKind.PROGRAMME, NodeKind.INDUSTRY))
    wanted = [c.label for c in sorted(summaries.values(), key=lambda c: -c.size)]
    shown = list(dict.fromkeys(wanted[:communities_shown]
                               + [x for b in links for x in (b.a, b.b)]))
    colour = {label: palette(i) for i, label in enumerate(shown)}
    nodes: list[ViewNode] = []
    edges: list[ViewEdge] = []
    for label in shown:
        c = summaries[label]
        tip = [f"{c.name}: {c.size:,} members ({c.companies:,} companies)",
               "programmes: " + (", ".join(c.programmes[:8]) or "-"),
               "industries: " + (", ".join(f"{names.get('industry:' + i, i)} ({k})"
                                           for i, k in c.industries) or "-"),
               "capabilities: " + (", ".join(f"{x} ({k})" for x, k in c.capabilities) or "-"),
               "most connected: " + ", ".join(names.get(k, k) for k in c.central)]
        nodes.append(ViewNode(f"community:{label}", c.name,
                              "community", colour[label], "\n".join(tip), value=float(c.size),
                              shape="hexagon"))
    edges += community_ties(graph, labels, shown, width=0.5)
    brokers = _add_bridges(links, names, named, nodes, edges)
    if company is not None:
        _add_candidates(store, company, as_of, graph, labels, named, set(shown), nodes, edges)
    position = force_layout([n.id for n in nodes], [(e.source, e.target) for e in edges],
                            seed=seed)
    for n in nodes:
        n.x, n.y = (v * 2.5 for v in position[n.id])
    when = f" as of {as_of.isoformat()}" if as_of is not None else ""
    notes = [f"{len(shown)} communities of the ecosystem{when} (Louvain), each drawn as one "
             "hexagon sized by its members. Dashed orange lines join communities with fewer "
             "ties than their sizes lead to expect; red dots are the companies whose ties "
             f"already reach both sides ({brokers} shown): the bridges to work through."]
    legend = [LegendEntry("community", palette(0), "node", "community", shape="hexagon"),
              LegendEntry("bridging company", "#d62728", "node", "broker")]
    if company is not None:
        legend += [LegendEntry("focal company", FOCAL, "node", "focal"),
                   LegendEntry("cross-industry candidate", "#ff7f0e", "node", "candidate")]
    legend += [LegendEntry("ties between communities", GREY, "edge", "ties"),
               LegendEntry("fewer ties than expected", "#ff7f0e", "edge", "gap", dashes=True),
               LegendEntry("bridge", "#d62728", "edge", "bridge")]
    if company is not None:
        legend.append(LegendEntry("candidate (width: fit)", "#ff7f0e", "edge", "candidate"))
    return View(f"Cross-industry opportunities{when}", nodes, edges, legend, notes,
                physics=True)


def _add_bridges(links: Sequence[Bridge], names: dict[str, str], named: dict[int, str],
                 nodes: list[ViewNode], edges: list[ViewEdge]) -> int:
    """The under-connected pairs (dashed) and their brokers, each tied to both sides."""
    seen: set[str] = set()
    for b in links:
        a_key, b_key = f"community:{b.a}", f"community:{b.b}"
        edges.append(ViewEdge(a_key, b_key, "gap", "#ff7f0e",
                              f"{named[b.a]} and {named[b.b]}: tie weight {b.ties:.1f}, "
                              f"{b.expected:.1f} expected ({b.ratio:.0%})", width=2.5,
                              dashes=True))
        for key in b.brokers:
            kind, id = split_node_key(key)
            if key not in seen:
                seen.add(key)
                name = names.get(key, id)
                nodes.append(ViewNode(key, name, "broker", "#d62728",
                                      f"{name}\n{kind.value} {id}\ncould bridge "
                                      f"{named[b.a]} and {named[b.b]}", value=6.0))
            edges += [ViewEdge(key, side, "bridge", "#d62728", f"{names.get(key, id)} has ties "
                               f"in {named[label]}", width=1.5)
                      for side, label in ((a_key, b.a), (b_key, b.b))]
    return len(seen)


def _add_candidates(store: Store, company: str, as_of: AsOf, graph: InfluenceGraph,
                    labels: np.ndarray, named: dict[int, str], shown: set[int],
                    nodes: list[ViewNode], edges: list[ViewEdge]) -> None:
    """The focal company and its cross-industry candidates, each tied to its community."""
    result = scan_partners(store, company, axis=Axis.CROSS_INDUSTRY, top=8, as_of=as_of)
    focal = node_key(NodeKind.COMPANY, result.focal)
    name = store.node(NodeKind.COMPANY, result.focal).name
    present = {n.id for n in nodes}

    def attach(key: str) -> None:
        i = graph.position.get(key)
        if i is not None and int(labels[i]) in shown:
            edges.append(ViewEdge(key, f"community:{labels[i]}", "ties", GREY,
                                  f"member of {named[int(labels[i])]}", width=0.5))

    if focal not in present:
        nodes.append(ViewNode(focal, name, "focal", FOCAL, f"{name}\nfocal company",
                              value=8.0, shape="star"))
        attach(focal)
    else:  # a broker too: drawn as the focal company, its broker role kept in the tooltip
        at = next(i for i, n in enumerate(nodes) if n.id == focal)
        nodes[at] = replace(nodes[at], group="focal", color=FOCAL, shape="star",
                            title=f"{nodes[at].title}\nfocal company")
    for c in result.candidates:
        key = node_key(NodeKind.COMPANY, c.company)
        if key not in present:
            nodes.append(ViewNode(key, c.name, "candidate", "#ff7f0e",
                                  "\n".join(c.explanation), value=2.0 + 4 * c.score))
            present.add(key)
            attach(key)
        # solid: dashed orange means "fewer ties than expected" (one meaning per style)
        edges.append(ViewEdge(focal, key, "candidate", "#ff7f0e", f"fit {c.score:.2f}",
                              width=0.5 + 3 * c.score))
