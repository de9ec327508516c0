"""The resource pool and the budget of a partnership (docs/method.md, stages 3.1 and 3.2).

* **Budget**: per milestone (and for the partnership as a whole) and per side, the planned
  spend and people after the reallocations decided by executive meetings, the actual
  spend and people, and the variance; amounts are never added across currencies.
  :func:`budget_score` is the health index's budget component: one minus the mean
  overspend share (``max(actual - planned, 0) / planned``, capped at 1) of the lines with
  both figures.
* **Pool rules**: every shared scope, joint lab and patent-pool entry is checked against
  both sides' protected core-technology lists: an entry that *is* a protected item, or a
  patent classified (on the graph) in a protected technology class, or a technology class
  a protected patent is classified in, gives a warning naming the protected item and whose
  it is.
* **Attribution**: each shared customer's orders split by each side's contribution, per
  customer and currency.
* **Rotations**: people rotated between the sides, the state of their non-compete terms
  (the rules :data:`~ecosystem.lifecycle.rules.RULES` ``non_compete_lapse`` and
  ``rotation_at_competitor`` raise the alerts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ecosystem.lifecycle.records import Partnership, ProtectedItem, plain

__all__ = ["BudgetRow", "PoolWarning", "attribution", "budget", "budget_score",
           "pool_warnings", "rotations"]


@dataclass(frozen=True)
class BudgetRow:
    """One milestone's (or the partnership's, ``milestone`` None) budget for one side in
    one currency."""

    milestone: str | None
    side: str
    currency: str
    planned: float
    moved: float  # reallocated in minus out
    actual: float | None
    people_planned: float | None
    people_actual: float | None

    @property
    def budget(self) -> float:
        """Planned after reallocations."""
        return self.planned + self.moved

    @property
    def variance(self) -> float | None:
        """Actual minus budget (positive: overspent)."""
        return None if self.actual is None else self.actual - self.budget

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "budget": self.budget, "variance": self.variance}


def budget(p: Partnership, *, as_of: dt.date | None = None) -> list[BudgetRow]:
    """The budget by milestone, side and currency, with the reallocations of the executive
    meetings held by ``as_of`` (all of them if None)."""
    held = {m.id: m.date for m in p.meetings}
    rows: dict[tuple[str | None, str, str], dict[str, Any]] = {}

    def row(milestone: str | None, side: str, currency: str) -> dict[str, Any]:
        return rows.setdefault((milestone, side, currency.upper()), {
            "planned": 0.0, "moved": 0.0, "actual": None, "people_planned": None,
            "people_actual": None})

    for line in p.budget:
        if as_of is not None and line.date is not None and line.date > as_of:
            continue
        r = row(line.milestone, line.side, line.currency)
        r["planned"] += line.planned or 0.0
        for key in ("actual", "people_planned", "people_actual"):
            value = getattr(line, key)
            if value is not None:
                r[key] = (r[key] or 0.0) + value
    for move in p.reallocations:
        day = held.get(move.meeting)
        if as_of is not None and (day is None or day > as_of):
            continue
        if move.amount is not None and move.currency:
            row(move.from_milestone, move.side, move.currency)["moved"] -= move.amount
            row(move.to_milestone, move.side, move.currency)["moved"] += move.amount
        if move.people is not None:
            for milestone, sign in ((move.from_milestone, -1), (move.to_milestone, 1)):
                found = next((r for (m, side, _), r in rows.items()
                              if m == milestone and side == move.side), None)
                if found is None:  # people moved where no money is planned: XXX, no currency
                    found = row(milestone, move.side, move.currency or "XXX")
                found["people_planned"] = (found["people_planned"] or 0.0) + sign * move.people
    order = {m.id: (m.due, m.id) for m in p.milestones}
    return [BudgetRow(m, side, currency, **values) for (m, side, currency), values in
            sorted(rows.items(), key=lambda kv: (order.get(kv[0][0] or "", (dt.date.max, "")),
                                                 kv[0][1], kv[0][2]))]


def budget_score(p: Partnership, start: dt.date, end: dt.date, as_of: dt.date
                 ) -> float | None:
    """The budget component of the health index for the period ``[start, end)``: the rows
    of milestones due in it (and the partnership-wide totals when a partnership-wide line is
    dated in it) with both figures; None without such rows."""
    due = {m.id for m in p.milestones if start <= m.due < end}
    shares = []
    for r in budget(p, as_of=min(as_of, end)):
        in_period = r.milestone in due if r.milestone else any(
            line.milestone is None and line.date and start <= line.date < end
            for line in p.budget)
        if in_period and r.actual is not None and r.budget > 0:
            shares.append(min(max(r.actual - r.budget, 0.0) / r.budget, 1.0))
    return 1 - sum(shares) / len(shares) if shares else None


@dataclass(frozen=True)
class PoolWarning:
    """A pool entry that touches a protected item."""

    entry: str
    pool: str
    side: str
    owner: str  # the company whose item it is
    protected: str  # "technology_class:uspc-701" ...
    how: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (f"{self.pool} entry {self.entry!r} ({self.side}) {self.how}: "
                f"{self.protected} is protected by {self.owner}")


def pool_warnings(p: Partnership) -> list[PoolWarning]:
    """The pool entries of ``p`` that touch a protected item of either side (the classes
    of the patents named come from the graph: :attr:`Partnership.patent_classes`)."""
    classes_of = p.patent_classes
    out = []
    for entry in p.pool:
        for item in p.protected:
            how = _touches(entry.technology_class, entry.capability, entry.patent, item,
                           classes_of)
            if how:
                kind, value = item.item
                out.append(PoolWarning(entry.id, entry.pool, entry.side, item.company,
                                       f"{kind}:{value}", how))
    return out


def _touches(technology_class: str | None, capability: str | None, patent: str | None,
             item: ProtectedItem, classes_of: Mapping[str, frozenset[str]]) -> str:
    if item.technology_class:
        if technology_class == item.technology_class:
            return "shares the protected technology class"
        if patent and item.technology_class in classes_of.get(patent, frozenset()):
            return f"shares patent {patent}, classified in the protected class"
    if item.capability and capability == item.capability:
        return "shares the protected capability"
    if item.patent:
        if patent == item.patent:
            return "shares the protected patent"
        if technology_class and technology_class in classes_of.get(item.patent, frozenset()):
            return f"shares technology class {technology_class}, which the protected " \
                   "patent is classified in"
    return ""


def attribution(p: Partnership, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Per shared customer and currency: orders, total value and each side's share of it."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for order in p.customers:
        if as_of is not None and order.date > as_of:
            continue
        r = rows.setdefault((order.customer, order.currency.upper()), {
            "customer": order.customer, "currency": order.currency.upper(), "orders": 0,
            "value": 0.0, "company": 0.0, "partner": 0.0})
        r["orders"] += 1
        r["value"] += order.order_value
        r["company"] += order.order_value * order.company_contribution / 100
        r["partner"] += order.order_value * order.partner_contribution / 100
    return [{**r, **{k: round(r[k], 2) for k in ("value", "company", "partner")}}
            for _, r in sorted(rows.items())]


def rotations(p: Partnership, *, as_of: dt.date) -> list[dict[str, Any]]:
    """Each rotation with where the person is now and the state of the non-compete term
    (running, lapsed, none) on ``as_of``."""
    out = []
    for r in p.rotations:
        if r.start > as_of:
            continue
        home = p.company_of(r.home_side)
        term = ("none" if r.non_compete_until is None
                else "running" if r.non_compete_until >= as_of else "lapsed")
        out.append({**plain(r),
                    "home": home, "non_compete": term,
                    "at_competitor": bool(r.now_at and r.now_at in
                                          p.competitors.get(home, frozenset()))})
    return out
