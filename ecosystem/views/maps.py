"""Views of the ecosystem itself: the whole map, one company's neighbourhood, a programme.

Each function reads the store and returns a :class:`~ecosystem.views.view.View`; call its
``save`` to write HTML, PNG or SVG.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Literal

import networkx as nx
import numpy as np
import scipy.sparse as sp

from ecosystem.dates import AsOf, today
from ecosystem.entities.lookup import resolve_company
from ecosystem.errors import InvalidValue, NodeNotFound
from ecosystem.lifecycle.status import statuses
from ecosystem.metrics.communities import communities
from ecosystem.metrics.influence import (
    KIND_WEIGHTS,
    TIER_WEIGHTS,
    InfluenceGraph,
    influence_graph,
    pagerank,
    tie_weight,
)
from ecosystem.model import (
    RELATIONSHIP_SCHEMAS,
    NodeKind,
    Relationship,
    RelKind,
    node_key,
    split_node_key,
)
from ecosystem.stores.base import Store, close_ids
from ecosystem.views.layout import SEED, SPACING, force_layout, rings
from ecosystem.views.page import PHYSICS_LIMIT
from ecosystem.views.partnership_health import company_alerts, show_partnership_health
from ecosystem.views.style import EDGE_STYLES, FOCAL, GREY, SHAPES, edge_legend, palette
from ecosystem.views.view import LegendEntry, View, ViewEdge, ViewNode

__all__ = ["FOCUS_KINDS", "MAP_KINDS", "MAX_NODES", "ecosystem_map", "focus_view",
           "programme_view"]

#: The relationships drawn by default: those that carry influence, and rivalry.
MAP_KINDS: tuple[RelKind, ...] = (*KIND_WEIGHTS, RelKind.COMPETES_WITH)
#: The edge kinds the focus view follows by default.
FOCUS_KINDS: tuple[str, ...] = tuple(k.value for k in MAP_KINDS)
#: Above this many nodes a map shows communities as single nodes.
MAX_NODES = 5000
_COLOURED = 12  # communities or industries with their own colour; the rest are grey


def node_names(store: Store, kinds: Iterable[NodeKind]) -> dict[str, str]:
    """``"kind:id" -> name`` for every node of the given kinds."""
    return {n.key: n.name for kind in kinds for n in store.nodes(kind)}


def community_ties(graph: InfluenceGraph, labels: np.ndarray, parts: Sequence[int], *,
                   width: float) -> list[ViewEdge]:
    """An edge between each two of the communities ``parts`` whose members have ties, with
    the total tie weight; edge width ``width + log(1 + weight)``."""
    column = {label: j for j, label in enumerate(parts)}
    inside = np.flatnonzero(np.isin(labels, parts))
    member = sp.csr_array((np.ones(len(inside)), (inside, [column[int(labels[i])]
                                                          for i in inside])),
                          shape=(graph.n, len(parts)))
    between = sp.coo_array(member.T @ graph.A @ member)
    return [ViewEdge(f"community:{parts[a]}", f"community:{parts[b]}", "ties", GREY,
                     f"tie weight {w:.1f}", width=width + math.log1p(w))
            for a, b, w in zip(between.row, between.col, between.data, strict=True)
            if a < b and w > 0]


def _period(since: str | None, until: str | None) -> str:
    if not since and not until:
        return ""
    return f"{since or 'start'} to {until or 'now'}"


def _edge(rel: Relationship, names: dict[str, str]) -> ViewEdge:
    schema = RELATIONSHIP_SCHEMAS[rel.kind]
    source, target = node_key(schema.source, rel.source), node_key(schema.target, rel.target)
    colour, dashes, arrows = EDGE_STYLES[rel.kind]
    lines = [f"{names.get(source, rel.source)} {rel.kind.value.replace('_', ' ')} "
             f"{names.get(target, rel.target)}", _period(rel.since, rel.until)]
    lines += [f"{k}: {v}" for k, v in sorted(rel.properties.items()) if v not in (None, "")]
    weight = tie_weight(rel) or 1.0
    return ViewEdge(source, target, rel.kind.value, colour, "\n".join(x for x in lines if x),
                    width=0.5 + min(weight, 4.0), dashes=dashes, arrows=arrows,
                    since=rel.since, until=rel.until)


def _communities_legend(graph: InfluenceGraph, labels: np.ndarray, names: dict[str, str],
                        strength: np.ndarray, keep: np.ndarray) -> tuple[dict[int, str],
                                                                         list[LegendEntry]]:
    """Colour of each community and legend entries naming each by its strongest member."""
    sizes = Counter(int(labels[i]) for i in keep)
    colour: dict[int, str] = {}
    legend = []
    for rank, (label, size) in enumerate(sizes.most_common()):
        if rank >= _COLOURED:
            break
        members = [i for i in keep if labels[i] == label]
        top = max(members, key=lambda i: strength[i])
        colour[label] = palette(rank)
        legend.append(LegendEntry(f"{names.get(graph.keys[top], graph.keys[top])} "
                                  f"community ({size:,})", colour[label], "node",
                                  f"community-{label}"))
    if len(sizes) > _COLOURED:
        legend.append(LegendEntry(f"{len(sizes) - _COLOURED:,} smaller communities", GREY,
                                  "node", "community-other"))
    return colour, legend


def _industry_groups(store: Store, keys: Sequence[str]) -> tuple[dict[str, str],
                                                                 list[LegendEntry]]:
    industry_names = {n.id: n.name for n in store.nodes(NodeKind.INDUSTRY)}
    first: dict[str, str] = {}
    for node in store.nodes(NodeKind.COMPANY):
        found = node.properties.get("industries") or []
        if found:
            first[node.key] = str(found[0])
    counts = Counter(first[k] for k in keys if k in first)
    coloured = [i for i, _ in counts.most_common(_COLOURED)]
    group = {}
    for key in keys:
        if key.startswith("programme:"):
            group[key] = "programme"
        elif key in first:
            group[key] = first[key] if first[key] in coloured else "other"
        else:
            group[key] = "unknown"
    legend = [LegendEntry(industry_names.get(i, i), palette(r), "node", i)
              for r, i in enumerate(coloured)]
    legend += [LegendEntry("other industries", "#616161", "node", "other"),
               LegendEntry("industry unknown", GREY, "node", "unknown"),
               LegendEntry("programme", "#37474f", "node", "programme", shape="diamond")]
    return group, legend


def ecosystem_map(store: Store, *, as_of: AsOf = None,
                  color_by: Literal["community", "industry"] = "community",
                  top: int | None = None, kinds: Sequence[RelKind | str] = MAP_KINDS,
                  max_nodes: int = MAX_NODES, seed: int = SEED,
                  title: str | None = None) -> View:
    """The ecosystem: companies and programmes, coloured by community or industry, sized by
    influence (PageRank), edges styled by relationship kind.

    Parameters
    ----------
    store
        The ecosystem.
    as_of
        Draw the relationships active on this day. Default: every relationship, with a date
        slider on the page.
    color_by
        ``community`` (Louvain, fixed seed) or ``industry`` (each company's first).
    top
        Draw only the ``top`` most influential nodes.
    kinds
        Relationship kinds to draw.
    max_nodes
        Above this many nodes the map shows each community as one node.
    seed
        Seed of the community detection and the layout.

    Raises
    ------
    InvalidValue
        If ``color_by``, ``top`` or a kind is not valid.
    """
    if color_by not in ("community", "industry"):
        raise InvalidValue(f"color_by is {color_by!r}; use 'community' or 'industry'.",
                           field="color_by", value=color_by)
    if top is not None and top < 1:
        raise InvalidValue(f"top is {top}; give a positive number of nodes.", field="top",
                           value=top)
    chosen = [RelKind(k) for k in kinds]
    graph = influence_graph(store, as_of=as_of)
    rank = pagerank(graph) if graph.n else np.zeros(0)
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    labels = communities(graph, seed=seed) if graph.n else np.zeros(0, dtype=np.int64)
    keep = np.flatnonzero(strength > 0)
    keep = keep[np.argsort(-rank[keep], kind="stable")]
    if top is not None:
        keep = keep[:top]
    names = node_names(store, (NodeKind.COMPANY, NodeKind.PROGRAMME))
    when = f" as of {as_of.isoformat()}" if as_of is not None else ""
    heading = title or f"Ecosystem map{when}"
    notes = [f"{len(keep):,} of {graph.n:,} companies and programmes"
             f"{' with ties' if top is None else ' (the most influential)'}{when}; "
             "size shows influence (PageRank), diamonds are programmes."]
    if len(keep) > max_nodes:
        return _aggregated(graph, labels, keep, names, heading, notes, max_nodes, seed)
    keys = [graph.keys[i] for i in keep]
    kept = set(keys)
    edges = [_edge(rel, names) for kind in chosen for rel in store.relationships(kind, as_of=as_of)
             if (e := _ends(rel))[0] in kept and e[1] in kept]
    if color_by == "community":
        colour, legend = _communities_legend(graph, labels, names, strength, keep)
        group = {graph.keys[i]: f"community-{labels[i]}" if labels[i] in colour
                 else "community-other" for i in keep}
        colour_of = {graph.keys[i]: colour.get(int(labels[i]), GREY) for i in keep}
    else:
        group, legend = _industry_groups(store, keys)
        by_group = {entry.key: entry.color for entry in legend}
        colour_of = {k: by_group[group[k]] for k in keys}
    position = force_layout(keys, [(e.source, e.target) for e in edges],
                            groups={graph.keys[i]: int(labels[i]) for i in keep}, seed=seed)
    order = {k: r for r, k in enumerate(keys, start=1)}
    top_rank = float(rank[keep].max()) if len(keep) else 1.0
    nodes = []
    for i in keep:
        key = graph.keys[i]
        kind, id = split_node_key(key)
        x, y = position[key]
        tip = [names.get(key, id), f"{kind.value} {id}",
               f"PageRank {rank[i]:.4f} (#{order[key]:,})", f"tie strength {strength[i]:.1f}",
               f"community {labels[i]}"]
        nodes.append(ViewNode(key, names.get(key, id), group[key], colour_of[key],
                              "\n".join(tip), value=_size(rank[i], top_rank),
                              shape=SHAPES[kind], x=x, y=y))
    view = View(heading, nodes, edges, legend + edge_legend({e.kind for e in edges}), notes,
                physics=len(nodes) <= PHYSICS_LIMIT, timeline=as_of is None)
    # a view of all time shows the partnerships' health today
    return show_partnership_health(view, statuses(store, as_of=as_of or today()))


def _size(rank: float, top_rank: float) -> float:
    """Node size from PageRank on a square-root scale, so the few very central programmes do
    not shrink everyone else to dots."""
    return 1.0 + 10.0 * math.sqrt(max(rank, 0.0) / top_rank) if top_rank > 0 else 1.0


def _ends(rel: Relationship) -> tuple[str, str]:
    schema = RELATIONSHIP_SCHEMAS[rel.kind]
    return node_key(schema.source, rel.source), node_key(schema.target, rel.target)


def _aggregated(graph: InfluenceGraph, labels: np.ndarray, keep: np.ndarray,
                names: dict[str, str], heading: str, notes: list[str], max_nodes: int,
                seed: int) -> View:
    """One node per community, sized by its members; edges carry the tie weight between."""
    parts = sorted({int(labels[i]) for i in keep})
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    nodes = []
    for j, label in enumerate(parts):
        members = keep[labels[keep] == label]
        ranked = members[np.argsort(-strength[members], kind="stable")][:5]
        top = [names.get(graph.keys[i], graph.keys[i]) for i in ranked]
        nodes.append(ViewNode(f"community:{label}", f"{top[0]} +{len(members) - 1:,}",
                              f"community-{label}", palette(j), "\n".join(
                                  [f"Community {label}: {len(members):,} members",
                                   "most connected: " + ", ".join(top)]),
                              value=float(len(members))))
    edges = community_ties(graph, labels, parts, width=1.0)
    position = force_layout([n.id for n in nodes], [(e.source, e.target) for e in edges],
                            seed=seed)
    for n in nodes:
        n.x, n.y = (v * 3 for v in position[n.id])
    notes = [*notes, f"Aggregated: {len(keep):,} nodes are more than the {max_nodes:,} a page "
             f"draws smoothly, so each circle is one of {len(parts):,} communities (Louvain), "
             "sized by its members. Draw fewer with top, or one company's neighbourhood with "
             "the focus view."]
    return View(heading + " (communities)", nodes, edges, [], notes,
                physics=len(nodes) <= PHYSICS_LIMIT)


def focus_view(store: Store, company: str, *, hops: int = 1,
               kinds: Sequence[str] = FOCUS_KINDS,
               as_of: AsOf = None, max_nodes: int = 400, seed: int = SEED,
               alerts: Sequence[str] | None = None) -> View:
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
    alerts
        Lines listed beside the map; default: the open alerts of the company's
        partnerships (:mod:`ecosystem.lifecycle.rules`) on ``as_of``.
    """
    if not 1 <= hops <= 4:
        raise InvalidValue(f"hops is {hops}; use 1 to 4.", field="hops", value=hops)
    focal = node_key(NodeKind.COMPANY, resolve_company(store, company))
    G = store.graph(as_of=as_of)
    known = {str(k) for _, _, k in G.edges(data="kind")}
    for kind in kinds:
        if kind not in known and kind not in {k.value for k in RelKind}:
            raise InvalidValue(f"no relationship kind {kind!r}; use one of "
                               f"{', '.join(sorted(known))}.", field="kind", value=kind)
    wanted = set(kinds)
    adjacency: dict[str, set[str]] = defaultdict(set)
    for a, b, kind in G.edges(data="kind"):
        if kind in wanted:
            adjacency[a].add(b)
            adjacency[b].add(a)
    distance = {focal: 0}
    frontier = [focal]
    for hop in range(1, hops + 1):
        nxt = sorted({v for u in frontier for v in adjacency[u] if v not in distance},
                     key=lambda v: (-len(adjacency[v]), v))
        for v in nxt:
            distance[v] = hop
        frontier = nxt
    shown = sorted(distance, key=lambda v: (distance[v], -len(adjacency[v]), v))[:max_nodes]
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
    position = _radial(shown, distance, adjacency, G)
    for n in nodes:
        n.x, n.y = position[n.id]
    name = nodes[0].label
    notes = [f"{name} and {len(shown) - 1:,} nodes within {hops} hop(s)"
             f"{' as of ' + as_of.isoformat() if as_of is not None else ''}, following "
             f"{', '.join(sorted(wanted))}."]
    if len(distance) > len(shown):
        notes.append(f"Showing {len(shown):,} of {len(distance):,} nodes: the nearest, then the "
                     "best connected; raise max_nodes to see more.")
    legend = [LegendEntry(name if h == 0 else f"{h} hop{'s' if h > 1 else ''} away",
                          colours[h], "node", f"hop-{h}") for h in range(hops + 1)]
    found = statuses(store, as_of=as_of or today())
    if alerts is None:
        alerts = company_alerts(found, split_node_key(focal)[1])
    view = View(f"{name}: neighbourhood", nodes, edges,
                legend + edge_legend({e.kind for e in edges}), notes, timeline=as_of is None,
                panels={"Open alerts": list(alerts)} if alerts else {})
    return show_partnership_health(view, found)


def _radial(shown: Sequence[str], distance: dict[str, int], adjacency: dict[str, set[str]],
            G: nx.MultiDiGraph) -> dict[Hashable, tuple[float, float]]:
    """The focal node in the centre, each hop on a ring further out; the first ring by kind
    and name, each later node next to the node that brought it in."""
    def name(key: str) -> str:
        return str(G.nodes[key].get("name") or key).casefold()

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
                     _period(str(since) if since else None, str(until) if until else None),
                     *extra]).replace("\n\n", "\n")
    return ViewEdge(a, b, kind, colour, tip, dashes=dashes, arrows=arrows,
                    since=str(since) if since else None, until=str(until) if until else None)


