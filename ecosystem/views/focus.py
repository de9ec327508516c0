"""One company's neighbourhood, hop by hop, with its partnerships' health
(:func:`focus_view`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Sequence

import networkx as nx

from ecosystem.dates import AsOf, today
from ecosystem.entities.lookup import resolve_company
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.evaluation import joint_patents, partnership_start
from ecosystem.lifecycle.records import load_partnerships
from ecosystem.lifecycle.status import status
from ecosystem.model import (
    NodeKind,
    RelKind,
    node_key,
    split_node_key,
)
from ecosystem.stores.base import Store
from ecosystem.views.common import (
    period,
)
from ecosystem.views.kinds import FOCUS_KINDS
from ecosystem.views.layout import SEED, SPACING, rings
from ecosystem.views.partnership_health import (
    company_alerts,
    partnership_lines,
    show_partnership_health,
)
from ecosystem.views.style import EDGE_STYLES, FOCAL, GREY, SHAPES, edge_legend, palette
from ecosystem.views.view import LegendEntry, View, ViewEdge, ViewNode

__all__ = ["FOCUS_KINDS", "focus_view"]

#: Beyond the first ring, a node brings in at most this many of its own neighbours; the rest
#: are drawn as one "+N more" node (a programme's 300 members are not 300 dots).
FAN_OUT = 12


def focus_view(store: Store, company: str, *, hops: int = 1,
               kinds: Sequence[str] = FOCUS_KINDS,
               as_of: AsOf = None, max_nodes: int = 400, seed: int = SEED,
               alerts: Sequence[str] | None = None, fan_out: int | None = FAN_OUT,
               only: Collection[str] | None = None) -> View:
    """One company and what lies within ``hops`` relationships of it.

    Parameters
    ----------
    company
        An id or name.
    hops
        How far to go (1 to 4).
    kinds
        Relationship kinds to follow (any edge kind of :meth:`Store.graph`, e.g.
        ``has_capability`` or ``in_industry``).
    as_of
        Only relationships active on this day (default: all, with a date slider).
    max_nodes
        Draw at most this many nodes: the nearest first, then the best connected.
    fan_out
        Beyond the first ring, draw at most this many of the nodes each node brings in (the
        best connected); the rest become one "+N more" node. ``None`` draws them all.
    only
        Draw only these nodes (``"kind:id"`` keys, e.g. what the explorer shows), however
        many hops away from the company; ``hops`` and ``fan_out`` are then not used.
    alerts
        Lines listed beside the map; default: the open alerts of the company's
        partnerships (:mod:`ecosystem.lifecycle.rules`) on ``as_of``.
    """
    if not 1 <= hops <= 4:
        raise InvalidValue(f"hops is {hops}; use 1 to 4.", field="hops", value=hops)
    focal = node_key(NodeKind.COMPANY, resolve_company(store, company))
    if only is not None:
        hops, fan_out = len(only), None
    G = store.graph(as_of=as_of)
    known = {str(k) for _, _, k in G.edges(data="kind")}
    for kind in kinds:
        if kind not in known and kind not in {k.value for k in RelKind}:
            raise InvalidValue(f"no relationship kind {kind!r}; use one of "
                               f"{', '.join(sorted(known))}.", field="kind", value=kind)
    wanted = set(kinds)
    adjacency: dict[str, set[str]] = defaultdict(set)
    allowed = None if only is None else {focal, *only}
    for a, b, kind in G.edges(data="kind"):
        if kind in wanted and (allowed is None or (a in allowed and b in allowed)):
            adjacency[a].add(b)
            adjacency[b].add(a)
    distance, more = _reach(focal, adjacency, hops, fan_out)
    shown = sorted(distance, key=lambda v: (distance[v], -len(adjacency[v]), v))[:max_nodes]
    reached = len(distance)
    hops = max(distance[k] for k in shown) or 1
    kept = set(shown)
    edges = []
    for a, b, data in G.edges(data=True):
        if data["kind"] in wanted and a in kept and b in kept:
            edges.append(_graph_edge(a, b, data, G))
    colours = [FOCAL, *(palette(i) for i in range(hops))]
    biggest = max(len(adjacency[k]) for k in shown)
    nodes = []
    for key in shown:
        kind, id = split_node_key(key)
        name = str(G.nodes[key].get("name") or id)
        hop = distance[key]
        nodes.append(ViewNode(key, name, f"hop-{hop}", colours[hop],
                              f"{name}\n{kind.value} {id}\n{hop} hop(s) away\n"
                              f"{len(adjacency[key])} relationships",
                              value=_focus_size(hop, len(adjacency[key]), biggest),
                              shape=SHAPES[kind]))
    held = [(parent, len(left)) for parent, left in sorted(more.items()) if parent in kept]
    left_out = set().union(*(more[parent] for parent, _ in held))
    for parent, count in held:
        key = f"more:{parent}"
        shown.append(key)
        distance[key] = distance[parent] + 1
        adjacency[key] = {parent}
        parent_name = str(G.nodes[parent].get("name") or parent)
        nodes.append(ViewNode(key, f"+{count:,} more", "more", GREY,
                              f"{count:,} more nodes linked to {parent_name}, not drawn one "
                              "by one (open its own view to see them)",
                              value=1.0 + math.log1p(count), shape="dot"))
        edges.append(ViewEdge(parent, key, "more", "#d9d9d9", f"{count:,} more", width=1.0))
    position = _radial(shown, distance, adjacency, G)
    for n in nodes:
        n.x, n.y = position[n.id]
    name = nodes[0].label
    notes = [f"{name} and {len(kept) - 1:,} nodes within {hops} hop(s)"
             f"{' as of ' + as_of.isoformat() if as_of is not None else ''}, following "
             f"{', '.join(sorted(wanted))}."]
    if held:
        notes.append(f"Nodes that bring in more than {fan_out} others show their "
                     f"{fan_out} best connected and one \"+N more\" node for the rest "
                     f"({len(left_out):,} in all).")
    if reached > len(kept):
        notes.append(f"Showing {len(kept):,} of {reached:,} nodes: the nearest, then the "
                     "best connected; raise max_nodes to see more.")
    legend = [LegendEntry(name if h == 0 else f"{h} hop{'s' if h > 1 else ''} away",
                          colours[h], "node", f"hop-{h}") for h in range(hops + 1)]
    if held:
        legend.append(LegendEntry("more, not drawn one by one", GREY, "node", "more"))
    day = as_of or today()
    company = split_node_key(focal)[1]
    partnerships = load_partnerships(store)  # read once: the statuses and the panel
    found = [status(p, as_of=day) for p in partnerships]
    if alerts is None:
        alerts = company_alerts(found, company)
    panels = {"Open alerts": list(alerts)} if alerts else {}
    records = []
    for p in partnerships:
        if company not in (p.company, p.partner):
            continue
        records += partnership_lines(p, day)
        start, patents = partnership_start(p), joint_patents(store, p, as_of=day)
        if patents and start is not None:
            records.append(f"{p.name or p.id}: {len(patents)} joint patent(s) filed since "
                           f"{start}")
    if records:
        panels["Partnerships"] = records
    view = View(f"{name}: neighbourhood", nodes, edges,
                legend + edge_legend({e.kind for e in edges}), notes, timeline=as_of is None,
                panels=panels)
    return show_partnership_health(view, found)


def _reach(focal: str, adjacency: dict[str, set[str]], hops: int, fan_out: int | None
           ) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Each node's distance from ``focal`` (breadth first, best connected first), and for
    each node that brought in more than ``fan_out`` nodes beyond the first ring, those it
    left out that no other node brought in."""
    distance = {focal: 0}
    more: dict[str, set[str]] = {}
    frontier = [focal]
    for hop in range(1, hops + 1):
        nxt = []
        for u in frontier:
            found = sorted((v for v in adjacency[u] if v not in distance),
                           key=lambda v: (-len(adjacency[v]), v))
            if hop > 1 and fan_out is not None and len(found) > fan_out:
                more[u] = set(found[fan_out:])
                found = found[:fan_out]
            for v in found:
                distance[v] = hop
            nxt.extend(found)
        frontier = sorted(nxt, key=lambda v: (-len(adjacency[v]), v))
    return distance, {u: left - distance.keys() for u, left in more.items()
                      if left - distance.keys()}


