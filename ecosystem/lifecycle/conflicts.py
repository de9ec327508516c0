"""The conflict log of a partnership (docs/method.md, stage 3.3 and 4.2).

For each incident: its five-whys chain in order (each why with its evidence), the causes
grouped on a fishbone (people, process, technology, resources, contract, environment), the
responsibility split in percent and the loss each side carries by it, the remedial project
(the milestones that name the incident: delivered, late or open) and, once the incident is
resolved and names the agreement clause it bears on, a proposed update of that clause
unless a version caused by the incident is already on record
(:mod:`ecosystem.lifecycle.agreement`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.agreement import agreement_on
from ecosystem.lifecycle.records import Incident, Milestone, Partnership, Why, plain
from ecosystem.model import FISHBONE

__all__ = ["Conflict", "ShareOfLoss", "conflict", "conflicts"]


@dataclass(frozen=True)
class ShareOfLoss:
    """One side's responsibility and the part of the loss it carries."""

    side: str
    percent: float
    amount: float | None


@dataclass(frozen=True)
class Conflict:
    """One incident read as a conflict log entry on ``as_of``."""

    incident: Incident
    chain: tuple[Why, ...]
    fishbone: dict[str, tuple[str, ...]]
    shares: tuple[ShareOfLoss, ...]
    remedial: tuple[tuple[Milestone, str], ...]  # (milestone, delivered|late|open)
    proposal: dict[str, Any] | None

    @property
    def root_cause(self) -> str | None:
        """The last why of the chain, else the incident's one-line root cause."""
        return self.chain[-1].why if self.chain else self.incident.root_cause

    def as_dict(self) -> dict[str, Any]:
        return {
            "incident": plain(self.incident),
            "root_cause": self.root_cause,
            "chain": [plain(w) for w in self.chain],
            "fishbone": {k: list(v) for k, v in self.fishbone.items()},
            "shares": [asdict(s) for s in self.shares],
            "currency": self.incident.currency,
            "remedial": [{**plain(m), "state": state} for m, state in self.remedial],
            "proposal": self.proposal,
        }


def conflicts(p: Partnership, *, as_of: dt.date) -> list[Conflict]:
    """Every incident of ``p`` that happened by ``as_of``, oldest first."""
    return [conflict(p, i.id, as_of=as_of) for i in p.incidents if i.date <= as_of]


def conflict(p: Partnership, incident: str, *, as_of: dt.date) -> Conflict:
    """The conflict log entry of one incident (InvalidValue naming the incidents of ``p``
    when it has no such incident)."""
    found = next((i for i in p.incidents if i.id in (incident, f"{p.id}/{incident}")), None)
    if found is None:
        known = ", ".join(i.id for i in p.incidents) or "none yet"
        raise InvalidValue(f"partnership {p.id!r} has no incident {incident!r}; its "
                           f"incidents: {known}.", field="incident", value=incident)
    chain = tuple(w for w in p.whys if w.incident == found.id)
    fishbone = {bone: tuple(w.why for w in chain if w.cause == bone) for bone in FISHBONE}
    shares: tuple[ShareOfLoss, ...] = ()
    if found.company_share is not None and found.partner_share is not None:
        shares = tuple(
            ShareOfLoss(side, percent, None if found.loss is None
                        else round(found.loss * percent / 100, 2))
            for side, percent in (("company", found.company_share),
                                  ("partner", found.partner_share)))
    remedial = tuple((m, "delivered" if m.delivered and m.delivered <= as_of
                      else "late" if m.due < as_of else "open")
                     for m in p.milestones if m.incident == found.id)
    return Conflict(found, chain, {k: v for k, v in fishbone.items() if v}, shares,
                    remedial, _proposal(p, found, chain, as_of))


def _proposal(p: Partnership, incident: Incident, chain: tuple[Why, ...], as_of: dt.date
              ) -> dict[str, Any] | None:
    """A new version of the clause the incident bears on, proposed once it is resolved
    (None when it names no clause, is open, or a version caused by it is on record)."""
    if not incident.clause or incident.resolved is None or incident.resolved > as_of:
        return None
    if any(c.incident == incident.id for c in p.clauses):
        return None
    current = agreement_on(p, as_of).get(incident.clause)
    cause = chain[-1].why if chain else incident.root_cause
    return {
        "clause": incident.clause,
        "current_text": current.text if current else None,
        "effective": incident.resolved.isoformat(),
        "cause": "incident",
        "incident": incident.id,
        "reason": f"incident {incident.name or incident.id}"
                  + (f": root cause {cause}" if cause else ""),
        "command": f"ecosystem partnership agreement update {p.id} {incident.clause} "
                   f"--incident {incident.id} --text '...'",
    }

