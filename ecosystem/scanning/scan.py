"""Partner scanning on two axes with explainable strategy-capability-culture fit
(METHOD.md 1.2 and 1.3).

For a focal company every other company is scored at once, with array arithmetic on the
store's sparse matrices; explanations are built only for the top candidates.

Axes
----
*in-industry*: shares an industry (or a parent industry) with the focal company, is a
value-chain neighbour (supplies it, buys from it, or partners with one that does), or is a
co-member of one of its ecosystem programmes. *cross-industry*: none of those, not in the
focal company's industries, yet covers some of its unmet needs (or holds capabilities next
to its own) while overlapping little with what it already has.

Fit (each in [0, 1], ``nan`` when nothing is known)
---------------------------------------------------
strategy
    mean of *horizon alignment* ``1 - |h_f - h_c| / max(h_f, h_c)`` and *direction*, the
    Jaccard similarity of the two companies' strategic tags.
capability
    ``w_c * complementarity + w_s * synergy - w_o * overlap`` clipped to [0, 1], where
    complementarity is the weighted share of the focal company's unmet need requirements
    that the candidate meets (without needs: Makri complementarity of capabilities),
    synergy is the normalised Mahalanobis technological proximity of patent portfolios
    (Bloom et al. 2013; enough shared ground to absorb each other's knowledge), and overlap
    the Jaccard similarity of capabilities (redundancy, possible rivalry), reported as a penalty.
culture
    mean of decision-style match ``1 - |d_f - d_c|`` (centralised 0, mixed 0.5,
    democratic 1), risk-appetite match ``1 - |r_f - r_c|`` (prudent 0, moderate 0.5,
    aggressive 1) and past cooperation ``1 - 0.5 ** ties`` (direct relationships and
    shared programmes).

A component with no data is left out of its dimension's mean (its weight is shared by the
others) and lowers the dimension's *confidence* ``c`` (the share of weight that had data).
A dimension with no data at all scores the neutral 0.5 at confidence 0: missing data never
counts as 0. ``score`` is the weighted mean over the dimensions of ``0.5 + c * (s - 0.5)``:
each dimension's score ``s`` is pulled toward neutral as far as its data are missing, so a
candidate known only by one strong number does not outrank well-documented ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np
import scipy.sparse as sp

from ecosystem.errors import InvalidInput, InvalidValue
from ecosystem.metrics.overlap import Portfolio, jaccard, mahalanobis, makri, shared
from ecosystem.model import NodeKind, RelKind
from ecosystem.scanning.hierarchy import parent_matrix
from ecosystem.scanning.needs import (
    Coverage,
    NeedsMap,
    check_against_store,
    coverage,
    load_needs,
)
from ecosystem.scanning.profiles import Profiles, profiles, resolve_company
from ecosystem.stores.base import AsOf, Store, Window

__all__ = [
    "Axis",
    "Candidate",
    "Dimension",
    "FitWeights",
    "ScanResult",
    "parse_weights",
    "scan_partners",
]

FEW_PATENTS = 10
FEW_CAPABILITIES = 3
CROSS_INDUSTRY_MAX_OVERLAP = 0.25
_VALUE_CHAIN = (RelKind.SUPPLIES, RelKind.CUSTOMER_OF)
_TIES = (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE, RelKind.SUPPLIES,
         RelKind.CUSTOMER_OF, RelKind.INVESTS_IN, RelKind.OWNS)


class Axis(StrEnum):
    """Where a candidate was found."""

    IN_INDUSTRY = "in-industry"
    CROSS_INDUSTRY = "cross-industry"
    BOTH = "both"


@dataclass(frozen=True)
class FitWeights:
    """Weights of the fit dimensions and of the capability components (see module doc)."""

    strategy: float = 0.25
    capability: float = 0.5
    culture: float = 0.25
    complementarity: float = 0.6
    synergy: float = 0.4
    overlap: float = 0.2


def parse_weights(text: str | None) -> FitWeights:
    """Parse ``"strategy=0.2,capability=0.6,culture=0.2"`` (any subset) into FitWeights.

    Examples
    --------
    >>> parse_weights("capability=0.7, culture=0.1").capability
    0.7
    """
    weights = FitWeights()
    if not text:
        return weights
    names = set(asdict(weights))
    values: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, raw = part.partition("=")
        name = name.strip()
        if not sep or name not in names:
            raise InvalidValue(
                f"weights: {part!r} is not NAME=NUMBER with NAME one of "
                f"{', '.join(sorted(names))}; e.g. 'strategy=0.2,capability=0.6'.",
                field="weights", value=part)
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0:
            raise InvalidValue(f"weights: {name} is {raw.strip()!r}; give a number >= 0.",
                               field=name, value=raw)
        values[name] = value
    weights = replace(weights, **values)
    if weights.strategy + weights.capability + weights.culture <= 0:
        raise InvalidValue("weights: strategy, capability and culture are all 0; give at "
                           "least one a positive weight.", field="weights", value=text)
    return weights


@dataclass(frozen=True)
class Component:
    """One part of a dimension: its value (None when unknown), weight and evidence."""

    name: str
    value: float | None
    weight: float
    evidence: str = ""


@dataclass(frozen=True)
class Dimension:
    """A fit dimension: score in [0, 1], confidence in [0, 1], and its components."""

    name: str
    score: float
    confidence: float
    components: tuple[Component, ...]

    def explain(self) -> str:
        """One line: the score as the sum of each known component's weighted share.

        Positive weights are shared among the components with data (so the terms add up
        to the score, before clipping); a negative weight is a penalty, shown as is.
        """
        known = sum(c.weight for c in self.components if c.value is not None and c.weight > 0)
        parts = []
        for c in self.components:
            if c.value is None:
                parts.append(f"{c.name} unknown")
                continue
            share = abs(c.weight) if c.weight < 0 else (c.weight / known if known else 0.0)
            sign = "-" if c.weight < 0 else "+"
            parts.append(f"{sign} {c.name} {share * c.value:.2f}"
                         f"{f' ({c.evidence})' if c.evidence else ''}")
        text = " ".join(parts).lstrip("+ ")
        low = "" if self.confidence >= 0.999 else f"  [confidence {self.confidence:.2f}]"
        return f"{self.name} {self.score:.2f} = {text}{low}"


@dataclass(frozen=True)
class Candidate:
    """A ranked candidate partner with its fit and the reasons it was found."""

    company: str
    name: str
    score: float
    confidence: float
    axis: Axis
    reasons: tuple[str, ...]
    strategy: Dimension
    capability: Dimension
    culture: Dimension
    flags: tuple[str, ...] = ()
    need_coverage: dict[str, float] = field(default_factory=dict)
    #: Change in the focal company's influence if this partnership formed (scan what_if).
    what_if: dict[str, float] = field(default_factory=dict)

    @property
    def explanation(self) -> list[str]:
        lines = [f"{self.name} ({self.company}): score {self.score:.2f}, {self.axis.value}, "
                 f"confidence {self.confidence:.2f}", "found: " + "; ".join(self.reasons)]
        lines += [d.explain() for d in (self.strategy, self.capability, self.culture)]
        lines += [f"note: {f}" for f in self.flags]
        if self.what_if:
            lines.append("if partnered: " + ", ".join(
                f"{name} {value:+.4g}" for name, value in self.what_if.items()))
        return lines

    def as_dict(self) -> dict[str, Any]:
        def dimension(d: Dimension) -> dict[str, Any]:
            return {"score": round(d.score, 4), "confidence": round(d.confidence, 4),
                    "components": [{"name": c.name, "value": c.value, "weight": c.weight,
                                    "evidence": c.evidence} for c in d.components]}

        return {
            "company": self.company, "name": self.name, "score": round(self.score, 4),
            "confidence": round(self.confidence, 4), "axis": self.axis.value,
            "reasons": list(self.reasons),
            "strategy": dimension(self.strategy), "capability": dimension(self.capability),
            "culture": dimension(self.culture), "flags": list(self.flags),
            "need_coverage": self.need_coverage, "what_if": self.what_if,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class ScanResult:
    """The focal company, its needs and gaps, and the ranked candidates."""

    focal: str
    needs: NeedsMap | None
    gaps: dict[str, float]
    candidates: tuple[Candidate, ...]
    considered: int

    def as_dict(self) -> dict[str, Any]:
        return {"focal": self.focal, "gaps": self.gaps, "considered": self.considered,
                "candidates": [c.as_dict() for c in self.candidates]}


def _combine(values: Iterable[tuple[np.ndarray, float]], n: int) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """Weighted mean of components, ignoring nan ones; and the share of weight known."""
    total = np.zeros(n)
    weight = np.zeros(n)
    possible = 0.0
    for value, w in values:
        known = ~np.isnan(value)
        total[known] += w * value[known]
        weight[known] += w
        possible += w
    score = np.divide(total, weight, out=np.full(n, 0.5), where=weight > 0)
    confidence = weight / possible if possible else np.zeros(n)
    return score, confidence


def _sets(M: sp.csr_array, i: int, names: tuple[str, ...], j: int, limit: int = 5) -> str:
    """Up to ``limit`` column names that rows i and j share, the heaviest first."""
    def row(k: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = M.indptr[k], M.indptr[k + 1]
        return M.indices[start:end], M.data[start:end]

    (ci, di), (cj, dj) = row(i), row(j)
    common, at_i, at_j = np.intersect1d(ci, cj, assume_unique=True, return_indices=True)
    order = np.argsort(-(di[at_i] * dj[at_j]), kind="stable")[:limit]
    return ", ".join(names[c] for c in common[order])


def scan_partners(
    store: Store,
    company: str,
    *,
    needs: NeedsMap | None = None,
    top: int = 20,
    axis: Axis | str = Axis.BOTH,
    weights: FitWeights | None = None,
    as_of: AsOf = None,
    window: Window = None,
    what_if: bool = False,
) -> ScanResult:
    """Rank candidate partners for ``company`` (an id or a name).

    Parameters
    ----------
    store
        The ecosystem.
    company
        The focal company, by id or name.
    needs
        Its needs map; default: the one stored for it, if any.
    top
        How many candidates to return (1 to 1000).
    axis
        in-industry, cross-industry or both.
    weights
        Fit weights; :class:`FitWeights` by default.
    as_of, window
        Take relationships active on a day, or at some time in a ``(since, until)`` window.
    what_if
        Give each candidate the effect a partnership with it would have on the focal
        company's influence (:func:`~ecosystem.metrics.report.partnership_effects`).

    Raises
    ------
    NodeNotFound
        If the company is unknown (with close ids and names).
    InvalidInput
        If ``top`` is out of range or the company has no capabilities, no patents and no
        needs to scan with.
    """
    if not 1 <= top <= 1000:
        raise InvalidValue(f"top is {top}; give a number from 1 to 1000.", field="top",
                           value=top)
    chosen_axis = Axis(axis)
    w = weights or FitWeights()
    focal = resolve_company(store, company)
    p = profiles(store)
    f = p.index(focal)
    n = len(p.ids)
    caps = store.matrix(RelKind.HAS_CAPABILITY, as_of=as_of, window=window)
    pats = store.matrix(RelKind.HOLDS_PATENTS_IN, as_of=as_of, window=window)
    members = store.matrix(RelKind.MEMBER_OF, as_of=as_of, window=window)
    # derived matrices (binary, unit rows, class proximity ...) are kept across scans
    cap_folio = store.cached(("capability-portfolio", as_of, window), lambda: Portfolio(
        caps.matrix, parent_matrix(store, NodeKind.CAPABILITY, caps.columns)))
    pat_folio = store.cached(("patent-portfolio", as_of, window),
                             lambda: Portfolio(pats.matrix))
    member_folio = store.cached(("member-portfolio", as_of, window),
                                lambda: Portfolio(members.matrix))
    if needs is None:
        stored = load_needs(store, focal)
        needs = stored if stored.needs else None
    else:  # given by the caller: every capability and class must be in the store
        check_against_store(store, replace(needs, company=focal), "needs")
    cap_sizes = cap_folio.sizes
    pat_sizes = store.cached(("patent-totals", as_of, window),
                             lambda: np.asarray(pats.matrix.sum(axis=1)).ravel())
    if needs is None and cap_sizes[f] == 0 and pat_sizes[f] == 0:
        raise InvalidInput(
            f"{focal} has no capabilities, no patents and no needs map, so there is nothing "
            "to scan with. Write a needs map (`ecosystem needs set FILE`) or import its "
            "capabilities or patents.")

    # -- capability: complementarity, synergy, overlap -------------------------------------
    cov: Coverage | None = None
    gaps: dict[str, float] = {}
    if needs is not None:
        cov = coverage(store, needs, as_of=as_of, window=window)
        need_w = np.array([need.weight for need in needs.needs])
        gap = 1.0 - cov.met[f]
        gaps = {need.id: round(float(g), 4) for need, g in zip(needs.needs, gap, strict=True)}
        adds = np.clip(cov.met - cov.met[f], 0.0, None)  # what each company adds, per need
        denominator = float(need_w @ gap)
        complementarity = (adds @ need_w) / denominator if denominator > 0 \
            else np.full(n, np.nan)
    else:
        _, complementarity = makri(cap_folio, f)
    synergy = mahalanobis(pat_folio, f, normalized=True)
    overlap = jaccard(cap_folio, f)
    cap_score, cap_conf = _combine([(complementarity, w.complementarity),
                                    (synergy, w.synergy)], n)
    cap_score = np.clip(cap_score - w.overlap * np.nan_to_num(overlap), 0.0, 1.0)
    cap_score[np.isnan(complementarity) & np.isnan(synergy)] = 0.5

    # -- strategy ---------------------------------------------------------------------------
    h = p.horizon
    horizon = 1.0 - np.abs(h - h[f]) / np.fmax(h, h[f])
    direction = jaccard(p.tags, f)
    strat_score, strat_conf = _combine([(horizon, 0.5), (direction, 0.5)], n)

    # -- culture ----------------------------------------------------------------------------
    decision = 1.0 - np.abs(p.decision - p.decision[f])
    risk = 1.0 - np.abs(p.risk - p.risk[f])
    shared_programmes = shared(member_folio, f)
    direct = np.zeros(n)
    index = p.position
    neighbours: dict[int, set[str]] = {}
    for rel in store.relationships(node=(NodeKind.COMPANY, focal), as_of=as_of):
        other = rel.target if rel.source == focal else rel.source
        if rel.kind in _TIES and other in index:
            direct[index[other]] += 1
            neighbours.setdefault(index[other], set()).add(rel.kind.value)
    ties = direct + shared_programmes
    # No tie is no evidence either way (unknown), not evidence of a bad fit.
    cooperation = np.where(ties > 0, 1.0 - 0.5 ** ties, np.nan)
    cult_score, cult_conf = _combine([(decision, 1.0), (risk, 1.0), (cooperation, 1.0)], n)

    total_w = w.strategy + w.capability + w.culture

    def shrunk(s: np.ndarray, c: np.ndarray) -> np.ndarray:
        return 0.5 + c * (s - 0.5)  # what is not known pulls toward neutral

    score = (w.strategy * shrunk(strat_score, strat_conf)
             + w.capability * shrunk(cap_score, cap_conf)
             + w.culture * shrunk(cult_score, cult_conf)) / total_w
    confidence = (w.strategy * strat_conf + w.capability * cap_conf
                  + w.culture * cult_conf) / total_w

    # -- axes ---------------------------------------------------------------------------------
    industry_shared = np.asarray(p.industries @ p.industries[[f], :].toarray().ravel()
                                 ).ravel() > 0
    value_chain = _value_chain(store, focal, index, as_of)
    in_industry = industry_shared | (shared_programmes > 0) | value_chain
    has_industry = np.asarray(p.industries.sum(axis=1)).ravel() > 0
    adds_something = np.nan_to_num(complementarity) > 0
    cross = (~in_industry & adds_something
             & (np.nan_to_num(overlap) <= CROSS_INDUSTRY_MAX_OVERLAP)
             & (~has_industry | ~industry_shared))
    relevant = (cap_sizes > 0) | (pat_sizes > 0)
    eligible = {Axis.IN_INDUSTRY: in_industry & relevant, Axis.CROSS_INDUSTRY: cross,
                Axis.BOTH: (in_industry & relevant) | cross}[chosen_axis]
    eligible[f] = False
    order = np.flatnonzero(eligible)
    order = order[np.lexsort((np.array(p.ids)[order], -score[order]))][:top]

    candidates = []
    for j in map(int, order):
        reasons = _reasons(store, p, f, j, industry_shared, members, neighbours,
                           value_chain, cov, needs)
        cap_flags = []
        if cap_sizes[j] < FEW_CAPABILITIES:
            cap_flags.append(f"few capabilities ({int(cap_sizes[j])})")
        if 0 < pat_sizes[j] < FEW_PATENTS:
            cap_flags.append(f"few patents ({int(pat_sizes[j])})")
        comp_evidence = _complementarity_evidence(cov, needs, f, j) if cov is not None \
            else "Makri: capabilities in the same categories as yours, new to you"
        candidates.append(Candidate(
            company=p.ids[j], name=p.names[j], score=float(score[j]),
            confidence=float(confidence[j]),
            axis=Axis.IN_INDUSTRY if in_industry[j] else Axis.CROSS_INDUSTRY,
            reasons=tuple(reasons),
            strategy=Dimension("strategy", float(strat_score[j]), float(strat_conf[j]), (
                Component("horizon", _maybe(horizon[j]), 0.5,
                          f"{_fmt(h[f])} vs {_fmt(h[j])} years"),
                Component("direction", _maybe(direction[j]), 0.5,
                          _sets(p.tags, f, p.tag_names, j) or "no shared tags"),
            )),
            capability=Dimension("capability", float(cap_score[j]), float(cap_conf[j]), (
                Component("complementarity", _maybe(complementarity[j]), w.complementarity,
                          comp_evidence),
                Component("synergy", _maybe(synergy[j]), w.synergy,
                          _sets(pats.matrix, f, pats.columns, j) or "no shared classes"),
                Component("overlap", _maybe(overlap[j]), -w.overlap,
                          _sets(caps.matrix, f, caps.columns, j) or "none shared"),
            )),
            culture=Dimension("culture", float(cult_score[j]), float(cult_conf[j]), (
                Component("decision style", _maybe(decision[j]), 1.0),
                Component("risk appetite", _maybe(risk[j]), 1.0),
                Component("past cooperation", _maybe(cooperation[j]), 1.0,
                          f"{int(ties[j])} tie(s)" if ties[j] else "no ties yet"),
            )),
            flags=tuple(cap_flags),
            need_coverage=({need.id: round(float(cov.met[j, k]), 4)
                            for k, need in enumerate(cov.needs)} if cov is not None else {}),
        ))
    if what_if and candidates:
        from ecosystem.metrics.report import partnership_effects

        effects = partnership_effects(store, focal, [c.company for c in candidates],
                                      as_of=as_of)
        candidates = [replace(c, what_if=effects[c.company]) for c in candidates]
    return ScanResult(focal, needs, gaps, tuple(candidates), int(eligible.sum()))


def _maybe(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _fmt(value: float) -> str:
    return "?" if math.isnan(value) else f"{value:g}"


def _value_chain(store: Store, focal: str, index: dict[str, int],
                 as_of: AsOf) -> np.ndarray:
    """Suppliers and customers of the focal company, and their partners."""
    out = np.zeros(len(index), dtype=bool)
    first = {r.target if r.source == focal else r.source
             for r in store.relationships(node=(NodeKind.COMPANY, focal), as_of=as_of)
             if r.kind in _VALUE_CHAIN}
    for company in first:
        out[index[company]] = True
        for rel in store.relationships(node=(NodeKind.COMPANY, company), as_of=as_of):
            if rel.kind in (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE):
                other = rel.target if rel.source == company else rel.source
                if other in index:
                    out[index[other]] = True
    return out


def _reasons(store: Store, p: Profiles, f: int, j: int, industry_shared: np.ndarray,
             members: Any, neighbours: dict[int, set[str]], value_chain: np.ndarray,
             cov: Coverage | None, needs: NeedsMap | None) -> list[str]:
    reasons = []
    if industry_shared[j]:
        reasons.append("same or adjacent industry: "
                       + _sets(p.industries, f, p.industry_names, j, 3))
    if j in neighbours:
        reasons.append("already tied: " + ", ".join(sorted(neighbours[j])))
    if value_chain[j] and j not in neighbours:
        reasons.append("value chain: partner of a supplier or customer")
    programmes = _sets(members.matrix, f, members.columns, j, 3)
    if programmes:
        reasons.append(f"co-member of {programmes}")
    if not reasons:
        own = p.direct_industries[[j], :].indices
        industries = ", ".join(p.industry_names[k] for k in own[:3]) or "unknown"
        reasons.append(f"outside your industries (theirs: {industries})")
        if cov is not None and needs is not None:
            reasons.append("covers part of your unmet needs")
        else:
            reasons.append("holds capabilities next to yours")
    return reasons


def _complementarity_evidence(cov: Coverage, needs: NeedsMap | None, f: int, j: int) -> str:
    if needs is None:
        return ""
    parts = []
    for need in needs.needs:
        block = cov.detail[need.id]
        mine = block[[f], :].toarray().ravel()
        theirs = block[[j], :].toarray().ravel()
        labels = list(need.capabilities) + list(need.classes)
        new = [labels[k] for k in range(len(labels)) if theirs[k] and not mine[k]]
        if new:
            parts.append(f"{need.id}: {', '.join(new)} not met by you")
    return "; ".join(parts) or "meets none of your unmet requirements"
