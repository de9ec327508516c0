"""Features of candidate pairs on a snapshot: topological scores and the project's own.

Topological scores (Liben-Nowell & Kleinberg [1]_; Katz [2]_). For a one-mode relation
(company - company) they are the usual ones on the snapshot's graph ``A``: common neighbours
``A @ A``, Jaccard, Adamic-Adar ``A D^-1log A``, resource allocation ``A D^-1 A``,
preferential attachment ``d_u d_v`` and Katz ``sum_l beta^l A^l`` (truncated at three hops).

For a bipartite relation (company -> programme) a source and a target are never neighbours
of the same node, so common neighbours are counted along paths of length three, as the
local-community paradigm does for bipartite networks [3]_: the neighbours of a company's
co-members ``N2(u)`` (companies sharing a target with it) that are tied to the target
``p``: ``CN = |N2(u) & G(p)|``; Jaccard divides by ``|N2(u) | G(p)|``; Adamic-Adar and
resource allocation weight each such company by ``1/log(1+d)`` and ``1/d``; preferential
attachment is ``d_u d_p``; Katz sums the odd paths, ``beta A + beta^3 A A^T A + beta^5
(A A^T)^2 A``.

The project's features (each computed from data as of the snapshot's day): capability
similarity and complementarity of the source to the target's side (the target itself, or
a programme's members together), technological proximity (Jaffe's cosine of patent class
vectors), influence (PageRank of both ends on the influence graph), industry distance, and
the recent activity and tenure of both ends in this relation (ties started in the last 12
months; for the target also the last 3 and 24, so that a model can tell a surge from a
steady draw). Unknown values are ``nan``.

Affinity: for each target ``q`` the source has ever been tied to, the share of ``q``'s
ties whose other end is also tied to the target ``p``, summed over ``q``:
``sum_q |G(q) & G(p)| / |G(q)|``. For programmes this is how strongly the source's own
programmes feed ``p`` (item-to-item conditional frequency, as in recommender systems); for
a one-mode relation, the same with neighbours in place of programmes.

Who is moving where now, seen from the source's side. Popularity moves in surges (RISC-V
drew a third of 2023's joins), but a surge draws some companies and not others, so two
features ask whether it reaches this source:

- Peer momentum: for each target ``q`` the source is tied to, the share of ``q``'s members
  that formed a tie with ``p`` in the last 12 months, averaged over the source's targets
  (``E D^-1 (E^T R)`` over the source's degree, ``R`` the recent ties, ``q = p`` left
  out); and its ratio to ``p``'s share of all sources that tied with it in those months
  (``peer_momentum_lift``: above 1 when the source's own circles move to ``p`` faster than
  everyone does).
- Popularity within the source's organisation type (company, non-profit, academic,
  government, project: :mod:`ecosystem.entities.organisation_types`, as known before the
  day): the share of the ties formed in the last 24 months by sources of that type that
  went to ``p``, shrunk to the share of all of them with the weight of 20 ties, as the
  cold start does with sectors; and its ratio to that overall share (``type_lift``). The
  types are read from names, web domains, industries and the tiers of memberships that
  started before the day (a tier is the one the data record last, the LF data having no
  tier history).

References
----------
.. [1] Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social
   networks. JASIST 58(7), 1019-1031.
.. [2] Katz, L. (1953). A new status index derived from sociometric analysis.
   Psychometrika 18(1), 39-43.
.. [3] Daminelli, S., Thomas, J. M., Duran, C. & Cannistraci, C. V. (2015). Common
   neighbours and the local-community-paradigm for topological link prediction in
   bipartite networks. New Journal of Physics 17, 113037.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ecosystem.metrics.influence import influence_graph, pagerank
from ecosystem.model import NodeKind, RelKind, node_key
from ecosystem.prediction.history import History, Snapshot, add_duration
from ecosystem.stores.base import Store

__all__ = ["BASELINES", "FEATURES", "PairFeatures", "pair_features"]

#: The topological baselines, each ranking pairs on its own.
BASELINES = ("common_neighbours", "jaccard", "adamic_adar", "resource_allocation",
             "preferential_attachment", "katz")
#: Every feature the learned model sees, baselines first.
FEATURES = (*BASELINES, "source_degree", "target_degree", "capability_similarity",
            "capability_complement", "technology_proximity", "source_pagerank",
            "target_pagerank", "industry_distance", "source_recent", "target_recent",
            "source_tenure_years", "target_tenure_years", "affinity", "target_recent_3m",
            "target_recent_24m", "peer_momentum", "peer_momentum_lift", "type_popularity",
            "type_lift")
KATZ_BETA = 0.05
#: Ties of popularity that the ties of an organisation type must outweigh (as in cold start).
TYPE_ALPHA = 20.0
#: The months of ties that the popularity within an organisation type is counted over.
TYPE_MONTHS = 24
_DENSE_LIMIT = 20_000_000  # candidate pairs scored densely up to this many


@dataclass(frozen=True)
class PairFeatures:
    """Candidate pairs of a snapshot (indices into its sources and targets) and their
    features, one column per name in :data:`FEATURES`."""

    snapshot: Snapshot
    rows: np.ndarray
    cols: np.ndarray
    X: np.ndarray
    #: Whether every candidate pair was scored (False: only pairs two hops apart).
    complete: bool

    def column(self, name: str) -> np.ndarray:
        return self.X[:, FEATURES.index(name)]

    def pairs(self) -> list[tuple[str, str]]:
        s, t = self.snapshot.sources, self.snapshot.targets
        return [(s[i], t[j]) for i, j in zip(self.rows, self.cols, strict=True)]


def _dense(M: sp.csr_array) -> np.ndarray:
    return np.asarray(M.toarray(), dtype=float)


def _topology(snap: Snapshot) -> tuple[dict[str, sp.csr_array | np.ndarray], np.ndarray,
                                       np.ndarray]:
    """The six scores as (sparse or dense) matrices, and the degrees of both sides."""
    A = snap.A
    d_s = np.asarray(A.sum(axis=1)).ravel()
    d_t = np.asarray(A.sum(axis=0)).ravel()
    if snap.one_mode:
        inv_log = sp.diags_array(np.divide(1.0, np.log1p(d_s), out=np.zeros_like(d_s),
                                           where=d_s > 0))
        inv = sp.diags_array(np.divide(1.0, d_s, out=np.zeros_like(d_s), where=d_s > 0))
        A2 = sp.csr_array(A @ A)
        scores: dict[str, sp.csr_array | np.ndarray] = {
            "common_neighbours": A2,
            "adamic_adar": sp.csr_array(A @ inv_log @ A),
            "resource_allocation": sp.csr_array(A @ inv @ A),
            "katz": sp.csr_array(KATZ_BETA * A + KATZ_BETA ** 2 * A2
                                 + KATZ_BETA ** 3 * (A2 @ A)),
        }
        size_u = size_t = d_s
    else:
        co = sp.csr_array(A @ A.T)  # co-membership counts
        co.setdiag(0)
        co.eliminate_zeros()
        N2 = co.copy()
        N2.data = np.ones_like(N2.data)
        weights_log = np.divide(1.0, np.log1p(d_s), out=np.zeros_like(d_s), where=d_s > 0)
        weights = np.divide(1.0, d_s, out=np.zeros_like(d_s), where=d_s > 0)
        AAT_A = sp.csr_array(co @ A + sp.diags_array(d_s) @ A)  # A A^T A, diagonal included
        scores = {
            "common_neighbours": sp.csr_array(N2 @ A),
            "adamic_adar": sp.csr_array(N2 @ sp.diags_array(weights_log) @ A),
            "resource_allocation": sp.csr_array(N2 @ sp.diags_array(weights) @ A),
            "katz": sp.csr_array(KATZ_BETA * A + KATZ_BETA ** 3 * AAT_A
                                 + KATZ_BETA ** 5 * (A @ (A.T @ AAT_A))),
        }
        size_u = np.asarray(N2.sum(axis=1)).ravel()
        size_t = d_t
    return scores, size_u, size_t


def _through_targets(E: sp.csr_array, M: sp.csr_array) -> sp.csr_array:
    """``E D^-1 (E^T M)`` with the diagonal of ``E^T M`` removed: for each source and
    target ``p``, summed over the source's targets ``q != p``, the share of ``q``'s ties
    (``D`` their counts) whose other end has an ``M`` tie with ``p``."""
    co = sp.csr_array(E.T @ M)
    co.setdiag(0)
    co.eliminate_zeros()
    size = np.asarray(E.sum(axis=0)).ravel()
    share = sp.diags_array(np.divide(1.0, size, out=np.zeros_like(size), where=size > 0))
    return sp.csr_array(E @ sp.csr_array(share @ co))


def _affinity(snap: Snapshot) -> sp.csr_array:
    """``E D^-1 E^T E`` with the diagonal of ``E^T E`` removed, ``E`` the ties ever made
    (see the module notes)."""
    return _through_targets(snap.ever, snap.ever)


def _peer_momentum(history: History, snap: Snapshot, months: int
                   ) -> tuple[sp.csr_array, np.ndarray]:
    """:func:`_through_targets` of the ties ``R`` formed in the ``months`` before the
    snapshot, over the source's number of targets; and each target's share of the sources
    that formed one of them (see the module notes)."""
    start = add_duration(snap.day, months, sign=-1)
    s_index, t_index = snap.source_index, snap.target_index
    pairs = [(s_index[a], t_index[b]) for a, b in history.formed(start, snap.day)
             if a in s_index and b in t_index]
    if snap.one_mode:
        pairs += [(j, i) for i, j in pairs]
    ends = np.array(pairs, dtype=int).reshape(-1, 2)
    R = sp.csr_array((np.ones(len(ends)), (ends[:, 0], ends[:, 1])), shape=snap.ever.shape)
    R.data = np.ones_like(R.data)
    degree = np.asarray(snap.ever.sum(axis=1)).ravel()
    per = sp.diags_array(np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0))
    recent = np.asarray(R.sum(axis=0)).ravel() / max(R.shape[0], 1)
    return sp.csr_array(per @ _through_targets(snap.ever, R)), recent


def _type_popularity(store: Store, history: History, snap: Snapshot, months: int
                     ) -> tuple[np.ndarray, np.ndarray] | None:
    """Sources x targets: the share of the ties formed in the ``months`` before the
    snapshot by sources of each source's organisation type that went to each target, shrunk
    to the share of all of them (:data:`TYPE_ALPHA`); None when the sources are not
    companies or no tie formed. Also each target's share of all of them."""
    from ecosystem.entities.organisation_types import organisation_types

    if history.source_kind is not NodeKind.COMPANY:
        return None
    types = organisation_types(store, before=snap.day)
    kind_of = [types[s].type if s in types else "" for s in snap.sources]
    names = sorted(set(kind_of))
    group = np.array([names.index(k) for k in kind_of], dtype=int)
    start = add_duration(snap.day, months, sign=-1)
    s_index, t_index = snap.source_index, snap.target_index
    counts = np.zeros((len(names), len(snap.targets)))
    for a, b in history.formed(start, snap.day):
        for u, p in ((a, b), (b, a)) if snap.one_mode else ((a, b),):
            if u in s_index and p in t_index:
                counts[group[s_index[u]], t_index[p]] += 1
    total = counts.sum()
    if not total:
        return None
    overall = counts.sum(axis=0) / total
    n = counts.sum(axis=1, keepdims=True)
    shares = (counts + TYPE_ALPHA * overall) / (n + TYPE_ALPHA)
    return np.asarray(shares[group], dtype=float), overall


