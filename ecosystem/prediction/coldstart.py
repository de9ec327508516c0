"""Cold start: companies with no tie of a relation before the cut-off, ranked by what is
known about them otherwise.

Such a company has no place in the relation's graph, so the topological scores and the
learned model cannot rank its pairs. It is scored here from its sectors and its other
relationships: for each target ``p`` (a programme, or a company for a one-mode relation),

``score(u, p) = (n_S sec(p | S) + ALPHA pop(p)) / (n_S + ALPHA) x (1 + peers(u, p))``

where ``pop(p)`` is ``p``'s share of the ties formed in the 12 months before the cut-off,
``sec(p | S)`` its share of the ties formed in the 24 months before by companies of ``u``'s
sectors ``S`` (``n_S`` of them: the fewer, the more the score falls back to popularity),
and ``peers(u, p)`` how many of ``u``'s partners, suppliers, customers, owners or investees
(ties before the cut-off) already hold a tie with ``p``. The settings are fixed, not fitted:
nothing is chosen on the window being tested.

Compared with popularity alone (``pop``), the baseline every recommender has for a new
user. The sectors are the companies' current ones (a stable attribute, read from today's
store).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from ecosystem.model import NodeKind, RelKind
from ecosystem.prediction.history import History, add_duration
from ecosystem.prediction.metrics import group_average_precision
from ecosystem.stores.base import Store

__all__ = ["ALPHA", "cold_start", "cold_start_scores"]

#: Ties of popularity that a sector's own ties must outweigh.
ALPHA = 20.0
#: Company-company relationships through which a new company knows a target's ties.
PEER_KINDS = (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE, RelKind.OWNS, RelKind.INVESTS_IN,
              RelKind.SUPPLIES, RelKind.CUSTOMER_OF)


def cold_start_scores(store: Store, history: History, day: dt.date, companies: list[str]
                      ) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The targets known on ``day``, and for each of ``companies`` (rows) the cold-start
    score and the popularity score of each target (columns)."""
    from ecosystem.entities.sectors import company_sectors

    snap = history.snapshot(day)
    targets = snap.targets
    index = {t: j for j, t in enumerate(targets)}
    _, recent = history.recent(add_duration(day, 12, sign=-1), day)
    total = sum(recent.values()) or 1
    pop = np.array([recent.get(t, 0) / total for t in targets])
    sectors = {c: {a.sector for a in found} for c, found in company_sectors(store).items()}
    window = (add_duration(day, 24, sign=-1).isoformat(), day.isoformat())
    by_sector: dict[str, Counter[str]] = defaultdict(Counter)
    mask = (history.since >= window[0]) & (history.since < window[1])
    for s, t in zip(history.source[mask], history.target[mask], strict=True):
        if t in index:
            for sector in sectors.get(s, ()):
                by_sector[sector][t] += 1
    members: dict[str, set[str]] = defaultdict(set)  # who holds a tie with each target
    for s, t in zip(history.source[history.since < window[1]],
                    history.target[history.since < window[1]], strict=True):
        members[t].add(s)
        if history.one_mode:
            members[s].add(t)
    peers = _peers(store, day, set(companies)) if history.source_kind is NodeKind.COMPANY \
        else {}
    cold = np.zeros((len(companies), len(targets)))
    for i, company in enumerate(companies):
        counts: Counter[str] = Counter()
        for sector in sectors.get(company, ()):
            counts.update(by_sector.get(sector, Counter()))
        n = sum(counts.values())
        sec = np.array([counts.get(t, 0) for t in targets]) / (n or 1)
        known = peers.get(company, set())
        near = np.array([len(known & members.get(t, set())) for t in targets], dtype=float)
        cold[i] = (n * sec + ALPHA * pop) / (n + ALPHA) * (1.0 + near)
    return targets, cold, np.tile(pop, (len(companies), 1))


def _peers(store: Store, day: dt.date, companies: set[str]) -> dict[str, set[str]]:
    """Each company's neighbours over the company-company kinds, ties before ``day``."""
    out: dict[str, set[str]] = defaultdict(set)
    text = day.isoformat()
    for kind in PEER_KINDS:
        for rel in store.relationships(kind):
            if rel.since and rel.since >= text:
                continue
            if rel.source in companies:
                out[rel.source].add(rel.target)
            if rel.target in companies:
                out[rel.target].add(rel.source)
    return out


def cold_start(store: Store, history: History, day: dt.date, end: dt.date) -> dict[str, Any]:
    """How well new companies' first ties in ``[day, end)`` are ranked: MAP of the
    cold-start score and of popularity over the companies with no tie before ``day`` that
    formed one with a known target (empty when there are none)."""
    snap = history.snapshot(day)
    known = set(snap.sources) | (set(snap.targets) if history.one_mode else set())
    targets = set(snap.targets)
    firsts: dict[str, set[str]] = defaultdict(set)
    for a, b in history.formed(day, end):
        for new, other in ((a, b), (b, a)) if history.one_mode else ((a, b),):
            if new not in known and other in targets:
                firsts[new].add(other)
    if not firsts:
        return {}
    companies = sorted(firsts)
    names, cold, pop = cold_start_scores(store, history, day, companies)
    rank_break = np.random.default_rng(0).random(len(names)) * 1e-12
    column = {name: j for j, name in enumerate(names)}
    y = np.zeros((len(companies), len(names)), dtype=int)
    for i, company in enumerate(companies):
        y[i, [column[t] for t in firsts[company]]] = 1
    scored = ~y.all(axis=1)
    if not scored.any():
        return {}
    groups = np.repeat(np.arange(int(scored.sum())), len(names))
    _, ours = group_average_precision(groups, (cold[scored] + rank_break).ravel(),
                                      y[scored].ravel())
    _, theirs = group_average_precision(groups, (pop[scored] + rank_break).ravel(),
                                        y[scored].ravel())
    model_map, popularity_map = float(np.mean(ours)), float(np.mean(theirs))
    return {"companies": len(ours), "ties": sum(len(v) for v in firsts.values()),
            "model_map": round(model_map, 4), "popularity_map": round(popularity_map, 4),
            "gain": round(model_map / popularity_map - 1.0, 4) if popularity_map else None}
