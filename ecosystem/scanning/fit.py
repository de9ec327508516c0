"""The three fit dimensions of a scan, for every company at once (array arithmetic).

Each function returns a :class:`Fit`: per company, the dimension's score (``nan`` where
nothing is known), the share of its weight that had data (its confidence), and each
component's values. The formulas are in :mod:`ecosystem.scanning.scan`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ecosystem.metrics.overlap import Portfolio, jaccard, jaffe, mahalanobis, makri, shared
from ecosystem.scanning.needs import Coverage, NeedsMap
from ecosystem.scanning.profiles import Profiles

__all__ = ["Fit", "capability_fit", "combine", "culture_fit", "programme_weights",
           "strategy_fit"]


@dataclass(frozen=True)
class Fit:
    """One dimension for every company: score (nan: unknown), confidence, components."""

    score: np.ndarray
    confidence: np.ndarray
    components: dict[str, np.ndarray] = field(default_factory=dict)


def combine(values: Iterable[tuple[np.ndarray, float]], n: int) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """Weighted mean of the components with data (nan ones left out, their weight shared
    by the others); and the share of weight that had data. No data: nan, confidence 0."""
    total = np.zeros(n)
    weight = np.zeros(n)
    possible = 0.0
    for value, w in values:
        known = ~np.isnan(value)
        total[known] += w * value[known]
        weight[known] += w
        possible += w
    score = np.divide(total, weight, out=np.full(n, np.nan), where=weight > 0)
    confidence = weight / possible if possible else np.zeros(n)
    return score, confidence


def programme_weights(members: sp.csr_array) -> np.ndarray:
    """How telling membership of each programme is: ``log(N / n_p) / log(N)`` for a
    programme with ``n_p`` of ``N`` companies as members (inverse document frequency,
    scaled to 0..1): sharing the Linux Foundation's 2,000-member umbrella says little,
    sharing a 30-member alliance a lot."""
    count = np.asarray((members > 0).sum(axis=0), dtype=float).ravel()
    total = max(float(members.shape[0]), 2.0)
    return np.where(count > 0, np.log(total / np.maximum(count, 1)) / np.log(total), 0.0)


def capability_fit(f: int, n: int, cap_folio: Portfolio, pat_folio: Portfolio,
                   cov: Coverage | None, needs: NeedsMap | None, complementarity_w: float,
                   synergy_w: float, overlap_w: float) -> Fit:
    """Complementarity (to unmet needs, graded by depth; without needs Makri's capability
    complementarity), synergy (Mahalanobis patent proximity) minus an overlap penalty."""
    if cov is not None and needs is not None:
        need_w = np.array([need.weight for need in needs.needs])
        gap = 1.0 - cov.graded[f]
        adds = np.clip(cov.graded - cov.graded[f], 0.0, None)  # what each adds, per need
        denominator = float(need_w @ gap)
        complementarity = (adds @ need_w) / denominator if denominator > 0 \
            else np.full(n, np.nan)
    else:
        _, complementarity = makri(cap_folio, f)
    synergy = mahalanobis(pat_folio, f, normalized=True)
    overlap = jaccard(cap_folio, f)
    score, confidence = combine([(complementarity, complementarity_w),
                                 (synergy, synergy_w)], n)
    score = np.where(np.isnan(score), np.nan,
                     np.clip(score - overlap_w * np.nan_to_num(overlap), 0.0, 1.0))
    return Fit(score, confidence, {"complementarity": complementarity, "synergy": synergy,
                                   "overlap": overlap})


def strategy_fit(f: int, n: int, p: Profiles, member_folio: Portfolio,
                 uses: sp.csr_array) -> Fit:
    """Horizon alignment, and direction: the same strategic tags, the same open ecosystems
    (programmes weighted by :func:`programme_weights`, cosine), the same technologies
    adopted (cosine of adopter listings)."""
    h = p.horizon
    horizon = 1.0 - np.abs(h - h[f]) / np.fmax(h, h[f])
    tags = jaccard(p.tags, f)
    weighted = sp.csr_array(member_folio.binary @ sp.diags(
        programme_weights(member_folio.matrix)))
    ecosystems = jaffe(weighted, f) if weighted.nnz else np.full(n, np.nan)
    adopted = jaffe(uses, f) if uses.nnz else np.full(n, np.nan)
    direction, _ = combine([(tags, 1.0), (ecosystems, 1.0), (adopted, 1.0)], n)
    score, confidence = combine([(horizon, 0.5), (direction, 0.5)], n)
    return Fit(score, confidence, {"horizon": horizon, "direction": direction,
                                   "tags": tags, "ecosystems": ecosystems,
                                   "adopted": adopted})


def culture_fit(f: int, n: int, p: Profiles, member_folio: Portfolio,
                direct: np.ndarray) -> Fit:
    """Decision-style and risk-appetite match, and past cooperation ``1 - 0.5 ** ties``
    with direct ties counting 1 and each shared programme its weight
    (:func:`programme_weights`); no tie is unknown, not a bad fit."""
    decision = 1.0 - np.abs(p.decision - p.decision[f])
    risk = 1.0 - np.abs(p.risk - p.risk[f])
    weights = programme_weights(member_folio.matrix)
    focal = np.asarray(member_folio.binary[[f], :].toarray()).ravel() * weights
    shared_weight = np.asarray(member_folio.binary @ focal).ravel()
    ties = direct + shared_weight
    cooperation = np.where(ties > 0, 1.0 - 0.5 ** ties, np.nan)
    score, confidence = combine([(decision, 1.0), (risk, 1.0), (cooperation, 1.0)], n)
    return Fit(score, confidence, {"decision style": decision, "risk appetite": risk,
                                   "past cooperation": cooperation, "ties": ties,
                                   "shared programmes": shared(member_folio, f)})
