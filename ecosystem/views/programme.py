"""One programme and its members by tier (:func:`programme_view`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from ecosystem.dates import AsOf
from ecosystem.errors import NodeNotFound
from ecosystem.metrics.influence import (
    TIER_WEIGHTS,
)
from ecosystem.model import (
    NodeKind,
    Relationship,
    RelKind,
    node_key,
)
from ecosystem.stores.base import Store, close_ids
from ecosystem.views.common import (
    node_names,
    period,
)
from ecosystem.views.layout import SPACING, rings
from ecosystem.views.style import FOCAL, GREY, palette
from ecosystem.views.view import LegendEntry, View, ViewEdge, ViewNode

__all__ = ["programme_view"]

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
    sector = _best_sectors(store)

    def order(id: str) -> tuple[bool, str, int, str]:
        # round each ring by sector (unknown last), then the most connected first
        found = sector.get(id)
        return (found is None, found or "", -len(elsewhere.get(id, ())),
                names.get(node_key(NodeKind.COMPANY, id), id).casefold())

    by_tier = {t: sorted((c for c, r in latest.items()
                          if str(r.properties.get("tier") or "member") == t), key=order)
               for t in tiers}
    placed = rings([[node_key(NodeKind.COMPANY, c) for c in by_tier[t]] for t in tiers],
                   start=2 * SPACING)
    # a labelled circle just outside each tier's band
    bands = [(max(math.hypot(*placed[node_key(NodeKind.COMPANY, c)]) for c in by_tier[t])
              + SPACING / 2, f"{t} ({counts[t]:,})") for t in tiers if by_tier[t]]
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
                   period(rel.since, rel.until)]
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
    notes = [f"{len(latest):,} members of {title}{when} by tier, the highest innermost, each "
             "tier's ring labelled; round each ring by sector, then by how many other "
             "programmes a member is in (its size)."]
    return View(f"{title}: members by tier{when}", nodes, edges, legend, notes,
                timeline=as_of is None, rings=bands)


def _best_sectors(store: Store) -> dict[str, str]:
    """Each company's sector name, from the sector with the most confident evidence."""
    from ecosystem.entities.sectors import company_sectors, sector_names

    names = sector_names(store)
    return {company: names.get(best.sector, best.sector)
            for company, found in company_sectors(store).items() if found
            for best in [max(found, key=lambda a: a.confidence)]}


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

