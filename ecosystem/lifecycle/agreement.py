"""The agreement as a dynamic contract (docs/method.md, stages 2.2 and 3.3).

An agreement is a set of clauses, each with versions (``clauses`` records): a version takes
effect on its ``effective`` day and says why it came (signature, an incident, a health
review, a transformation, a renegotiation). The agreement *on* a day holds the latest
version of each clause effective by then, unless that version retires the clause. Each day
on which some version takes effect starts a new agreement version (1, 2, ...); the diff of
two days lists the clauses added, changed (with a line diff of the text) and retired, each
with the reason of the change.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from ecosystem.dates import parse_day
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.records import Clause, Partnership

__all__ = ["ClauseChange", "agreement_diff", "agreement_on", "agreement_versions",
           "parse_version"]


def agreement_on(p: Partnership, day: dt.date) -> dict[str, Clause]:
    """The clauses in force on ``day``, by clause key (the latest version effective by
    then; retired clauses left out)."""
    current: dict[str, Clause] = {}
    for version in p.clauses:  # by clause, then effective day
        if version.effective <= day:
            current[version.clause] = version
    return {k: v for k, v in sorted(current.items()) if not v.retired}


def agreement_versions(p: Partnership) -> list[dt.date]:
    """The days on which a new agreement version began, oldest first (version n is the
    n-th day)."""
    return sorted({c.effective for c in p.clauses})


@dataclass(frozen=True)
class ClauseChange:
    """What happened to one clause between two days."""

    clause: str
    change: str  # added | changed | retired
    before: str | None
    after: str | None
    effective: dt.date
    reason: str | None
    cause: str | None
    incident: str | None

    def diff_lines(self) -> list[str]:
        """The text's line diff (unified, without headers)."""
        lines = difflib.unified_diff((self.before or "").splitlines(),
                                     (self.after or "").splitlines(), lineterm="", n=0)
        return [line for line in lines if not line.startswith(("---", "+++", "@@"))]

    def as_dict(self) -> dict[str, Any]:
        return {"clause": self.clause, "change": self.change, "before": self.before,
                "after": self.after, "effective": self.effective.isoformat(),
                "reason": self.reason, "cause": self.cause, "incident": self.incident,
                "diff": self.diff_lines()}


def agreement_diff(p: Partnership, start: dt.date | int, end: dt.date | int
                   ) -> list[ClauseChange]:
    """The changes from the agreement on ``start`` to the one on ``end`` (days, or
    version numbers from :func:`agreement_versions`), by clause key."""
    start, end = _day(p, start, "from"), _day(p, end, "to")
    if end < start:
        raise InvalidValue(f"the diff runs backwards ({start} to {end})", field="to",
                           value=end.isoformat())
    before, after = agreement_on(p, start), agreement_on(p, end)
    latest: dict[str, Clause] = {}  # per clause changed in the span, its last version
    for version in p.clauses:  # by clause, then effective day
        if start < version.effective <= end:
            latest[version.clause] = version
    changes = []
    for key, last in sorted(latest.items()):
        old, new = before.get(key), after.get(key)
        if old is None and new is None:
            continue  # added and retired within the span
        if old is not None and new is not None and (old.text or "") == (new.text or ""):
            continue
        change = "added" if old is None else "retired" if new is None else "changed"
        changes.append(ClauseChange(key, change, old.text if old else None,
                                    new.text if new else None, last.effective, last.reason,
                                    last.cause, last.incident))
    return changes


def parse_version(text: str, name: str) -> dt.date | int:
    """A version number (``2``) or a day (``2025-01-20``, ``2025-01``), as typed."""
    return int(text) if text.isdigit() else parse_day(text, field=name)


def _day(p: Partnership, value: dt.date | int, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    versions = agreement_versions(p)
    if not 1 <= value <= len(versions):
        raise InvalidValue(f"partnership {p.id!r} has agreement versions 1 to "
                           f"{len(versions)}, not {value}", field=name, value=str(value))
    return versions[value - 1]