def _tier_order(tiers: Iterable[str], counts: Counter[str]) -> list[str]:
    return sorted(set(tiers), key=lambda t: (-TIER_WEIGHTS.get(t.strip().lower(), 1.0),
                                             -counts[t], t))


def programme_view(store: Store, programme: str, *, as_of: AsOf = None,
                   other_programmes: bool = True) -> View:
    """The members of an ecosystem programme in rings by tier (the highest innermost), and
    the other programmes they belong to on the outside.

    With no ``as_of``, every member ever is shown at its latest tier, with a date slider.

    Raises
    ------
    NodeNotFound
        If there is no such programme (with close ids).
    """
    ids = store.ids(NodeKind.PROGRAMME)
    if programme not in ids:
        raise NodeNotFound(NodeKind.PROGRAMME.value, programme, close_ids(ids, programme))
    centre = node_key(NodeKind.PROGRAMME, programme)
    names = node_names(store, (NodeKind.COMPANY, NodeKind.PROGRAMME))
    latest: dict[str, Relationship] = {}
    elsewhere: dict[str, set[str]] = defaultdict(set)
    for rel in store.relationships(RelKind.MEMBER_OF, as_of=as_of):
        if rel.target == programme:
            if rel.source not in latest or (rel.since or "") >= (latest[rel.source].since or ""):
                latest[rel.source] = rel
        else:
            elsewhere[rel.source].add(rel.target)
    counts = Counter(str(r.properties.get("tier") or "member") for r in latest.values())
    tiers = _tier_order(counts, counts)
    def company_name(id: str) -> str:
        return names.get(node_key(NodeKind.COMPANY, id), id).casefold()

    by_tier = {t: sorted((c for c, r in latest.items()
                          if str(r.properties.get("tier") or "member") == t), key=company_name)
               for t in tiers}
    placed = rings([[node_key(NodeKind.COMPANY, c) for c in by_tier[t]] for t in tiers],
                   start=2 * SPACING)
    colour = {t: palette(i) for i, t in enumerate(tiers)}
    title = names.get(centre, programme)
    nodes = [ViewNode(centre, title, "programme", FOCAL, f"{title}\nprogramme {programme}\n"
                      f"{len(latest):,} members", value=float(max(len(latest), 1)),
                      shape="diamond", x=0.0, y=0.0)]
    edges = []
    for tier in tiers:
        for company in by_tier[tier]:
            key = node_key(NodeKind.COMPANY, company)
            rel = latest[company]
            x, y = placed[key]
            others = sorted(elsewhere.get(company, ()))
            tip = [names.get(key, company), f"company {company}", f"tier: {tier}",
                   _period(rel.since, rel.until)]
            if others:
                tip.append("also in: " + ", ".join(names.get(f"programme:{p}", p)
                                                   for p in others))
            nodes.append(ViewNode(key, names.get(key, company), f"tier-{tier}", colour[tier],
                                  "\n".join(t for t in tip if t),
                                  value=1.0 + len(others), x=x, y=y,
                                  since=rel.since, until=rel.until))
            edges.append(ViewEdge(key, centre, "member", colour[tier], f"{tier} member",
                                  width=0.5, since=rel.since, until=rel.until))
    if other_programmes:
        nodes, edges = _add_other_programmes(nodes, edges, elsewhere, latest, names, placed)
    legend = [LegendEntry(f"{t} ({counts[t]:,})", colour[t], "node", f"tier-{t}")
              for t in tiers]
    if other_programmes:
        legend.append(LegendEntry("other programmes", "#37474f", "node", "other-programme",
                                  shape="diamond"))
        legend += [LegendEntry("member of this programme", GREY, "edge", "member"),
                   LegendEntry("member of another", "#d0d0d0", "edge", "also", dashes=True)]
    when = f" as of {as_of.isoformat()}" if as_of is not None else ""
    notes = [f"{len(latest):,} members of {title}{when} by tier, the highest innermost; size "
             "shows how many other programmes a member is in."]
    return View(f"{title}: members by tier{when}", nodes, edges, legend, notes,
                timeline=as_of is None)


