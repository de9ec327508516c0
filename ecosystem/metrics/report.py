"""Influence tables, time series and what-if analysis over the influence graph."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecosystem.dates import AsOf
from ecosystem.entities.lookup import resolve_company
from ecosystem.errors import InvalidValue
from ecosystem.metrics import brokerage, communities, influence
from ecosystem.metrics.influence import InfluenceGraph, influence_graph
from ecosystem.metrics.weights import DEFAULT_INFLUENCE_METRICS
from ecosystem.model import NodeKind, RelKind, node_key, parse_rel_kind, split_node_key
from ecosystem.stores.base import Store

__all__ = ["DEFAULT_INFLUENCE_METRICS", "INFLUENCE_METRICS", "Change", "WhatIf",
           "influence_rows", "influence_table", "influence_timeseries", "parse_change",
           "partnership_effects", "remembered_metric", "what_if"]

_Metric = Callable[[InfluenceGraph], np.ndarray]
#: Metrics by name; each takes the influence graph and returns one value per node.
INFLUENCE_METRICS: dict[str, _Metric] = {
    "pagerank": influence.pagerank,
    "strength": influence.degree,
    "degree": lambda g: influence.degree(g, weighted=False),
    "eigenvector": influence.eigenvector,
    "betweenness": influence.betweenness,
    "closeness": influence.harmonic_closeness,
    "reach": influence.reach,
    "constraint": brokerage.constraint,
    "effective_size": brokerage.effective_size,
    "hierarchy": brokerage.hierarchy,
}
_ASCENDING = {"constraint", "hierarchy"}  # low constraint: a broker


def remembered_metric(store: Store, graph: InfluenceGraph, name: str) -> np.ndarray:
    """One influence metric of every node of ``graph``, the store's influence graph,
    remembered (on disk too) until a write touches what the graph is made of."""
    def build() -> np.ndarray:
        # taken again inside, so that the kinds it was built from are this entry's too
        return INFLUENCE_METRICS[name](influence_graph(store, as_of=graph.as_of))

    return store.cached(("influence-metric", graph.as_of, name), build, persist=True)


def _check(names: Iterable[str]) -> list[str]:
    chosen = list(names)
    unknown = [m for m in chosen if m not in INFLUENCE_METRICS]
    if unknown:
        raise InvalidValue(f"Unknown metric {unknown[0]!r}; choose from "
                           f"{', '.join(INFLUENCE_METRICS)}.", field="metric",
                           value=unknown[0])
    return chosen


def influence_table(store: Store, *, as_of: AsOf = None,
                    metrics: Sequence[str] | None = None,
                    kinds: Sequence[NodeKind] = (NodeKind.COMPANY,),
                    progress: bool = False) -> pd.DataFrame:
    """One row per node of ``kinds`` with every metric (columns), ordered by PageRank.

    The graph is the whole ecosystem (companies and programmes); ``kinds`` only picks the
    rows shown. ``progress`` shows a bar of the metrics computed (remembered ones are
    read at once).
    """
    from ecosystem.progress import steps

    chosen = _check(metrics or DEFAULT_INFLUENCE_METRICS)
    with steps(["graph", *chosen], enabled=progress, desc="influence") as bar:
        bar.set_postfix_str("graph")
        graph = influence_graph(store, as_of=as_of)
        columns = {}
        for name in chosen:
            bar.update()
            bar.set_postfix_str(name)
            columns[name] = remembered_metric(store, graph, name)
        bar.update()
    names = {n.key: n.name for kind in kinds for n in store.nodes(kind)}
    table = pd.DataFrame(columns, index=pd.Index(graph.keys, name="node"))
    keep = [k for k in graph.keys if split_node_key(k)[0] in kinds]
    table = table.loc[keep]
    table.insert(0, "name", [names.get(k, k) for k in keep])
    sort = chosen[0]
    return table.sort_values(sort, ascending=sort in _ASCENDING, kind="stable")


def influence_rows(table: pd.DataFrame) -> list[dict[str, object]]:
    """An :func:`influence_table` as JSON-ready rows (``node`` and one key per column; a
    metric undefined for a node is None)."""
    return [{"node": str(key), **{str(k): None if isinstance(v, float) and math.isnan(v)
                                  else v for k, v in row.items()}}
            for key, row in table.to_dict(orient="index").items()]


def influence_timeseries(store: Store, dates: Sequence[dt.date], *, metric: str = "pagerank",
                         nodes: Sequence[str] | None = None) -> pd.DataFrame:
    """``metric`` of ``nodes`` (keys ``kind:id``; default: every company) at each date."""
    (chosen,) = _check([metric])
    columns = {}
    for day in dates:
        graph = influence_graph(store, as_of=day)
        values = remembered_metric(store, graph, chosen)
        columns[day] = pd.Series(values, index=graph.keys)
    frame = pd.DataFrame(columns).T
    if nodes is not None:
        return frame[list(nodes)]
    return frame[[c for c in frame.columns if c.startswith("company:")]]


@dataclass(frozen=True)
class Change:
    """A tie to add or remove: ``kind`` from the focal company to ``target``."""

    kind: RelKind
    target: str
    weight: float = 1.0


def parse_change(text: str) -> Change:
    """Parse ``KIND:TARGET[:WEIGHT]``, e.g. ``partners_with:cortex`` or ``member_of:cncf:3``.

    Examples
    --------
    >>> parse_change("member_of:cncf:3")
    Change(kind=<RelKind.MEMBER_OF: 'member_of'>, target='cncf', weight=3.0)
    """
    kind, sep, rest = text.partition(":")
    if not sep or not rest:
        raise InvalidValue(f"{text!r} is not KIND:TARGET[:WEIGHT], e.g. "
                           "partners_with:cortex or member_of:cncf:3.", field="change",
                           value=text)
    target, _, raw_weight = rest.partition(":")
    rel_kind = parse_rel_kind(kind)
    if rel_kind not in influence.KIND_WEIGHTS:
        raise InvalidValue(f"{rel_kind.value} ties carry no influence; use one of "
                           f"{', '.join(k.value for k in influence.KIND_WEIGHTS)}.",
                           field="change", value=text)
    try:
        weight = float(raw_weight) if raw_weight else influence.KIND_WEIGHTS[rel_kind]
    except ValueError:
        raise InvalidValue(f"{text!r}: the weight {raw_weight!r} is not a number.",
                           field="change", value=text) from None
    return Change(rel_kind, target, weight)


def partnership_effects(store: Store, company: str, candidates: Sequence[str], *,
                        as_of: AsOf = None, weight: float = 1.0) -> dict[str, dict[str, float]]:
    """For each candidate, how a new partnership (``partners_with``, ``weight``) would change
    the focal company's PageRank, constraint, effective size and two-step reach, and how
    many communities (of today's partition) its ties would newly reach.

    Lighter than :func:`what_if` (no betweenness, no new partition), so that a scan can
    carry the effect of every top candidate.
    """
    graph = influence_graph(store, as_of=as_of)
    me = node_key(NodeKind.COMPANY, company)
    i = graph.position[me]
    labels = communities.community_labels(store, graph)
    mine = _neighbours(graph, i)
    two_step = set().union(*(_neighbours(graph, k) for k in mine), mine) - {i}
    reached = {int(labels[k]) for k in mine} | {int(labels[i])}
    before = {"pagerank": influence.pagerank(graph)[i],
              "constraint": brokerage.constraint(graph)[i],
              "effective_size": brokerage.effective_size(graph)[i]}
    effects = {}
    for candidate in candidates:
        key = node_key(NodeKind.COMPANY, candidate)
        j = graph.position[key]
        changed = graph.with_changes(add=[(me, key, weight)])
        theirs = _neighbours(graph, j)
        effects[candidate] = {
            "pagerank": float(influence.pagerank(changed)[i] - before["pagerank"]),
            "constraint": float(np.nan_to_num(brokerage.constraint(changed)[i])
                                - np.nan_to_num(before["constraint"])),
            "effective_size": float(np.nan_to_num(brokerage.effective_size(changed)[i])
                                    - np.nan_to_num(before["effective_size"])),
            "reach": float(len((two_step | theirs | {j}) - {i}) - len(two_step)),
            "communities_reached": float(len(reached | {int(labels[j])}) - len(reached)),
        }
    return effects


@dataclass(frozen=True)
class WhatIf:
    """The focal company's metrics before and after the changes."""

    company: str
    changes: tuple[str, ...]
    before: dict[str, float]
    after: dict[str, float]

    @property
    def delta(self) -> dict[str, float]:
        return {k: self.after[k] - self.before[k] for k in self.before}

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: a metric undefined for the company is None."""
        def plain(values: dict[str, float]) -> dict[str, float | None]:
            return {k: None if math.isnan(v) else v for k, v in values.items()}

        return {"company": self.company, "changes": list(self.changes),
                "before": plain(self.before), "after": plain(self.after),
                "delta": plain(self.delta)}


_WHATIF_METRICS = ("pagerank", "strength", "degree", "constraint", "effective_size")


def _neighbours(graph: InfluenceGraph, k: int) -> set[int]:
    B = graph.binary
    return set(B.indices[B.indptr[k]:B.indptr[k + 1]].tolist())


def _focal_metrics(graph: InfluenceGraph, i: int) -> dict[str, float]:
    """The focal node's metrics; reach and communities from its own neighbourhood only."""
    values = {name: float(INFLUENCE_METRICS[name](graph)[i]) for name in _WHATIF_METRICS}
    mine = _neighbours(graph, i)
    values["reach"] = float(len(set().union(mine, *(_neighbours(graph, k) for k in mine))
                                - {i}))
    labels = communities.communities(graph)
    values["communities_reached"] = float(len({int(labels[k]) for k in mine}
                                              | {int(labels[i])}))
    return {k: (v if np.isfinite(v) else float("nan")) for k, v in values.items()}


def what_if(store: Store, company: str, *, add: Sequence[Change] = (),
            remove: Sequence[Change] = (), as_of: AsOf = None) -> WhatIf:
    """How the focal company's influence would change with ties added or removed.

    Reports PageRank, strength, degree, two-step reach, constraint, effective size and
    the number of communities its ties reach, before and after. (Betweenness is left out:
    it takes seconds on the demo graph, twice for a before/after difference;
    ``ecosystem influence --metric betweenness`` gives it.)
    """
    if not add and not remove:
        raise InvalidValue("Nothing to try: give a tie to add or to remove, e.g. "
                           "--add partners_with:cortex.", field="changes", value=None)
    focal = resolve_company(store, company)
    graph = influence_graph(store, as_of=as_of)
    me = node_key(NodeKind.COMPANY, focal)

    def other(change: Change) -> str:
        kind = NodeKind.PROGRAMME if change.kind is RelKind.MEMBER_OF else NodeKind.COMPANY
        target = change.target
        if kind is NodeKind.COMPANY:
            target = resolve_company(store, target)
        else:
            store.node(kind, target)  # NodeNotFound with suggestions
        return node_key(kind, target)

    add = [Change(RelKind(c.kind), c.target, c.weight) for c in add]
    remove = [Change(RelKind(c.kind), c.target, c.weight) for c in remove]
    added = [(me, other(c), c.weight) for c in add]
    removed = [(me, other(c)) for c in remove]
    for _, key in removed:
        i, j = graph.position[me], graph.position[key]
        if graph.A[i, j] == 0:
            raise InvalidValue(f"{focal} has no tie to {key} to remove.", field="remove",
                               value=key)
    changed = graph.with_changes(add=added, remove=removed)
    described = tuple([f"+ {c.kind.value} {c.target}" for c in add]
                      + [f"- {c.kind.value} {c.target}" for c in remove])
    return WhatIf(focal, described, _focal_metrics(graph, graph.position[me]),
                  _focal_metrics(changed, changed.position[me]))
