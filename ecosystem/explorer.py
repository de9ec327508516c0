"""What the explorer (``ecosystem serve`` at ``/``) asks of the store, as JSON-ready data:
search suggestions, a company's page, a node's neighbours a page at a time, and the
current graph as a view to export.

Every function here reads; none writes. Names are returned as plain text for the page to
show with ``textContent``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecosystem.dates import AsOf, today
from ecosystem.editing import company_summary
from ecosystem.entities.lookup import resolve_company
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.status import statuses
from ecosystem.model import ORG_TYPES, NodeKind, RelKind, split_node_key
from ecosystem.stores.base import Store
from ecosystem.views.common import node_names
from ecosystem.views.focus import focus_view
from ecosystem.views.kinds import FOCUS_KINDS
from ecosystem.views.partnership_health import BAND_COLOURS, drawn_band
from ecosystem.views.style import EDGE_STYLES, SHAPES
from ecosystem.views.view import View

__all__ = ["EXPLORED_KINDS", "company_page", "explored_view", "explorer_meta", "neighbours",
           "programme_page", "suggest"]

#: Node kinds the explorer searches and draws.
EXPLORED_KINDS = (NodeKind.COMPANY, NodeKind.PROGRAMME)
#: Colours of node kinds and organisation types in the explorer's graph.
KIND_COLOURS = {"company": "#1f77b4", "non_profit": "#2ca02c", "academic": "#9467bd",
                "government": "#8c564b", "project": "#17becf", "programme": "#ff7f0e"}


def explorer_meta(store: Store) -> dict[str, Any]:
    """What the explorer's controls offer: the relationship kinds it can follow (with their
    line style), the organisation types and sectors to filter by, and the span of dates."""
    from ecosystem.entities.sectors import company_sectors, sector_names

    def build() -> dict[str, Any]:
        names = sector_names(store)
        sectors = sorted({names.get(a.sector, a.sector) for found in
                          company_sectors(store).values() for a in found})
        days = sorted({str(d) for _, _, data in store.graph().edges(data=True)
                       if data["kind"] in FOCUS_KINDS
                       for d in (data.get("since"), data.get("until")) if d})
        kinds = []
        for kind in FOCUS_KINDS:
            colour, dashes, _ = EDGE_STYLES[RelKind(kind)]
            kinds.append({"kind": kind, "label": kind.replace("_", " "), "colour": colour,
                          "dashes": dashes})
        return {"kinds": kinds, "org_types": list(ORG_TYPES), "sectors": sectors,
                "first": days[0][:10] if days else None,
                "last": days[-1][:10] if days else None}

    return store.cached("explorer-meta", build)


def suggest(store: Store, text: str, *, limit: int = 8) -> list[dict[str, Any]]:
    """Companies and programmes whose id or name contains ``text``: names that start with
    it first, then the best known (most relationships), then by name."""
    wanted = text.strip().casefold()
    if not wanted:
        return []
    degree = _degrees(store, None)
    found = []
    for kind in EXPLORED_KINDS:
        for node in store.nodes(kind, search=wanted):
            found.append((not node.name.casefold().startswith(wanted),
                          -degree.get(node.key, 0), node.name.casefold(), node))
    found.sort(key=lambda row: row[:3])
    return [_node_json(store, row[3].key, row[3].name, degree.get(row[3].key, 0))
            for row in found[:limit]]


def company_page(store: Store, company: str, *, as_of: AsOf = None) -> dict[str, Any]:
    """One company as its page shows it: type and sectors with their evidence, its
    memberships and ties (with the other side's name), patents per class, and its
    partnerships with their stage, health and open alerts on ``as_of`` (default today)."""
    summary = company_summary(store, company, as_of=as_of)
    names = _names(store)
    for group in ("memberships", "ties"):
        for row in summary[group]:
            kind = _other_kind(row["kind"], row["direction"])
            row["other_key"] = f"{kind}:{row['other']}"
            row["other_name"] = names.get(row["other_key"], row["other"])
    found = statuses(store, as_of=as_of or today(), company=summary["id"])
    summary["partnerships"] = [
        {**s.as_dict(), "drawn_band": drawn_band(s),
         "colour": BAND_COLOURS[drawn_band(s)],
         "other": s.partner if s.company == summary["id"] else s.company}
        for s in found]
    summary["key"] = f"company:{summary['id']}"
    return summary


def programme_page(store: Store, programme: str, *, as_of: AsOf = None) -> dict[str, Any]:
    """One programme as its page shows it: its members on ``as_of`` (every member ever
    without a day) by tier, highest first, the members who joined in the year before, and
    its best connected members."""
    from ecosystem.metrics.influence import TIER_WEIGHTS

    node = store.node(NodeKind.PROGRAMME, programme)
    names = _names(store)
    rels = store.relationships(RelKind.MEMBER_OF, node=(NodeKind.PROGRAMME, node.id),
                               as_of=as_of)
    tiers: dict[str, int] = {}
    for rel in rels:
        tier = str(rel.properties.get("tier") or "member")
        tiers[tier] = tiers.get(tier, 0) + 1
    day = (as_of or today()).isoformat()
    year_before = f"{int(day[:4]) - 1}{day[4:]}"
    joined = sorted((r for r in rels if r.since and year_before <= r.since <= day),
                    key=lambda r: (r.since or "", r.source), reverse=True)
    degree = _degrees(store, as_of, None)

    def member(rel: Any) -> dict[str, Any]:
        key = f"company:{rel.source}"
        return {"key": key, "name": names.get(key, rel.source), "tier": rel.properties.get(
            "tier"), "since": rel.since, "degree": degree.get(key, 0)}

    best = sorted(rels, key=lambda r: (-degree.get(f"company:{r.source}", 0), r.source))
    return {"key": node.key, "id": node.id, "name": node.name, "members": len(rels),
            "tiers": [{"tier": t, "members": n} for t, n in sorted(
                tiers.items(), key=lambda kv: (-TIER_WEIGHTS.get(kv[0].strip().lower(), 1.0),
                                               -kv[1], kv[0]))],
            "joined_last_year": [member(r) for r in joined[:15]],
            "joined_last_year_count": len(joined),
            "best_connected": [member(r) for r in best[:10]]}


def neighbours(store: Store, node: str, *, as_of: AsOf = None,
               kinds: Sequence[str] = FOCUS_KINDS, limit: int = 20,
               offset: int = 0) -> dict[str, Any]:
    """A page of ``node``'s neighbours (``"kind:id"``) over relationships of ``kinds``
    active on ``as_of``, best connected first, with the edges to them; ``total`` says how
    many there are, so the page can offer the rest."""
    kind, id = _explored(store, node)
    key = f"{kind.value}:{id}"
    G = store.graph(as_of=as_of)
    wanted = set(kinds)
    degree = _degrees(store, as_of, wanted)
    around: dict[str, list[dict[str, Any]]] = {}
    if key in G:
        for a, b, data in [*G.out_edges(key, data=True), *G.in_edges(key, data=True)]:
            other = b if a == key else a
            if data["kind"] not in wanted or split_node_key(other)[0] not in EXPLORED_KINDS:
                continue
            around.setdefault(other, []).append(
                {"from": a, "to": b, "kind": data["kind"], "since": data.get("since"),
                 "until": data.get("until"), "tier": data.get("tier")})
    ranked = sorted(around, key=lambda k: (-degree.get(k, 0), _name(G, k).casefold(), k))
    page = ranked[offset:offset + limit]
    return {
        "node": _node_json(store, key, _name(G, key), degree.get(key, 0)),
        "neighbours": [_node_json(store, k, _name(G, k), degree.get(k, 0)) for k in page],
        "edges": [e for k in page for e in around[k]],
        "total": len(ranked), "offset": offset, "limit": limit,
    }


def explored_view(store: Store, focal: str, nodes: Sequence[str], *, as_of: AsOf = None,
                  kinds: Sequence[str] = FOCUS_KINDS) -> View:
    """The explorer's current graph (``nodes``, around the company ``focal``) as the same
    view the CLI writes: ``.save("x.html" | "x.png" | "x.svg")``."""
    kind, id = _explored(store, focal)
    if kind is not NodeKind.COMPANY:
        raise InvalidValue(f"{focal!r} is not a company; the view starts from a company.",
                           field="focal", value=focal)
    for key in nodes:
        _explored(store, key)
    return focus_view(store, id, kinds=kinds, as_of=as_of, only=set(nodes), max_nodes=1000)


def _explored(store: Store, key: str) -> tuple[NodeKind, str]:
    """The kind and id of a node key, checked: a company or programme that exists."""
    try:
        kind, id = split_node_key(key)
    except ValueError:
        raise InvalidValue(f"{key!r} is not a node key; write kind:id, e.g. company:ibm.",
                           field="node", value=key) from None
    if kind not in EXPLORED_KINDS:
        raise InvalidValue(f"{key!r} is a {kind.value}; the explorer shows companies and "
                           "programmes.", field="node", value=key)
    if kind is NodeKind.COMPANY:
        return kind, resolve_company(store, id)
    return kind, store.node(kind, id).id


def _names(store: Store) -> dict[str, str]:
    return store.cached("explorer-names", lambda: node_names(store, NodeKind))


def _name(G: Any, key: str) -> str:
    return str(G.nodes[key].get("name") or split_node_key(key)[1]) if key in G else key


def _degrees(store: Store, as_of: AsOf, kinds: set[str] | None = None) -> dict[str, int]:
    """Relationships of each company and programme (of ``kinds``, as of a date)."""
    wanted = frozenset(kinds or FOCUS_KINDS)

    def build() -> dict[str, int]:
        counts: dict[str, int] = {}
        for a, b, kind in store.graph(as_of=as_of).edges(data="kind"):
            if kind in wanted:
                counts[a] = counts.get(a, 0) + 1
                counts[b] = counts.get(b, 0) + 1
        return counts

    return store.cached(("explorer-degrees", as_of, tuple(sorted(wanted))), build)


def _node_json(store: Store, key: str, name: str, degree: int) -> dict[str, Any]:
    kind, id = split_node_key(key)
    org_type, sectors = None, []
    if kind is NodeKind.COMPANY:
        from ecosystem.entities.organisation_types import organisation_types
        from ecosystem.entities.sectors import company_sectors, sector_names

        found = organisation_types(store).get(id)
        org_type = found.type if found else None
        names = store.cached("explorer-sector-names", lambda: sector_names(store))
        sectors = list(dict.fromkeys(names.get(a.sector, a.sector)
                                     for a in company_sectors(store).get(id, [])))
    group = org_type or kind.value
    return {"key": key, "kind": kind.value, "id": id, "name": name, "degree": degree,
            "org_type": org_type, "sectors": sectors, "group": group,
            "colour": KIND_COLOURS.get(group, "#7f7f7f"), "shape": SHAPES[kind]}


def _other_kind(rel_kind: str, direction: str) -> str:
    from ecosystem.model import RELATIONSHIP_SCHEMAS

    schema = RELATIONSHIP_SCHEMAS[RelKind(rel_kind)]
    return (schema.target if direction in ("out", "both") else schema.source).value
