"""Partner scanning on two axes with explainable strategy-capability-culture fit
(docs/method.md, steps 1.2 and 1.3).

For a focal company every other company is scored at once, with array arithmetic on the
store's sparse matrices (:mod:`ecosystem.scanning.fit`); explanations are built only for
the top candidates. Only companies are proposed: foundations, universities, public bodies
and open-source projects (:mod:`ecosystem.entities.organisation_types`) join the pool
when asked (``include``).

Axes
----
Sectors (:mod:`ecosystem.entities.sectors`) decide: a candidate is *in-industry* when it
shares a sector with the focal company or is a value-chain neighbour (supplies it, buys
from it, or partners with one that does); *cross-industry* when both sectors are known and
differ (and it is not a value-chain neighbour). When either sector is unknown the
candidate is listed as ``sector-unknown`` (in scans of both axes only): sharing a
programme says nothing about an industry (Meta and BMW both sit in the TODO Group), and
nothing is guessed. Record a sector with ``ecosystem sectors --set``. With a needs map,
every candidate must meet some of the unmet needs; overlap with what the focal company
has already is a penalty in the capability score.

Fit (each in [0, 1], ``nan`` when nothing is known)
---------------------------------------------------
strategy
    mean of *horizon alignment* ``1 - |h_f - h_c| / max(h_f, h_c)`` and *direction*: the
    mean of the Jaccard similarity of strategic tags, the cosine of programme memberships
    (each weighted by how telling it is) and the cosine of technologies adopted.
capability
    ``w_c * complementarity + w_s * synergy - w_o * overlap`` clipped to [0, 1], where
    complementarity is the weighted share of the focal company's unmet need requirements
    that the candidate meets, each counted by the depth of what it holds (``log(1 + a) /
    log(1 + a_90)``, a_90 the 90th percentile of holders; without needs: Makri
    complementarity of capabilities), synergy is the normalised Mahalanobis technological
    proximity of patent portfolios (Bloom et al. 2013; enough shared ground to absorb each
    other's knowledge), and overlap the Jaccard similarity of capabilities (redundancy,
    possible rivalry), reported as a penalty.
culture
    mean of decision-style match ``1 - |d_f - d_c|`` (centralised 0, mixed 0.5,
    democratic 1), risk-appetite match ``1 - |r_f - r_c|`` (prudent 0, moderate 0.5,
    aggressive 1) and past cooperation ``1 - 0.5 ** ties`` (direct relationships count 1,
    each shared programme its weight).

A component with no data is left out of its dimension's mean (its weight shared by the
others). A dimension with no data at all is left out of the score: ``score`` is the
weighted mean of the dimensions that have data, so missing data never counts as 0 or as
a neutral 0.5. ``confidence``, the share of all weight that had data, is reported beside
the score and breaks ties; it is not mixed into it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from ecosystem.dates import AsOf, Window
from ecosystem.entities.lookup import resolve_company
from ecosystem.entities.organisation_types import (
    COMPANY,
    OrgType,
    organisation_types,
    parse_org_types,
)
from ecosystem.entities.sectors import SectorAssignment, company_sectors, compare
from ecosystem.errors import InvalidInput, InvalidValue
from ecosystem.metrics.overlap import Portfolio
from ecosystem.model import NodeKind, RelKind
from ecosystem.scanning.axes import MIN_CONFIDENCE, SCAN_AXES, Axis
from ecosystem.scanning.fit import (
    Fit,
    capability_fit,
    culture_fit,
    strategy_fit,
)
from ecosystem.scanning.hierarchy import parent_matrix
from ecosystem.scanning.needs import (
    Coverage,
    NeedsMap,
    check_against_store,
    coverage,
    load_needs,
)
from ecosystem.scanning.profiles import Profiles, profiles
from ecosystem.stores.base import Store

__all__ = [
    "SCAN_AXES",
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
_VALUE_CHAIN = (RelKind.SUPPLIES, RelKind.CUSTOMER_OF)
_TIES = (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE, RelKind.SUPPLIES,
         RelKind.CUSTOMER_OF, RelKind.INVESTS_IN, RelKind.OWNS)



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
    """A fit dimension: score in [0, 1] (nan: nothing known), confidence in [0, 1], and its
    components."""

    name: str
    score: float
    confidence: float
    components: tuple[Component, ...]

    @property
    def known(self) -> bool:
        return not math.isnan(self.score)

    def explain(self) -> str:
        """One line: the score as the sum of each known component's weighted share.

        Positive weights are shared among the components with data (so the terms add up
        to the score, before clipping); a negative weight is a penalty, shown as is.
        """
        if not self.known:
            names = ", ".join(c.name for c in self.components)
            return f"{self.name} unknown ({names}: no data); left out of the score"
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


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


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
    #: What kind of organisation it is, and why (ecosystem.entities.organisation_types).
    org_type: OrgType | None = None
    #: Its sectors, each with source, confidence and evidence (ecosystem.entities.sectors).
    sectors: tuple[SectorAssignment, ...] = ()
    #: What decided its rank, most important first.
    decided_by: tuple[str, ...] = ()

    @property
    def explanation(self) -> list[str]:
        sectors = ", ".join(f"{a.sector} ({a.source})" for a in self.sectors) or "unknown"
        kind = f", {self.org_type.type}" if self.org_type else ""
        lines = [f"{self.name} ({self.company}): score {self.score:.2f}, {self.axis.value}, "
                 f"confidence {self.confidence:.2f}{kind}, sector {sectors}"]
        if self.decided_by:
            lines.append("decided by: " + "; ".join(self.decided_by))
        lines.append("found: " + "; ".join(self.reasons))
        lines += [d.explain() for d in (self.capability, self.strategy, self.culture)]
        lines += [f"note: {f}" for f in self.flags]
        if self.what_if:
            lines.append("if partnered: " + ", ".join(
                f"{name} {value:+.4g}" for name, value in self.what_if.items()))
        return lines

    def as_dict(self) -> dict[str, Any]:
        def dimension(d: Dimension) -> dict[str, Any]:
            return {"score": _rounded(d.score), "confidence": round(d.confidence, 4),
                    "components": [{"name": c.name, "value": c.value, "weight": c.weight,
                                    "evidence": c.evidence} for c in d.components]}

        return {
            "company": self.company, "name": self.name, "score": round(self.score, 4),
            "confidence": round(self.confidence, 4), "axis": self.axis.value,
            "org_type": self.org_type.as_dict() if self.org_type else None,
            "sectors": [a.as_dict() for a in self.sectors],
            "decided_by": list(self.decided_by), "reasons": list(self.reasons),
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
    sectors: tuple[SectorAssignment, ...] = ()
    #: Candidates left out because their score rests on too little evidence.
    thin: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"focal": self.focal, "gaps": self.gaps, "considered": self.considered,
                "thin_evidence": self.thin, "sectors": [a.as_dict() for a in self.sectors],
                "candidates": [c.as_dict() for c in self.candidates]}


def _sets(M: sp.csr_array, i: int, names: tuple[str, ...], j: int, limit: int = 5) -> str:
    """Up to ``limit`` column names that rows i and j share, the heaviest first."""
    def row(k: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = M.indptr[k], M.indptr[k + 1]
        return M.indices[start:end], M.data[start:end]

    (ci, di), (cj, dj) = row(i), row(j)
    common, at_i, at_j = np.intersect1d(ci, cj, assume_unique=True, return_indices=True)
    order = np.argsort(-(di[at_i] * dj[at_j]), kind="stable")[:limit]
    return ", ".join(names[c] for c in common[order])


@dataclass(frozen=True)
class _Context:
    """What every part of a scan reads: the focal row, the matrices, the profiles."""

    store: Store
    focal: str
    f: int
    n: int
    p: Profiles
    caps: Any
    pats: Any
    members: Any
    cap_folio: Portfolio
    pat_folio: Portfolio
    member_folio: Portfolio
    uses: sp.csr_array
    as_of: AsOf
    window: Window


def _context(store: Store, company: str, as_of: AsOf, window: Window) -> _Context:
    focal = resolve_company(store, company)
    p = profiles(store)
    caps = store.matrix(RelKind.HAS_CAPABILITY, as_of=as_of, window=window)
    pats = store.matrix(RelKind.HOLDS_PATENTS_IN, as_of=as_of, window=window)
    members = store.matrix(RelKind.MEMBER_OF, as_of=as_of, window=window)
    uses = store.matrix(RelKind.USES_CAPABILITY, as_of=as_of, window=window)
    # derived matrices (binary, unit rows, class proximity ...) are kept across scans
    return _Context(
        store, focal, p.index(focal), len(p.ids), p, caps, pats, members,
        store.cached(("capability-portfolio", as_of, window), lambda: Portfolio(
            caps.matrix, parent_matrix(store, NodeKind.CAPABILITY, caps.columns))),
        store.cached(("patent-portfolio", as_of, window), lambda: Portfolio(pats.matrix)),
        store.cached(("member-portfolio", as_of, window), lambda: Portfolio(members.matrix)),
        sp.csr_array(uses.matrix, dtype=float), as_of, window)


def _direct_ties(ctx: _Context) -> tuple[np.ndarray, dict[int, set[str]]]:
    """Direct relationships (partnerships, supply, investment, ownership) of the focal
    company with each company, counted, and their kinds."""
    direct = np.zeros(ctx.n)
    kinds: dict[int, set[str]] = {}
    for rel in ctx.store.relationships(node=(NodeKind.COMPANY, ctx.focal), as_of=ctx.as_of):
        other = rel.target if rel.source == ctx.focal else rel.source
        if rel.kind in _TIES and other in ctx.p.position:
            direct[ctx.p.position[other]] += 1
            kinds.setdefault(ctx.p.position[other], set()).add(rel.kind.value)
    return direct, kinds


def _overall(fits: dict[str, Fit], w: FitWeights, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean over the dimensions with data; the share of weight with data."""
    weights = {"strategy": w.strategy, "capability": w.capability, "culture": w.culture}
    total, used, confidence = np.zeros(n), np.zeros(n), np.zeros(n)
    for name, fit in fits.items():
        known = ~np.isnan(fit.score)
        total[known] += weights[name] * fit.score[known]
        used[known] += weights[name]
        confidence += weights[name] * fit.confidence
    score = np.divide(total, used, out=np.full(n, np.nan), where=used > 0)
    return score, confidence / sum(weights.values())


