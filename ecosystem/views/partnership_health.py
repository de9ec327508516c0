"""Partnerships on the map: their edges coloured by health and styled by stage, and the
open alerts of a company beside its focus view (docs/method.md, stages 4-5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from ecosystem.lifecycle.records import Partnership
from ecosystem.lifecycle.status import PartnershipStatus, drawn_band
from ecosystem.model import Stage
from ecosystem.views.view import LegendEntry, View

__all__ = ["BAND_COLOURS", "company_alerts", "drawn_band", "partnership_lines",
           "show_partnership_health"]

#: Edge colour per health band; "unknown": no health data yet.
BAND_COLOURS = {"healthy": "#2e9d4f", "watch": "#e0a100", "critical": "#d1342f",
                "unknown": "#8a8a8a"}
#: Stages drawn dashed: the relationship is in question.
_DASHED = frozenset({Stage.UNDER_REVIEW, Stage.BUFFER_PERIOD, Stage.EXITING})


def show_partnership_health(view: View, found: Sequence[PartnershipStatus]) -> View:
    """Recolour the ``partners_with`` and ``joint_venture`` edges of recorded partnerships
    by their health band on ``as_of`` (dashed while under review, in a buffer period or
    exiting), with stage, health and open alerts in the tooltip; adds the bands to the
    legend. ``found``: the partnerships' statuses on the view's day
    (:func:`~ecosystem.lifecycle.status.statuses`)."""
    if not found:
        return view
    by_pair = {frozenset((f"company:{s.company}", f"company:{s.partner}")): s for s in found}
    edges = []
    bands: set[str] = set()
    for edge in view.edges:
        s = by_pair.get(frozenset((edge.source, edge.target)))
        if edge.kind not in ("partners_with", "joint_venture") or s is None or s.stage is None:
            edges.append(edge)
            continue
        band = drawn_band(s)
        bands.add(band)
        edges.append(replace(edge, kind=f"partnership-{band}", color=BAND_COLOURS[band],
                             width=3.0, dashes=s.stage in _DASHED,
                             title=edge.title + "\n" + _describe(s)))
    view.edges = edges
    kinds = {e.kind for e in edges}
    dashed = {e.kind for e in edges if e.dashes and e.kind.startswith("partnership-")}
    view.legend = [entry for entry in view.legend
                   if entry.kind != "edge" or entry.key in kinds] + [
        LegendEntry(f"partnership: {band}" + (" (dashed: under review, buffer period or "
                                              "exiting)" if f"partnership-{band}" in dashed
                                              else ""),
                    BAND_COLOURS[band], "edge", f"partnership-{band}",
                    dashes=f"partnership-{band}" in dashed)
        for band in BAND_COLOURS if band in bands]
    return view




def _describe(s: PartnershipStatus) -> str:
    health = (f"health {s.health:.0f} ({s.band})" if s.health is not None
              else "no health data yet")
    levels = sorted({a.level.replace("_", " ") for a in s.open_alerts})
    alerts = f"{len(s.open_alerts)} open alert(s)" + (f": {', '.join(levels)}"
                                                      if levels else "")
    drawn = drawn_band(s)
    because = (f"; drawn {drawn} because of the open alerts"
               if drawn != (s.band or "unknown") else "")
    return f"partnership {s.name}: {s.stage} since {s.stage_since}; {health}; {alerts}{because}"


def company_alerts(found: Sequence[PartnershipStatus], company: str) -> list[str]:
    """One line per open alert of ``company``'s partnerships (among ``found``)."""
    return [f"{a.date} {a.level.replace('_', ' ')}: {s.name} - {a.message}. "
            f"Next: {a.recommendation}"
            for s in found if company in (s.company, s.partner) for a in s.open_alerts]


def partnership_lines(p: Partnership, as_of: dt.date) -> list[str]:
    """What stands out in one partnership on ``as_of``, one line each: the agreement's
    version, open conflicts and proposed clause updates, overspent budget lines, resource
    pool warnings, non-compete terms, and the survey dimension that moved most."""
    from ecosystem.lifecycle.agreement import agreement_versions
    from ecosystem.lifecycle.conflicts import conflicts
    from ecosystem.lifecycle.resources import budget, pool_warnings, rotations
    from ecosystem.lifecycle.surveys import dimension_moves

    name = p.name or p.id
    versions = [v for v in agreement_versions(p) if v <= as_of]
    lines = [f"{name}: agreement version {len(versions)} since {versions[-1]}"] \
        if versions else []
    for c in conflicts(p, as_of=as_of):
        if c.incident.resolved is None or c.incident.resolved > as_of:
            lines.append(f"{name}: open conflict since {c.incident.date}: "
                         f"{c.incident.name or c.incident.id}"
                         + (f" (root cause: {c.root_cause})" if c.root_cause else ""))
        if c.proposal:
            lines.append(f"{name}: update clause {c.proposal['clause']} proposed after "
                         f"{c.incident.name or c.incident.id}")
    names = {m.id: m.name or m.id for m in p.milestones}
    for r in budget(p, as_of=as_of):
        if r.variance is not None and r.variance > 0:
            lines.append(f"{name}: {names.get(r.milestone or '', 'partnership budget')} "
                         f"overspent by {r.variance:,.0f} {r.currency} ({r.side})")
    lines += [f"{name}: {w}" for w in pool_warnings(p)]
    for moved in rotations(p, as_of=as_of):
        if moved["at_competitor"]:
            lines.append(f"{name}: {moved['person']} now works at {moved['now_at']}, a "
                         "competitor")
    for side, move in dimension_moves(p, as_of=as_of).items():
        lines.append(f"{name}: {side} survey, {move['most'].replace('_', ' ')} moved most "
                     f"({move['by']:+.0%} of the scale)")
    return lines
