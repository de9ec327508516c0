"""The dated history of one relationship kind, cut at any date without looking ahead.

A :class:`History` holds every relationship of one kind as arrays (source, target, since,
until). :meth:`History.snapshot` gives the graph as it stood on a day, built only from
relationships that had started before it; :meth:`History.formed` the pairs whose first tie
started in a window. Nothing dated on or after a cut-off reaches a snapshot of it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ecosystem.dates import checked_day
from ecosystem.errors import InvalidValue
from ecosystem.model import RELATIONSHIP_SCHEMAS, NodeKind, RelKind
from ecosystem.stores.base import Store

__all__ = ["History", "Snapshot", "add_duration", "parse_horizon"]

_DURATION = re.compile(r"\s*(\d+)\s*(y|yr|year|years|m|mo|month|months|d|day|days)\s*\Z", re.I)


def parse_horizon(text: str) -> tuple[int, int]:
    """A duration as ``(months, days)``: ``1y``, ``18m``, ``90d`` (or ``2 years``).

    Examples
    --------
    >>> parse_horizon("1y"), parse_horizon("18 months"), parse_horizon("90d")
    ((12, 0), (18, 0), (0, 90))
    """
    match = _DURATION.match(text)
    if not match or int(match.group(1)) == 0:
        raise InvalidValue(f"horizon {text!r} is not a duration; write it like 1y, 18m or "
                           "90d.", field="horizon", value=text)
    n, unit = int(match.group(1)), match.group(2).lower()
    months, days = (12 * n, 0) if unit.startswith("y") else (n, 0) if unit.startswith("m") \
        else (0, n)
    if months > 1200 or days > 36_525:
        raise InvalidValue(f"horizon {text!r} is longer than 100 years; give a shorter one "
                           "such as 1y.", field="horizon", value=text)
    return months, days


def add_duration(day: dt.date, months: int, days: int = 0, *, sign: int = 1) -> dt.date:
    """``day`` moved by ``months`` and ``days`` (forwards, or backwards with ``sign=-1``);
    a day past the end of the month is clipped to its last day.

    Examples
    --------
    >>> add_duration(dt.date(2024, 1, 31), 1), add_duration(dt.date(2024, 3, 1), 12, sign=-1)
    (datetime.date(2024, 2, 29), datetime.date(2023, 3, 1))
    """
    date = day
    total = date.year * 12 + date.month - 1 + sign * months
    year, month = divmod(total, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise _off_calendar(day, months, days, sign)
    for clip in range(date.day, 27, -1):
        try:
            moved = dt.date(year, month, clip)
            break
        except ValueError:
            continue
    else:
        moved = dt.date(year, month, min(date.day, 28))
    try:
        return moved + dt.timedelta(days=sign * days)
    except OverflowError:
        raise _off_calendar(day, months, days, sign) from None


def _off_calendar(day: dt.date, months: int, days: int, sign: int) -> InvalidValue:
    way = "after" if sign > 0 else "before"
    return InvalidValue(f"{months} months and {days} days {way} {day} is outside the years "
                        "1 to 9999; choose a date and horizon that stay inside them.",
                        field="date", value=day.isoformat())


@dataclass(frozen=True)
class Snapshot:
    """The relation as it stood on ``day``: who had ties before it, and which were active.

    ``A`` is sources x targets (for a one-mode relation both are the same node list and ``A``
    is symmetric), 1 where a tie was active on ``day``. ``ever`` is 1 where a tie had started
    before ``day``, active or not.
    """

    day: dt.date
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    A: sp.csr_array
    ever: sp.csr_array
    one_mode: bool

    @cached_property
    def source_index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.sources)}

    @cached_property
    def target_index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.targets)}


class History:
    """Every relationship of one kind, with dates, ready to be cut at any day."""

    def __init__(self, store: Store, kind: RelKind | str) -> None:
        try:
            self.kind = RelKind(kind)
        except ValueError:
            raise InvalidValue(f"relation {kind!r} is not a relationship kind; use one of "
                               f"{', '.join(k.value for k in RelKind)}.", field="relation",
                               value=kind) from None
        schema = RELATIONSHIP_SCHEMAS[self.kind]
        self.source_kind: NodeKind = schema.source
        self.target_kind: NodeKind = schema.target
        self.one_mode = schema.source == schema.target
        rels = list(store.relationships(self.kind))
        if not any(r.since for r in rels):
            raise InvalidValue(f"no {self.kind.value} relationship has a start date, so none "
                               "can be predicted or back-tested; import 'since' dates first.",
                               field="relation", value=self.kind.value)
        self.source = np.array([r.source for r in rels], dtype=object)
        self.target = np.array([r.target for r in rels], dtype=object)
        # undated starts count as known from the beginning; undated ends as still active
        self.since = np.array([r.since or "0000-00-00" for r in rels], dtype=object)
        self.until = np.array([r.until or "9999-99-99" for r in rels], dtype=object)

    def dates(self) -> tuple[dt.date, dt.date]:
        """The first and last start dates."""
        dated = sorted(s for s in self.since if s != "0000-00-00")
        return dt.date.fromisoformat(dated[0]), dt.date.fromisoformat(dated[-1])

    def snapshot(self, day: dt.date) -> Snapshot:
        """The relation on ``day``, from relationships that started before it only."""
        text = checked_day(day, field="cutoff").isoformat()  # stored dates are ISO text
        before = self.since < text
        active = before & (self.until > text)
        if self.one_mode:
            nodes = tuple(sorted(set(self.source[before]) | set(self.target[before])))
            sources = targets = nodes
        else:
            sources = tuple(sorted(set(self.source[before])))
            targets = tuple(sorted(set(self.target[before])))
        s_index = {s: i for i, s in enumerate(sources)}
        t_index = {t: i for i, t in enumerate(targets)}

        def matrix(mask: np.ndarray) -> sp.csr_array:
            rows = [s_index[s] for s in self.source[mask]]
            cols = [t_index[t] for t in self.target[mask]]
            M = sp.csr_array((np.ones(len(rows)), (rows, cols)),
                             shape=(len(sources), len(targets)))
            if self.one_mode:
                M = sp.csr_array(M + M.T)
            M.data = np.ones_like(M.data)  # several periods of one pair count once
            if self.one_mode:
                M.setdiag(0)  # no self ties (after the line above, which would undo it)
            M.eliminate_zeros()
            return M

        return Snapshot(day, sources, targets, matrix(active), matrix(before), self.one_mode)

    @cached_property
    def _first(self) -> dict[tuple[str, str], str]:
        """The start of each pair's first tie (pairs unordered for one-mode)."""
        first: dict[tuple[str, str], str] = {}
        for s, t, since in zip(self.source, self.target, self.since, strict=True):
            key = (min(s, t), max(s, t)) if self.one_mode else (s, t)
            if key not in first or since < first[key]:
                first[key] = since
        return first

    def formed(self, start: dt.date, end: dt.date) -> set[tuple[str, str]]:
        """Pairs whose first tie started in ``[start, end)`` (unordered for one-mode)."""
        low, high = start.isoformat(), end.isoformat()
        return {pair for pair, since in self._first.items() if low <= since < high}

    def recent(self, start: dt.date, end: dt.date) -> tuple[dict[str, int], dict[str, int]]:
        """How many ties each source and each target started in ``[start, end)``."""
        mask = (self.since >= start.isoformat()) & (self.since < end.isoformat())
        sources: dict[str, int] = {}
        targets: dict[str, int] = {}
        for s, t in zip(self.source[mask], self.target[mask], strict=True):
            sources[s] = sources.get(s, 0) + 1
            targets[t] = targets.get(t, 0) + 1
            if self.one_mode:
                sources[t] = sources.get(t, 0) + 1
        return sources, targets