def _placement(ctx: _Context, relation: list[bool | None], value_chain: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """in-industry, cross-industry and sector-unknown masks (see the module notes)."""
    same = np.array([r is True for r in relation])
    differs = np.array([r is False for r in relation])
    unknown = np.array([r is None for r in relation])
    inside = same | value_chain
    across = differs & ~value_chain
    return inside, across, unknown & ~inside


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
    include: Iterable[str] = (),
    min_confidence: float = MIN_CONFIDENCE,
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
    include
        Organisation types proposed besides companies (``non_profit``, ``academic``,
        ``government``, ``project``).
    min_confidence
        Leave out candidates whose score rests on less evidence than this (the share of
        the weighted fit that is known, 0 to 1): a score made of one signal (patent
        proximity alone, say) would otherwise outrank well-known candidates. Their number
        is reported (``ScanResult.thin``).

    Raises
    ------
    NodeNotFound
        If the company is unknown (with close ids and names).
    InvalidInput
        If ``top`` is out of range or the company has no capabilities, no patents and no
        needs to scan with.
    """
    chosen_axis = _checked_arguments(top, min_confidence, axis)
    w = weights or FitWeights()
    ctx = _context(store, company, as_of, window)
    needs = _needs_of(store, ctx, needs)
    cap_sizes = ctx.cap_folio.sizes
    pat_sizes = store.cached(("patent-totals", as_of, window),
                             lambda: np.asarray(ctx.pats.matrix.sum(axis=1)).ravel())
    if needs is None and cap_sizes[ctx.f] == 0 and pat_sizes[ctx.f] == 0:
        raise InvalidInput(
            f"{ctx.focal} has no capabilities, no patents and no needs map, so there is "
            "nothing to scan with. Write a needs map (`ecosystem needs set FILE`) or import "
            "its capabilities or patents.")
    cov = coverage(store, needs, as_of=as_of, window=window) if needs is not None else None
    # 1. every company's fit on the three dimensions, all at once
    direct, neighbours = _direct_ties(ctx)
    fits = {
        "capability": capability_fit(ctx.f, ctx.n, ctx.cap_folio, ctx.pat_folio, cov, needs,
                                     w.complementarity, w.synergy, w.overlap),
        "strategy": strategy_fit(ctx.f, ctx.n, ctx.p, ctx.member_folio, ctx.uses),
        "culture": culture_fit(ctx.f, ctx.n, ctx.p, ctx.member_folio, direct),
    }
    score, confidence = _overall(fits, w, ctx.n)
    # 2. where each stands (sectors, value chain) and who may be proposed
    sectors = company_sectors(store)
    types = organisation_types(store)
    focal_sectors = sectors.get(ctx.focal, [])
    relation = [compare(focal_sectors, sectors.get(c, [])) for c in ctx.p.ids]
    value_chain = _value_chain(store, ctx.focal, ctx.p.position, as_of)
    inside, across, unplaced = _placement(ctx, relation, value_chain)
    allowed = {COMPANY, *parse_org_types(",".join(include))}
    kind_ok = np.array([types[c].type in allowed if c in types else True
                        for c in ctx.p.ids])
    eligible = {Axis.IN_INDUSTRY: inside, Axis.CROSS_INDUSTRY: across,
                Axis.BOTH: inside | across | unplaced}[chosen_axis]
    eligible = eligible & ((cap_sizes > 0) | (pat_sizes > 0)) & kind_ok & ~np.isnan(score)
    if cov is not None:  # with needs, a candidate must meet some of the unmet ones
        eligible &= np.nan_to_num(fits["capability"].components["complementarity"]) > 0
    eligible[ctx.f] = False
    thin = eligible & (np.round(confidence, 6) < min_confidence)
    eligible &= ~thin
    # 3. the best, explained
    order = np.flatnonzero(eligible)
    order = order[np.lexsort((np.array(ctx.p.ids)[order], -np.round(confidence[order], 6),
                              -np.round(score[order], 6)))][:top]
    placed = np.where(inside, 1, np.where(across, 2, 3))
    candidates = [_candidate(ctx, int(j), fits, score, confidence, cov, needs, w,
                             Axis.IN_INDUSTRY if placed[j] == 1 else Axis.CROSS_INDUSTRY
                             if placed[j] == 2 else Axis.SECTOR_UNKNOWN,
                             _reasons(ctx, int(j), relation[j], sectors, neighbours,
                                      value_chain, cov, needs),
                             cap_sizes, pat_sizes, types.get(ctx.p.ids[j]),
                             tuple(sectors.get(ctx.p.ids[j], [])))
                  for j in map(int, order)]
    if what_if and candidates:
        from ecosystem.metrics.report import partnership_effects

        effects = partnership_effects(store, ctx.focal, [c.company for c in candidates],
                                      as_of=as_of)
        candidates = [replace(c, what_if=effects[c.company]) for c in candidates]
    gaps = {} if cov is None or needs is None else {
        need.id: round(float(1.0 - g), 4)
        for need, g in zip(needs.needs, cov.met[ctx.f], strict=True)}
    return ScanResult(ctx.focal, needs, gaps, tuple(candidates), int(eligible.sum()),
                      tuple(focal_sectors), int(thin.sum()))


def _checked_arguments(top: int, min_confidence: float, axis: Axis | str) -> Axis:
    if not 1 <= top <= 1000:
        raise InvalidValue(f"top is {top}; give a number from 1 to 1000.", field="top",
                           value=top)
    if not 0 <= min_confidence <= 1:
        raise InvalidValue(f"min_confidence is {min_confidence}; give a number from 0 to 1.",
                           field="min_confidence", value=min_confidence)
    chosen = Axis(axis)
    if chosen not in SCAN_AXES:
        raise InvalidValue(f"axis is {axis!r}; give one of "
                           f"{', '.join(a.value for a in SCAN_AXES)}.", field="axis",
                           value=str(axis))
    return chosen


def _needs_of(store: Store, ctx: _Context, needs: NeedsMap | None) -> NeedsMap | None:
    """The needs to scan for: those given (checked against the store), else the stored
    ones, else None."""
    if needs is None:
        stored = load_needs(store, ctx.focal)
        return stored if stored.needs else None
    check_against_store(store, replace(needs, company=ctx.focal), "needs")
    return needs


def _candidate(ctx: _Context, j: int, fits: dict[str, Fit], score: np.ndarray,
               confidence: np.ndarray, cov: Coverage | None, needs: NeedsMap | None,
               w: FitWeights, axis: Axis, reasons: list[str], cap_sizes: np.ndarray,
               pat_sizes: np.ndarray, org_type: OrgType | None,
               sectors: tuple[SectorAssignment, ...]) -> Candidate:
    f, p = ctx.f, ctx.p
    cap, strat, cult = fits["capability"], fits["strategy"], fits["culture"]
    flags = []
    if cap_sizes[j] < FEW_CAPABILITIES:
        flags.append(f"few capabilities ({int(cap_sizes[j])})")
    if 0 < pat_sizes[j] < FEW_PATENTS:
        flags.append(f"few patents ({int(pat_sizes[j])})")
    comp_evidence = _complementarity_evidence(cov, needs, f, j) if cov is not None \
        else "Makri: capabilities in the same categories as yours, new to you"
    c = cap.components
    capability = Dimension("capability", float(cap.score[j]), float(cap.confidence[j]), (
        Component("complementarity", _maybe(c["complementarity"][j]), w.complementarity,
                  comp_evidence),
        Component("synergy", _maybe(c["synergy"][j]), w.synergy,
                  _sets(ctx.pats.matrix, f, ctx.pats.columns, j) or "no shared classes"),
        Component("overlap", _maybe(c["overlap"][j]), -w.overlap,
                  _sets(ctx.caps.matrix, f, ctx.caps.columns, j) or "none shared"),
    ))
    s = strat.components
    shared_programmes = _sets(ctx.members.matrix, f, ctx.members.columns, j, 4)
    strategy = Dimension("strategy", float(strat.score[j]), float(strat.confidence[j]), (
        Component("horizon", _maybe(s["horizon"][j]), 0.5,
                  f"{_fmt(p.horizon[f])} vs {_fmt(p.horizon[j])} years"),
        Component("direction", _maybe(s["direction"][j]), 0.5, "; ".join(filter(None, (
            f"programmes {shared_programmes}" if shared_programmes else "",
            f"adopts {_sets(ctx.uses, f, ctx.store.matrix(RelKind.USES_CAPABILITY).columns, j, 3)}"
            if _maybe(s["adopted"][j]) else "",
            f"tags {_sets(p.tags, f, p.tag_names, j)}" if _maybe(s["tags"][j]) else "",
        ))) or "nothing shared"),
    ))
    k = cult.components
    culture = Dimension("culture", float(cult.score[j]), float(cult.confidence[j]), (
        Component("decision style", _maybe(k["decision style"][j]), 1.0),
        Component("risk appetite", _maybe(k["risk appetite"][j]), 1.0),
        Component("past cooperation", _maybe(k["past cooperation"][j]), 1.0,
                  f"{k['ties'][j]:.1f} weighted tie(s)" if k["ties"][j] else "no ties yet"),
    ))
    return Candidate(
        company=p.ids[j], name=p.names[j], score=float(score[j]),
        confidence=float(confidence[j]), axis=axis, reasons=tuple(reasons),
        strategy=strategy, capability=capability, culture=culture, flags=tuple(flags),
        need_coverage=({need.id: round(float(cov.graded[j, k]), 4)
                        for k, need in enumerate(cov.needs)} if cov is not None else {}),
        org_type=org_type, sectors=sectors,
        decided_by=_decided_by((capability, strategy, culture), w))


def _decided_by(dimensions: tuple[Dimension, ...], w: FitWeights) -> tuple[str, ...]:
    """The known dimensions by their weighted contribution, with their strongest evidence."""
    weight = {"capability": w.capability, "strategy": w.strategy, "culture": w.culture}
    known = [d for d in dimensions if d.known]
    total = sum(weight[d.name] for d in known) or 1.0
    ranked = sorted(known, key=lambda d: -weight[d.name] * d.score / total)
    out = []
    for d in ranked:
        best = max((c for c in d.components if c.value is not None and c.weight > 0),
                   key=lambda c: c.value or 0.0, default=None)
        because = f": {best.name} {best.value:.2f} ({best.evidence})" \
            if best is not None and best.evidence else ""
        out.append(f"{d.name} {d.score:.2f} x {weight[d.name] / total:.2f}{because}")
    return tuple(out)


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


def _reasons(ctx: _Context, j: int, relation: bool | None,
             sectors: dict[str, list[SectorAssignment]], neighbours: dict[int, set[str]],
             value_chain: np.ndarray, cov: Coverage | None, needs: NeedsMap | None
             ) -> list[str]:
    mine = {a.sector for a in sectors.get(ctx.focal, [])}
    theirs = {a.sector for a in sectors.get(ctx.p.ids[j], [])}
    reasons = []
    if relation is True:
        reasons.append("same industry: " + ", ".join(sorted(mine & theirs) or
                                                      sorted(theirs)))
    if j in neighbours:
        reasons.append("already tied: " + ", ".join(sorted(neighbours[j])))
    if value_chain[j] and j not in neighbours:
        reasons.append("value chain: partner of a supplier or customer")
    programmes = _sets(ctx.members.matrix, ctx.f, ctx.members.columns, j, 3)
    if relation is False:
        reasons.append(f"another industry ({', '.join(sorted(theirs))} vs yours "
                       f"{', '.join(sorted(mine))})")
        reasons.append("covers part of your unmet needs" if cov is not None and needs
                       is not None else "holds capabilities next to yours")
    elif relation is None:
        reasons.append("sector unknown" + ("" if theirs else " (no evidence of its sector)"
                                           if mine else " (yours and theirs)"))
    if programmes:
        reasons.append(f"co-member of {programmes}")
    return reasons


def _complementarity_evidence(cov: Coverage, needs: NeedsMap | None, f: int, j: int) -> str:
    if needs is None:
        return ""
    parts = []
    for need in needs.needs:
        amount = cov.amount[need.id]
        labels = list(need.capabilities) + list(need.classes)
        units = ["products"] * len(need.capabilities) + ["patents"] * len(need.classes)
        new = [f"{labels[k]} ({amount[j, k]:g} {units[k]})" for k in range(len(labels))
               if amount[j, k] > amount[f, k] and cov.detail[need.id][[j], [k]].sum() > 0]
        if new:
            parts.append(f"{need.id}: {', '.join(new)}")
    return "; ".join(parts) or "meets none of your unmet requirements"
