"""Partnerships on the map: their edges coloured by health and styled by stage, and the
open alerts of a company beside its focus view (docs/method.md, stages 4-5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ecosystem.lifecycle.status import PartnershipStatus, drawn_band
from ecosystem.model import Stage
from ecosystem.views.view import LegendEntry, View

__all__ = ["BAND_COLOURS", "company_alerts", "drawn_band", "show_partnership_health"]

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
