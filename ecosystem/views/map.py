"""The whole ecosystem as one map: companies and programmes sized by influence, coloured
by community or industry (:func:`ecosystem_map`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Literal

import numpy as np

from ecosystem.dates import AsOf, today
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.status import statuses
from ecosystem.metrics.communities import community_labels, community_names
from ecosystem.metrics.influence import (
    InfluenceGraph,
    influence_graph,
)
from ecosystem.metrics.report import remembered_metric
from ecosystem.model import (
    RELATIONSHIP_SCHEMAS,
    NodeKind,
    Relationship,
    RelKind,
    node_key,
    split_node_key,
)
from ecosystem.stores.base import Store
from ecosystem.views.common import (
    COLOURED,
    MAP_KINDS,
    community_ties,
    node_names,
    relationship_edge,
)
from ecosystem.views.kinds import MAX_NODES
from ecosystem.views.layout import SEED, force_layout, remembered_layout
from ecosystem.views.page import PHYSICS_LIMIT
from ecosystem.views.partnership_health import show_partnership_health
from ecosystem.views.style import GREY, SHAPES, edge_legend, palette
from ecosystem.views.view import LegendEntry, View, ViewEdge, ViewNode

__all__ = ["KEEP_PER_NODE", "MAX_NODES", "ecosystem_map", "thin_edges"]

#: A map of over a thousand nodes with more ties than this per node draws fewer.
THIN_RATIO = 2.5
#: ... each node's this many strongest ties.
KEEP_PER_NODE = 3


def thin_edges(edges: list[ViewEdge], n_nodes: int) -> tuple[list[ViewEdge], int]:
    """The edges to draw on a dense map of over a thousand nodes: those among the
    :data:`KEEP_PER_NODE` strongest (widest) of either end; and how many there were before
    thinning (0: nothing was left out). The order of the edges is kept."""
    if n_nodes <= 1000 or len(edges) <= THIN_RATIO * n_nodes:
        return edges, 0
    ends: dict[str, list[int]] = {}
    for i, e in enumerate(edges):
        ends.setdefault(e.source, []).append(i)
        ends.setdefault(e.target, []).append(i)
    keep: set[int] = set()
    for mine in ends.values():
        keep.update(sorted(mine, key=lambda i: (-edges[i].width, i))[:KEEP_PER_NODE])
    return [e for i, e in enumerate(edges) if i in keep], len(edges)


#: Legend groups that are not one community or sector, so are never named on the map.
_UNNAMED = frozenset({"community-other", "other", "unknown", "programme"})

def _communities_legend(labels: np.ndarray, named: dict[int, str], keep: np.ndarray
                        ) -> tuple[dict[int, str], list[LegendEntry]]:
    """Colour of each community and legend entries with its one name
    (:func:`~ecosystem.metrics.communities.community_names`) and the members shown."""
    sizes = Counter(int(labels[i]) for i in keep)
    colour: dict[int, str] = {}
    legend = []
    for rank, (label, size) in enumerate(sizes.most_common()):
        if rank >= COLOURED:
            break
        colour[label] = palette(rank)
        legend.append(LegendEntry(f"{named[label]} ({size:,})", colour[label], "node",
                                  f"community-{label}"))
    if len(sizes) > COLOURED:
        legend.append(LegendEntry(f"{len(sizes) - COLOURED:,} smaller communities", GREY,
                                  "node", "community-other"))
    return colour, legend


def _sector_groups(store: Store, keys: Sequence[str]) -> tuple[dict[str, str],
                                                               list[LegendEntry]]:
    """Each company's sector (its SIC major group, from the sector with the most confident
    evidence, :mod:`ecosystem.entities.sectors`), the most common ones coloured."""
    from ecosystem.entities.sectors import company_sectors, sector_names

    names = sector_names(store)
    best: dict[str, str] = {}
    for company, found in company_sectors(store).items():
        if found:
            best[node_key(NodeKind.COMPANY, company)] = _major_group(
                max(found, key=lambda a: a.confidence).sector)
    counts = Counter(best[k] for k in keys if k in best)
    coloured = [i for i, _ in counts.most_common(COLOURED)]
    group = {}
    for key in keys:
        if key.startswith("programme:"):
            group[key] = "programme"
        elif key in best:
            group[key] = best[key] if best[key] in coloured else "other"
        else:
            group[key] = "unknown"
    tally = Counter(group.values())
    legend = [LegendEntry(f"{names.get(i, i)} ({counts[i]:,})", palette(r), "node", i)
              for r, i in enumerate(coloured)]
    legend += [LegendEntry(f"other sectors ({tally['other']:,})", "#616161", "node", "other"),
               LegendEntry(f"sector unknown ({tally['unknown']:,})", GREY, "node", "unknown"),
               LegendEntry("programme", "#37474f", "node", "programme", shape="diamond")]
    return group, legend


def _major_group(sector: str) -> str:
    """A SIC sector at its major group (two digits: sic-3674 -> sic-36); others as given."""
    if sector.startswith("sic-") and sector[4:6].isdigit():
        return sector[:6]
    return sector


def ecosystem_map(store: Store, *, as_of: AsOf = None,
                  color_by: Literal["community", "industry"] = "community",
                  top: int | None = None, kinds: Sequence[RelKind | str] = MAP_KINDS,
                  max_nodes: int = MAX_NODES, seed: int = SEED,
                  title: str | None = None, all_edges: bool = False) -> View:
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
        ``community`` (Louvain, fixed seed) or ``industry``: each company's sector (the SIC
        major group of its best-evidenced sector, :mod:`ecosystem.entities.sectors`).
    top
        Draw only the ``top`` most influential nodes.
    kinds
        Relationship kinds to draw.
    max_nodes
        Above this many nodes the map shows each community as one node.
    seed
        Seed of the community detection and the layout.
    all_edges
        Draw every tie. By default a dense map of over a thousand nodes (more than
        :data:`THIN_RATIO` ties a node) draws each node's :data:`KEEP_PER_NODE` strongest
        ties only, and says so; the layout uses them all.

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
    rank = remembered_metric(store, graph, "pagerank") if graph.n else np.zeros(0)
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    labels = community_labels(store, graph, seed=seed) if graph.n else \
        np.zeros(0, dtype=np.int64)
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
    named = community_names(store, graph, labels)
    if len(keep) > max_nodes:
        return _aggregated(graph, labels, keep, names, named, heading, notes, max_nodes, seed)
    keys = [graph.keys[i] for i in keep]
    kept = set(keys)
    edges = [relationship_edge(rel, names) for kind in chosen
             for rel in store.relationships(kind, as_of=as_of)
             if (e := _ends(rel))[0] in kept and e[1] in kept]
    if color_by == "community":
        colour, legend = _communities_legend(labels, named, keep)
        group = {graph.keys[i]: f"community-{labels[i]}" if labels[i] in colour
                 else "community-other" for i in keep}
        colour_of = {graph.keys[i]: colour.get(int(labels[i]), GREY) for i in keep}
    else:
        group, legend = _sector_groups(store, keys)
        by_group = {entry.key: entry.color for entry in legend}
        colour_of = {k: by_group[group[k]] for k in keys}
    position = remembered_layout(store, keys, [(e.source, e.target) for e in edges],
                                 groups={graph.keys[i]: int(labels[i]) for i in keep}, seed=seed)
    if not all_edges:
        edges, thinned = thin_edges(edges, len(keys))
        if thinned:
            notes.append(f"Showing {len(edges):,} of {thinned:,} ties: each node's "
                         f"{KEEP_PER_NODE} strongest (the layout uses them all; "
                         "--all-edges draws every one).")
    order = {k: r for r, k in enumerate(keys, start=1)}
    top_rank = float(rank[keep].max()) if len(keep) else 1.0
    nodes = []
    for i in keep:
        key = graph.keys[i]
        kind, id = split_node_key(key)
        x, y = position[key]
        tip = [names.get(key, id), f"{kind.value} {id}",
               f"PageRank {rank[i]:.4f} (#{order[key]:,})", f"tie strength {strength[i]:.1f}",
               named[int(labels[i])]]
        nodes.append(ViewNode(key, names.get(key, id), group[key], colour_of[key],
                              "\n".join(tip), value=_size(rank[i], top_rank),
                              shape=SHAPES[kind], x=x, y=y))
    # a big map names its communities (or sectors) when zoomed out, its nodes when zoomed in
    summaries = {e.key: e.label.rsplit(" (", 1)[0] for e in legend
                 if e.kind == "node" and e.key not in _UNNAMED} if len(nodes) > 1000 else {}
    view = View(heading, nodes, edges, legend + edge_legend({e.kind for e in edges}), notes,
                physics=len(nodes) <= PHYSICS_LIMIT, timeline=as_of is None,
                group_names=summaries)
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
                names: dict[str, str], named: dict[int, str], heading: str,
                notes: list[str], max_nodes: int, seed: int) -> View:
    """One node per community, sized by its members; edges carry the tie weight between."""
    parts = sorted({int(labels[i]) for i in keep})
    strength = np.asarray(graph.A.sum(axis=1)).ravel()
    nodes = []
    for j, label in enumerate(parts):
        members = keep[labels[keep] == label]
        ranked = members[np.argsort(-strength[members], kind="stable")][:5]
        top = [names.get(graph.keys[i], graph.keys[i]) for i in ranked]
        nodes.append(ViewNode(f"community:{label}", named[label],
                              f"community-{label}", palette(j), "\n".join(
                                  [f"{named[label]}: {len(members):,} members",
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

