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
    held: dict[str, set[str]] = {p.company: set(), p.partner: set()}
    for tie in store.relationships(RelKind.HOLDS_PATENT, as_of=as_of):
        if tie.source in held:
            held[tie.source].add(tie.target)
    both = held[p.company] & held[p.partner]
    out = []
    for patent in store.nodes(NodeKind.PATENT):
        if patent.id not in both:
            continue
        day = patent.properties.get("filed") or patent.properties.get("granted")
        if day is None:
            continue
        when = dt.date.fromisoformat(str(day)[:10])
        if (start is None or when >= start) and when <= as_of:
            out.append((patent.id, when))
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
    influence: dict[str, Any] = {"pagerank_with": None, "pagerank_without": None,
                                 "share_from_partnership": None}
    tied = any(t.source in sides and t.target in sides
               for kind in (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE)
               for t in store.relationships(kind, as_of=as_of))
    if tied:
        kind = next(k for k in (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE)
                    if any(t.source in sides and t.target in sides
                           for t in store.relationships(k, as_of=as_of)))
        tried = what_if(store, p.company, remove=[Change(kind, p.partner)], as_of=as_of)
        with_tie, without = tried.before["pagerank"], tried.after["pagerank"]
        influence = {"pagerank_with": with_tie, "pagerank_without": without,
                     "share_from_partnership": (with_tie - without) / with_tie
                     if with_tie else None}
    third: list[dict[str, Any]] = []
    for kind in _THIRD_PARTY_KINDS:
        for t in store.relationships(kind, as_of=as_of):
            ends = {t.source, t.target}
            if len(ends & sides) == 1 and t.since and start <= dt.date.fromisoformat(
                    t.since) <= as_of:
                third.append({"kind": kind.value, "side": next(iter(ends & sides)),
                              "third_party": next(iter(ends - sides)), "since": t.since})
    members: dict[str, dict[str, str]] = {}
    for t in store.relationships(RelKind.MEMBER_OF, as_of=as_of):
        members.setdefault(t.target, {})[t.source] = t.since or ""
    for programme, joined in sorted(members.items()):
        if sides <= set(joined):
            for member, since in sorted(joined.items()):
                if member not in sides and since and start <= dt.date.fromisoformat(
                        since) <= as_of:
                    third.append({"kind": "member_of", "side": "programme " + programme,
                                  "third_party": member, "since": since})
    return {"start": start.isoformat(), "as_of": as_of.isoformat(),
            "joint_patents": [{"patent": pat, "day": day.isoformat()} for pat, day in patents],
            "influence": influence,
            "third_parties": sorted(third, key=lambda x: (x["since"], x["third_party"])),
            "third_parties_count": len({x["third_party"] for x in third})}