def _add_other_programmes(nodes: list[ViewNode], edges: list[ViewEdge],
                          elsewhere: dict[str, set[str]], members: dict[str, Relationship],
                          names: dict[str, str], placed: dict[object, tuple[float, float]]
                          ) -> tuple[list[ViewNode], list[ViewEdge]]:
    """Other programmes on a circle outside the rings, each at the mean angle of its
    members, so programmes sharing many members sit near them."""
    shared: dict[str, list[str]] = defaultdict(list)
    for company in members:
        for p in elsewhere.get(company, ()):
            shared[p].append(node_key(NodeKind.COMPANY, company))
    if not shared:
        return nodes, edges
    outer = max((math.hypot(*xy) for xy in placed.values()), default=0.0) + 6 * SPACING
    angle = {p: math.atan2(sum(placed[k][1] for k in ks), sum(placed[k][0] for k in ks))
             for p, ks in shared.items()}
    ordered = sorted(shared, key=lambda p: angle[p])
    for i, p in enumerate(ordered):
        key = node_key(NodeKind.PROGRAMME, p)
        theta = 2 * math.pi * i / len(ordered)
        name = names.get(key, p)
        nodes.append(ViewNode(key, name, "other-programme", "#37474f",
                              f"{name}\nprogramme {p}\n{len(shared[p]):,} shared members",
                              value=float(len(shared[p])), shape="diamond",
                              x=outer * math.cos(theta), y=outer * math.sin(theta)))
        edges += [ViewEdge(k, key, "also", "#d0d0d0", f"also a member of {name}", width=0.3,
                           dashes=True) for k in shared[p]]
    return nodes, edges