def _radial(shown: Sequence[str], distance: dict[str, int], adjacency: dict[str, set[str]],
            G: nx.MultiDiGraph) -> dict[Hashable, tuple[float, float]]:
    """The focal node in the centre, each hop on a ring further out; the first ring by kind
    and name, each later node next to the node that brought it in."""
    def name(key: str) -> str:
        return str(G.nodes[key].get("name") or key if key in G else key).casefold()

    kept = set(shown)
    bands: list[list[str]] = []
    for hop in range(1, max(distance[k] for k in shown) + 1):
        members = [k for k in shown if distance[k] == hop]
        if hop == 1:
            members.sort(key=lambda k: (k.partition(":")[0], name(k)))
        else:
            index = {k: i for i, k in enumerate(bands[-1])}
            members.sort(key=lambda k: (min((index[v] for v in adjacency[k] if v in index
                                             and v in kept), default=len(index)), name(k)))
        bands.append(members)
    placed = rings(bands, spacing=2 * SPACING, one_circle=60)
    placed[shown[0]] = (0.0, 0.0)
    return placed


def _focus_size(hop: int, degree: int, biggest: int) -> float:
    """The focal company is drawn largest; others by how connected they are (log scale)."""
    return 2.0 + math.log1p(biggest) if hop == 0 else 1.0 + math.log1p(degree)


def _graph_edge(a: str, b: str, data: dict[str, object], G: object) -> ViewEdge:
    kind = str(data["kind"])
    try:
        colour, dashes, arrows = EDGE_STYLES[RelKind(kind)]
    except ValueError:  # derived edges: part_of, in_industry, runs
        colour, dashes, arrows = "#cfcfcf", True, True
    since = data.get("since")
    until = data.get("until")
    extra = [f"{k}: {v}" for k, v in sorted(data.items())
             if k not in ("kind", "since", "until", "weight") and v not in (None, "")]
    tip = "\n".join([f"{a} {kind.replace('_', ' ')} {b}",
                     period(str(since) if since else None, str(until) if until else None),
                     *extra]).replace("\n\n", "\n")
    return ViewEdge(a, b, kind, colour, tip, dashes=dashes, arrows=arrows,
                    since=str(since) if since else None, until=str(until) if until else None)