def _candidates(snap: Snapshot, cn: sp.csr_array) -> tuple[np.ndarray, np.ndarray, bool]:
    """Pairs with no tie before the snapshot: all of them when few enough, else those with
    a common neighbour."""
    n_s, n_t = len(snap.sources), len(snap.targets)
    ever = snap.ever
    if n_s * n_t <= _DENSE_LIMIT:
        blocked = _dense(ever) > 0
        if snap.one_mode:
            blocked |= np.tril(np.ones((n_s, n_t), dtype=bool))  # each pair once, no self
        rows, cols = np.nonzero(~blocked)
        return rows, cols, True
    C = cn.tocoo()
    keep = np.asarray(ever[C.row, C.col]).ravel() == 0
    if snap.one_mode:
        keep &= C.row < C.col
    return C.row[keep], C.col[keep], False


def _at(M: sp.csr_array | np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if sp.issparse(M):
        return np.asarray(sp.csr_array(M)[rows, cols], dtype=float).ravel()
    return np.asarray(np.asarray(M)[rows, cols], dtype=float)


def _unit(M: sp.csr_array) -> sp.csr_array:
    norms = np.sqrt(np.asarray(M.multiply(M).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_array(sp.diags_array(scale) @ M)


def _profile(store: Store, kind: RelKind, day: dt.date, snap: Snapshot
             ) -> tuple[sp.csr_array, sp.csr_array, np.ndarray, np.ndarray]:
    """Company profiles (capabilities or patent classes) as of ``day`` for the sources and
    for the target side (a company's own, or the sum of a programme's active members')."""
    M = store.matrix(kind, as_of=day - dt.timedelta(days=1))  # strictly before day
    index = M.row_index()
    width = M.matrix.shape[1]

    def rows(ids: tuple[str, ...]) -> sp.csr_array:
        picked = [index.get(i, -1) for i in ids]
        take = sp.csr_array(M.matrix)[[max(p, 0) for p in picked], :] if ids else \
            sp.csr_array((0, width))
        mask = sp.diags_array(np.array([p >= 0 for p in picked], dtype=float))
        return sp.csr_array(mask @ take) if ids else take

    S = rows(snap.sources)
    # a target's side: the company itself, or a programme's active members together
    T = S if snap.one_mode else sp.csr_array(snap.A.T @ S)
    known_s = np.asarray(S.sum(axis=1)).ravel() > 0
    known_t = np.asarray(T.sum(axis=1)).ravel() > 0
    return S, T, known_s, known_t


def _cosine(S: sp.csr_array, T: sp.csr_array, known_s: np.ndarray, known_t: np.ndarray,
            rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    Su, Tu = _unit(S), _unit(T)
    value = np.asarray(Su[rows, :].multiply(Tu[cols, :]).sum(axis=1)).ravel()
    return np.where(known_s[rows] & known_t[cols], value, np.nan)


def _complement(S: sp.csr_array, T: sp.csr_array, known_s: np.ndarray, known_t: np.ndarray,
                rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Share of the source's capabilities that the target side lacks."""
    Sb = S.copy()
    Sb.data = np.ones_like(Sb.data)
    Tb = T.copy()
    Tb.data = np.ones_like(Tb.data)
    mine = np.asarray(Sb.sum(axis=1)).ravel()[rows]
    shared = np.asarray(Sb[rows, :].multiply(Tb[cols, :]).sum(axis=1)).ravel()
    value = np.divide(mine - shared, mine, out=np.full(len(rows), np.nan), where=mine > 0)
    return np.where(known_s[rows] & known_t[cols], value, np.nan)


def _pagerank(store: Store, day: dt.date, kind: NodeKind, ids: tuple[str, ...]) -> np.ndarray:
    graph = influence_graph(store, as_of=day - dt.timedelta(days=1))
    if kind not in (NodeKind.COMPANY, NodeKind.PROGRAMME) or graph.n == 0:
        return np.full(len(ids), np.nan)
    # Normalised over the nodes with ties, so that nodes with none (companies that only
    # appear later, say) do not shift anyone's value.
    tied = np.asarray(graph.A.sum(axis=1)).ravel() > 0
    rank = np.where(tied, pagerank(graph), 0.0)
    rank = rank / rank.sum() if rank.sum() > 0 else rank
    where = graph.position
    return np.array([rank[where[k]] if (k := node_key(kind, i)) in where else np.nan
                     for i in ids])


def _industries(store: Store) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each company's industries and each industry's parent (read once per store state:
    every training window of a model asks)."""
    def read() -> tuple[dict[str, set[str]], dict[str, str]]:
        companies = {n.id: set(n.properties.get("industries") or [])
                     for n in store.nodes(NodeKind.COMPANY)}
        parents = {n.id: str(n.properties["parent"]) for n in store.nodes(NodeKind.INDUSTRY)
                   if n.properties.get("parent")}
        return companies, parents

    return store.cached("prediction-industries", read)


def _industry_distance(store: Store, snap: Snapshot, target_kind: NodeKind,
                       rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """0 when the two share an industry, 1 when they share only a parent industry, 2 when
    neither; for a programme, the smallest distance to any of its active members; nan when
    an industry is unknown."""
    of, parents = _industries(store)

    def distance(a: set[str], b: set[str]) -> float:
        if not a or not b:
            return np.nan
        if a & b:
            return 0.0
        up_a = {parents.get(i, i) for i in a}
        up_b = {parents.get(i, i) for i in b}
        return 1.0 if up_a & up_b else 2.0

    source_sets = [of.get(s, set()) for s in snap.sources]
    if target_kind is NodeKind.COMPANY:
        target_sets = [of.get(t, set()) for t in snap.targets]
    elif target_kind is NodeKind.PROGRAMME:
        members = snap.A.T.tocsr()
        target_sets = [set().union(*(source_sets[i] for i in members[[j], :].indices))
                       for j in range(len(snap.targets))]
    else:
        return np.full(len(rows), np.nan)
    return np.array([distance(source_sets[i], target_sets[j])
                     for i, j in zip(rows, cols, strict=True)], dtype=float)


def _tenure(history: History, day: dt.date, ids: tuple[str, ...], side: str) -> np.ndarray:
    text = day.isoformat()  # stored dates are ISO text
    first: dict[str, str] = {}
    ends = (history.source, history.target) if history.one_mode else \
        ((history.source,) if side == "source" else (history.target,))
    for column in ends:
        for node, since in zip(column, history.since, strict=True):
            if since < text and since != "0000-00-00" and since < first.get(node, "9999"):
                first[node] = since
    today = np.datetime64(day)
    return np.array([(today - np.datetime64(first[i])).astype(float) / 365.25
                     if i in first else np.nan for i in ids])


def pair_features(store: Store, history: History, day: dt.date, *,
                  recent_months: int = 12) -> PairFeatures:
    """Every candidate pair on ``day`` (no tie before it) with its features, from data dated
    before ``day`` only."""
    snap = history.snapshot(day)
    scores, size_u, size_t = _topology(snap)
    rows, cols, complete = _candidates(snap, sp.csr_array(scores["common_neighbours"]))
    if not len(rows):
        return PairFeatures(snap, rows, cols, np.zeros((0, len(FEATURES))), complete)
    cn = _at(scores["common_neighbours"], rows, cols)
    union = size_u[rows] + size_t[cols] - cn
    d_s = np.asarray(snap.A.sum(axis=1)).ravel()
    d_t = np.asarray(snap.A.sum(axis=0)).ravel() if not snap.one_mode else d_s
    caps = _profile(store, RelKind.HAS_CAPABILITY, day, snap)
    patents = _profile(store, RelKind.HOLDS_PATENTS_IN, day, snap)
    source_rank = _pagerank(store, day, history.source_kind, snap.sources)
    target_rank = _pagerank(store, day, history.target_kind, snap.targets)
    recent_s, recent_t = history.recent(add_duration(day, recent_months, sign=-1), day)

    def target_recent(months: int) -> np.ndarray:
        found_s, found_t = history.recent(add_duration(day, months, sign=-1), day)
        found = found_s if snap.one_mode else found_t
        counts = np.array([found.get(t, 0) for t in snap.targets], dtype=float)
        return np.asarray(counts[cols], dtype=float)

    momentum, recent_share = _peer_momentum(history, snap, recent_months)
    by_type = _type_popularity(store, history, snap, TYPE_MONTHS)
    if by_type is None:
        type_share = type_lift = np.full(len(rows), np.nan)
    else:
        shares, overall = by_type
        type_share = shares[rows, cols]
        type_lift = np.divide(type_share, overall[cols], out=np.full(len(rows), np.nan),
                              where=overall[cols] > 0)
    columns = {
        "common_neighbours": cn,
        "jaccard": np.divide(cn, union, out=np.zeros_like(cn), where=union > 0),
        "adamic_adar": _at(scores["adamic_adar"], rows, cols),
        "resource_allocation": _at(scores["resource_allocation"], rows, cols),
        "preferential_attachment": d_s[rows] * d_t[cols],
        "katz": _at(scores["katz"], rows, cols),
        "source_degree": d_s[rows],
        "target_degree": d_t[cols],
        "capability_similarity": _cosine(*caps, rows, cols),
        "capability_complement": _complement(*caps, rows, cols),
        "technology_proximity": _cosine(*patents, rows, cols),
        "source_pagerank": source_rank[rows],
        "target_pagerank": target_rank[cols],
        "industry_distance": _industry_distance(store, snap, history.target_kind, rows, cols),
        "source_recent": np.array([recent_s.get(s, 0) for s in snap.sources],
                                  dtype=float)[rows],
        "target_recent": np.array([(recent_s if snap.one_mode else recent_t).get(t, 0)
                                   for t in snap.targets], dtype=float)[cols],
        "source_tenure_years": _tenure(history, snap.day, snap.sources, "source")[rows],
        "target_tenure_years": _tenure(history, snap.day, snap.targets, "target")[cols],
        "affinity": _at(_affinity(snap), rows, cols),
        "target_recent_3m": target_recent(3),
        "target_recent_24m": target_recent(24),
        "peer_momentum": _at(momentum, rows, cols),
        "peer_momentum_lift": np.divide(_at(momentum, rows, cols), recent_share[cols],
                                        out=np.full(len(rows), np.nan),
                                        where=recent_share[cols] > 0),
        "type_popularity": type_share,
        "type_lift": type_lift,
    }
    X = np.column_stack([columns[name] for name in FEATURES])
    return PairFeatures(snap, rows, cols, X, complete)
