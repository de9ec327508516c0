"""A partnership's evaluation from the graph (docs/method.md, stage 4.1).

* **Joint patents** are counted, not typed in: the patents both sides hold
  (``holds_patent``), by the day they were filed (else granted), from the partnership's
  start. A KPI of metric ``joint_patents`` gets these counts as its actuals for every review
  period without a figure typed in (:func:`with_graph_kpis`), so the health index uses them.
* **Ecosystem influence**: the company's PageRank on the influence graph with the
  partnership's tie and without it (:func:`ecosystem.metrics.report.what_if`), and the
  third parties that tied to either side since the start (new partnerships, joint ventures,
  supply and customer ties, and members joining a programme both sides belong to): "did the
  partnership draw others in?"
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from ecosystem.dates import add_months
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.health import period_start
from ecosystem.lifecycle.records import KpiActual, Partnership
from ecosystem.model import NodeKind, RelKind, Stage
from ecosystem.stores.base import Store

__all__ = ["evaluation", "joint_patents", "partnership_start", "with_graph_kpis"]

_THIRD_PARTY_KINDS = (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE, RelKind.SUPPLIES,
                      RelKind.CUSTOMER_OF)


def partnership_start(p: Partnership) -> dt.date | None:
    """The day it became active (else its first recorded stage)."""
    active = [s.date for s in p.stages if s.stage == Stage.ACTIVE]
    return active[0] if active else (p.stages[0].date if p.stages else None)


def joint_patents(store: Store, p: Partnership, *, as_of: dt.date) -> list[tuple[str, dt.date]]:
    """``(patent, day)`` of the patents both sides hold, filed (else granted) from the
    partnership's start to ``as_of``, by day."""
    start = partnership_start(p)
    held = [{t.target for t in store.relationships(RelKind.HOLDS_PATENT, as_of=as_of,
                                                   node=(NodeKind.COMPANY, side))}
            for side in (p.company, p.partner)]
    out = []
    for patent in sorted(held[0] & held[1]):
        properties = store.node(NodeKind.PATENT, patent).properties
        day = properties.get("filed") or properties.get("granted")
        if day is None:
            continue
        when = dt.date.fromisoformat(str(day)[:10])
        if (start is None or when >= start) and when <= as_of:
            out.append((patent, when))
    return sorted(out, key=lambda x: (x[1], x[0]))


def with_graph_kpis(store: Store, p: Partnership, *, as_of: dt.date) -> Partnership:
    """``p`` with the joint-patent counts from the graph as the actuals of its
    ``joint_patents`` KPIs, for each review period from the start to ``as_of`` that has no
    figure typed in and complete by ``as_of`` (ids ``<kpi>/graph/<period>``, known on the
    period's last day)."""
    kpis = [k for k in p.kpis if k.metric == "joint_patents"]
    start = partnership_start(p)
    if not kpis or start is None:
        return p
    found = joint_patents(store, p, as_of=as_of)
    months = p.review_months
    added = []
    for kpi in kpis:
        typed = {a.period for a in p.actuals if a.kpi == kpi.id}
        begin = period_start(start, months)
        while begin <= as_of:
            end = add_months(begin, months)
            if begin not in typed and end <= as_of + dt.timedelta(days=1):
                count = sum(1 for _, day in found if begin <= day < end)
                added.append(KpiActual(f"{kpi.id}/graph/{begin.isoformat()}", kpi.id, begin,
                                       float(count), reported=end - dt.timedelta(days=1)))
            begin = end
    if not added:
        return p
    return replace(p, actuals=tuple(sorted((*p.actuals, *added),
                                           key=lambda a: (a.kpi, a.period, a.id))))


def evaluation(store: Store, p: Partnership, *, as_of: dt.date) -> dict[str, Any]:
    """Joint patents and ecosystem influence of ``p`` on ``as_of`` (JSON-ready)."""
    from ecosystem.metrics.report import Change, what_if

    start = partnership_start(p)
    if start is None or start > as_of:
        raise InvalidValue(f"partnership {p.id!r} had not started by {as_of}",
                           field="as_of", value=as_of.isoformat())
    sides = {p.company, p.partner}
    patents = joint_patents(store, p, as_of=as_of)
    # every tie of either side, read once per side
    touching = {side: store.relationships(as_of=as_of, node=(NodeKind.COMPANY, side))
                for side in sorted(sides)}
    influence: dict[str, Any] = {"pagerank_with": None, "pagerank_without": None,
                                 "share_from_partnership": None}
    kind = next((k for k in (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE)
                 if any(t.kind is k and {t.source, t.target} == sides
                        for t in touching[p.company])), None)
    if kind is not None:
        tried = what_if(store, p.company, remove=[Change(kind, p.partner)], as_of=as_of)
        with_tie, without = tried.before["pagerank"], tried.after["pagerank"]
        influence = {"pagerank_with": with_tie, "pagerank_without": without,
                     "share_from_partnership": (with_tie - without) / with_tie
                     if with_tie else None}

    def new_since_start(since: str | None) -> bool:
        return bool(since) and start <= dt.date.fromisoformat(str(since)) <= as_of

    third: list[dict[str, Any]] = []
    for side, ties in touching.items():
        for t in ties:
            ends = {t.source, t.target}
            if t.kind in _THIRD_PARTY_KINDS and len(ends & sides) == 1 and \
                    new_since_start(t.since):
                third.append({"kind": t.kind.value, "side": side,
                              "third_party": next(iter(ends - sides)), "since": t.since})
    programmes = [{t.target for t in ties if t.kind is RelKind.MEMBER_OF}
                  for ties in touching.values()]
    for programme in sorted(programmes[0] & programmes[1]):
        for t in store.relationships(RelKind.MEMBER_OF, as_of=as_of,
                                     node=(NodeKind.PROGRAMME, programme)):
            if t.source not in sides and new_since_start(t.since):
                third.append({"kind": "member_of", "side": "programme " + programme,
                              "third_party": t.source, "since": t.since})
    return {"start": start.isoformat(), "as_of": as_of.isoformat(),
            "joint_patents": [{"patent": pat, "day": day.isoformat()} for pat, day in patents],
            "influence": influence,
            "third_parties": sorted(third, key=lambda x: (x["since"], x["third_party"])),
            "third_parties_count": len({x["third_party"] for x in third})}
