"""The learned link predictor: a regularised logistic regression on the pair features,
trained on the relation's own past (scikit-learn: missing values imputed with an indicator
column each, heavy-tailed counts on a log scale, standardised).

Why not trees. Gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier, the
first model here) fitted the year before each cut-off too closely: on the LF memberships
they learnt 2024's RISC-V surge and ranked 2025 22% below the best baseline (bootstrap
interval -31% to -13%). A strongly regularised linear model moves less from one regime to
the next; its settings (C = 0.01, eight windows a quarter apart) were chosen on those
back-tests, so their figures for it are optimistic (see the README).

Training never looks past the cut-off ``T``. Window ``k = 0 .. windows-1`` ends at
``e_k = T - k s`` (``s`` a quarter of the horizon ``h``) and starts at ``e_k - h``: its
features are those of the snapshot at ``e_k - h`` and its labels the pairs whose first tie
formed in ``[e_k - h, e_k)``. Every one of those dates is before ``T``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ecosystem.dates import checked_day
from ecosystem.entities.lookup import resolve_company
from ecosystem.errors import InvalidValue
from ecosystem.model import NodeKind, RelKind
from ecosystem.prediction.features import BASELINES, FEATURES, PairFeatures, pair_features
from ecosystem.prediction.history import History, add_duration, parse_horizon
from ecosystem.scanning.scan import ScanResult
from ecosystem.stores.base import Store, note_relationships

__all__ = ["Prediction", "Ranking", "Trained", "labels", "predict_links", "predicted_partners",
           "ranking", "train", "with_predictions"]

log = logging.getLogger(__name__)
#: Inverse regularisation strength of the logistic regression.
C = 0.01
#: Counts and count-like scores, taken as log(1 + x).
_LOG1P = [FEATURES.index(name) for name in (
    "common_neighbours", "adamic_adar", "resource_allocation", "preferential_attachment",
    "source_degree", "target_degree", "source_recent", "target_recent", "affinity",
    "target_recent_3m", "target_recent_24m")]
#: Small positive scores where "none at all" matters, taken as log(x + 1e-6).
_LOG = [FEATURES.index(name) for name in ("katz", "source_pagerank", "target_pagerank")]
_JACCARD = FEATURES.index("jaccard")
#: Shares and their ratios to a base rate, where small differences near 0 matter:
#: log(x + offset), the offset well below a typical value.
_LOG_SHARES = {FEATURES.index("peer_momentum"): 1e-3, FEATURES.index("peer_momentum_lift"): 1e-3,
               FEATURES.index("type_popularity"): 1e-4, FEATURES.index("type_lift"): 1e-4}


@dataclass(frozen=True)
class Trained:
    """A fitted model and what it was trained on.

    ``calibrator`` maps the model's scores to probabilities: an isotonic regression fitted
    on the latest training window, scored by a model trained on the windows before it (so
    on pairs it had not seen; steps of enough pairs, :func:`isotonic`), its output moved
    to the base rate expected when scoring (``expected_ties`` over the candidate pairs,
    :func:`_shifted`). ``check`` is the same done one window earlier and measured on the
    latest window: the reliability of probabilities on unseen data, known before any test
    (:func:`~ecosystem.prediction.backtest.reliability`).
    """

    estimator: Pipeline
    windows: tuple[tuple[dt.date, dt.date], ...]
    pairs: int
    positives: int
    calibrator: IsotonicRegression | None = None
    check: dict[str, Any] = field(default_factory=dict)
    #: A baseline blended into the model's ranking and its weight, chosen on the latest
    #: training window (``("", 0.0)``: the model alone).
    blend: tuple[str, float] = ("", 0.0)
    #: For each view, the baseline that ranked the latest training window best (what a
    #: back-test compares the model with; empty when no tie formed in that window).
    baselines: dict[str, str] = field(default_factory=dict)
    #: How many ties are expected to form in a horizon: the mean over the latest
    #: training windows (:data:`RATE_WINDOWS`); 0 when unknown.
    expected_ties: float = 0.0

    @property
    def calibrated(self) -> bool:
        """Whether its scores read as probabilities: checked on unseen data, the expected
        calibration error is at most half the base rate."""
        return bool(self.check) and self.check["ece"] <= 0.5 * self.check["base_rate"]


def labels(features: PairFeatures, formed: set[tuple[str, str]]) -> np.ndarray:
    """1 for each candidate pair whose first tie formed in the window, else 0 (unlabelled)."""
    s, t = features.snapshot.sources, features.snapshot.targets
    one_mode = features.snapshot.one_mode
    out = np.zeros(len(features.rows), dtype=np.int8)
    for k, (i, j) in enumerate(zip(features.rows, features.cols, strict=True)):
        a, b = s[i], t[j]
        if ((min(a, b), max(a, b)) if one_mode else (a, b)) in formed:
            out[k] = 1
    return out


def _scale(X: np.ndarray) -> np.ndarray:
    """The features on the scales the linear model is fitted on (``nan`` stays ``nan``)."""
    X = np.array(X, dtype=float)
    X[:, _LOG1P] = np.log1p(np.maximum(X[:, _LOG1P], 0.0))
    X[:, _LOG] = np.log(np.maximum(X[:, _LOG], 0.0) + 1e-6)
    X[:, _JACCARD] = np.log1p(10.0 * X[:, _JACCARD])
    for column, offset in _LOG_SHARES.items():
        X[:, column] = np.log(np.maximum(X[:, column], 0.0) + offset)
    return X


def estimator() -> Pipeline:
    """The untrained model: scales, imputes (the mean; 0 for a feature unknown on every
    pair, plus an indicator of where each feature was unknown), standardises, and fits an
    L2 logistic regression."""
    return make_pipeline(
        FunctionTransformer(_scale),
        SimpleImputer(add_indicator=True, keep_empty_features=True),
        StandardScaler(), LogisticRegression(C=C, max_iter=5000))


def trained_model(store: Store, history: History, cutoff: dt.date, horizon: tuple[int, int],
                  *, windows: int = 8) -> Trained:
    """:func:`train`, remembered (on disk too) until a write touches what it learnt from:
    the history's relationships (read before, so named here) and what the features read."""
    def build() -> Trained:
        note_relationships(history.kind)
        return train(store, history, cutoff, horizon, windows=windows)

    return store.cached(("trained-model", history.kind.value, cutoff, horizon, windows),
                        build, persist=True)


def train(store: Store, history: History, cutoff: dt.date, horizon: tuple[int, int], *,
          windows: int = 8) -> Trained:
    """Fit the model on up to ``windows`` horizon-long windows ending before ``cutoff``, a
    quarter of the horizon apart (see the module notes).

    Raises
    ------
    InvalidValue
        If no window fits between the history's first tie and ``cutoff``, or no tie (or
        nothing but ties) formed in the windows: nothing to learn from.
    """
    months, days = horizon
    # a quarter of the horizon (a month counted as 30 days where it does not divide), >= 1 day
    step = (months // 4, max((months % 4) * 30 // 4 + days // 4, 0 if months >= 4 else 1))
    first, _ = history.dates()
    X, y, used, windows_found = [], [], [], []
    end, tried = cutoff, 0
    for _ in range(windows):
        if end <= first:
            break
        start = add_duration(end, months, days, sign=-1)
        if start <= first:
            break
        tried += 1
        found = pair_features(store, history, start)
        target = labels(found, history.formed(start, end))
        if len(target):
            X.append(found.X)
            y.append(target)
            used.append((start, end))
            windows_found.append(found)
        end = add_duration(end, *step, sign=-1)
    total = int(sum(t.sum() for t in y))
    if total and total == sum(len(t) for t in y):
        raise InvalidValue(
            f"every candidate pair formed a {history.kind.value} tie in the {len(used)} "
            f"training window(s) before {cutoff}, so there is nothing to tell apart; choose "
            "a shorter horizon.", field="horizon", value=f"{months}m{days}d")
    if not tried:
        raise InvalidValue(
            f"the {history.kind.value} history starts on {first}: no training window of "
            f"{months} months and {days} days fits between it and {cutoff}; choose a later "
            "cut-off or a shorter horizon.", field="cutoff", value=cutoff)
    if total == 0:
        raise InvalidValue(
            f"no {history.kind.value} tie formed between known nodes in the "
            f"{tried} training window(s) before {cutoff}; choose a later cut-off or a "
            "longer horizon.", field="cutoff", value=cutoff)
    fitted = estimator().fit(np.vstack(X), np.concatenate(y))
    log.info("trained on %d windows, %d pairs, %d positives", len(used),
             sum(len(t) for t in y), total)
    bases = _baseline_scores(windows_found[0], y[0])
    held = _Held(X, y)
    blend = _chosen_blend(windows_found, X, y, bases, held)
    calibrator = _calibrator(windows_found, X, y, 0, blend, held)
    check: dict[str, Any] = {}
    earlier = _calibrator(windows_found, X, y, 1, blend, held)
    if earlier is not None:
        from ecosystem.prediction.backtest import reliability

        raw = _blended(held(2).predict_proba(X[0])[:, 1], windows_found[0], blend)
        check = reliability(_shifted(_probability(earlier, raw), _expected_ties(y[1:])),
                            y[0])
    from ecosystem.prediction.backtest import VIEWS

    chosen = {view: max(bases.values(), key=lambda r: np.nan_to_num(r.view(view), nan=-1.0))
              .method for view in VIEWS} if bases else {}
    return Trained(fitted, tuple(used), int(sum(len(t) for t in y)), total, calibrator, check,
                   blend, chosen, _expected_ties(y))


def _baseline_scores(window: PairFeatures, labels0: np.ndarray) -> dict[str, Any]:
    """Each baseline's scores (:class:`~ecosystem.prediction.backtest.MethodScore`) on the
    latest training window; empty when no tie formed in it."""
    if not labels0.sum():
        return {}
    from ecosystem.prediction.backtest import _score

    tiebreak = np.random.default_rng(0).permutation(len(labels0))
    return {name: _score(name, window, window.column(name), labels0, 5, tiebreak)
            for name in BASELINES}


#: Weights of a baseline's ranking blended into the model's (0: the model alone).
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75)


def _blended(raw: np.ndarray, features: PairFeatures, blend: tuple[str, float]) -> np.ndarray:
    """The model's scores with a baseline's blended in: ``(1 - w)`` times the model's rank
    percentile plus ``w`` times the baseline's (the raw scores when ``w`` is 0)."""
    from scipy.stats import rankdata

    name, weight = blend
    if not weight or not len(raw):
        return raw
    base = np.nan_to_num(features.column(name), nan=0.0)
    return np.asarray(((1 - weight) * rankdata(raw) + weight * rankdata(base)) / len(raw),
                      dtype=float)


class _Held:
    """Models fitted on the training windows from the ``k``-th on (``X[0]`` is the latest
    window), each fitted once: the blend, both calibrators and their check ask for the
    same two."""

    def __init__(self, X: list[np.ndarray], y: list[np.ndarray]) -> None:
        self._X, self._y = X, y
        self._fitted: dict[int, Pipeline] = {}

    def __call__(self, k: int) -> Pipeline:
        if k not in self._fitted:
            self._fitted[k] = estimator().fit(np.vstack(self._X[k:]),
                                              np.concatenate(self._y[k:]))
        return self._fitted[k]


def _chosen_blend(found: list[PairFeatures], X: list[np.ndarray], y: list[np.ndarray],
                  bases: dict[str, Any], held: _Held) -> tuple[str, float]:
    """The baseline and weight to blend into the model, chosen on the latest training
    window with a model trained on the windows before it: the blend whose per-source,
    per-target and pooled scores are highest relative to the best baseline of each (their
    geometric mean). The model alone when there is too little to choose on."""
    rest = np.concatenate(y[1:]) if len(y) > 1 else np.zeros(0)
    if len(y) < 2 or not rest.sum() or rest.all() or not y[0].sum() or y[0].all():
        return ("", 0.0)
    from ecosystem.prediction.backtest import VIEWS, _score

    raw = held(1).predict_proba(X[0])[:, 1]
    window, labels0 = found[0], y[0]
    tiebreak = np.random.default_rng(0).permutation(len(labels0))
    best = {v: max(np.nan_to_num(b.view(v), nan=0.0) for b in bases.values()) for v in VIEWS}
    names = {max(bases, key=lambda n: np.nan_to_num(bases[n].view(v), nan=0.0))
             for v in VIEWS}

    def value(blend: tuple[str, float]) -> float:
        tried = _score("blend", window, _blended(raw, window, blend), labels0, 5, tiebreak)
        ratios = [max(np.nan_to_num(tried.view(v), nan=0.0), 1e-9) / best[v]
                  for v in VIEWS if best[v] > 0]
        return float(np.mean(np.log(ratios))) if ratios else 0.0

    options = [("", 0.0)] + [(n, w) for n in sorted(names) for w in BLEND_WEIGHTS if w]
    return max(options, key=value)


#: How many of the latest training windows (one horizon long, ending a quarter of a
#: horizon apart) the expected number of new ties is averaged over.
RATE_WINDOWS = 4


def _expected_ties(y: list[np.ndarray]) -> float:
    """The mean number of ties formed in the first :data:`RATE_WINDOWS` of ``y``."""
    counts = [float(t.sum()) for t in y[:RATE_WINDOWS]]
    return float(np.mean(counts)) if counts else 0.0


def _shifted(probability: np.ndarray, expected_ties: float) -> np.ndarray:
    """Probabilities moved to a new base rate (a prior-shift adjustment [1]_).

    The isotonic map learns the share of pairs that formed a tie in one training window,
    but that share moves from window to window: the candidate pairs grow with every
    company that joins while the number of new ties per horizon stays about level. So the
    base rate expected now is the recent mean number of new ties over today's candidates,
    and every probability's odds are scaled by one factor, found (by bisection on its
    logarithm) so that the probabilities' mean is that rate. Ranks do not change.

    References
    ----------
    .. [1] Saerens, M., Latinne, P. & Decaestecker, C. (2002). Adjusting the outputs of a
       classifier to new a priori probabilities: a simple procedure. Neural Computation
       14(1), 21-41.

    Examples
    --------
    >>> p = _shifted(np.array([0.1, 0.3]), 0.1)  # 2 pairs, 0.1 ties expected: rate 0.05
    >>> bool(p[0] < p[1]), round(float(p.mean()), 2)
    (True, 0.05)
    """
    if not len(probability) or expected_ties <= 0:
        return probability
    implied = float(probability.mean())
    wanted = min(expected_ties / len(probability), 1.0 - 1e-9)
    if not 0.0 < implied < 1.0:
        return probability
    # the odds ratio that brings the mean to the wanted rate (a few bisection steps on
    # the log scale, since scaling every pair's odds does not scale their mean exactly)
    low, high = -30.0, 30.0
    odds = probability / np.maximum(1.0 - probability, 1e-12)
    for _ in range(60):
        middle = (low + high) / 2
        scaled = odds * np.exp(middle)
        if float((scaled / (1.0 + scaled)).mean()) < wanted:
            low = middle
        else:
            high = middle
    scaled = odds * np.exp((low + high) / 2)
    return np.asarray(scaled / (1.0 + scaled), dtype=float)


def _calibrator(found: list[PairFeatures], X: list[np.ndarray], y: list[np.ndarray],
                at: int, blend: tuple[str, float], held: _Held) -> IsotonicRegression | None:
    """Isotonic regression of window ``at``'s labels on the (blended) scores of a model
    trained on the windows before it (None when there are too few windows or labels)."""
    rest = np.concatenate(y[at + 1:]) if len(y) > at + 1 else np.zeros(0)
    if len(y) <= at + 1 or not rest.sum() or rest.all() or not y[at].sum() or y[at].all():
        return None
    raw = _blended(held(at + 1).predict_proba(X[at])[:, 1], found[at], blend)
    return isotonic(raw, y[at])


def isotonic(raw: np.ndarray, y: np.ndarray) -> IsotonicRegression:
    """An isotonic regression of ``y`` on ``raw`` whose every step rests on at least one
    base rate's worth of pairs (``1 / mean(y)``: enough to hold one tie at the base rate),
    drawn through the steps' centres.

    Plain isotonic regression gives the best-scored pairs the share of them that formed a
    tie, however few they are: one top pair that formed one makes a step of probability 1.
    So, from the top down, a step with fewer pairs is merged into the one below it (their
    pooled share; merging neighbours keeps the steps increasing). Then, as centred isotonic
    regression does [1]_, the map runs in straight lines between the steps' mean scores
    (flat beyond the first and the last), so that pairs of one step are not all given the
    same probability.

    References
    ----------
    .. [1] Oron, A. P. & Flournoy, N. (2017). Centered isotonic regression: point and
       interval estimation for dose-response studies. Statistics in Biopharmaceutical
       Research 9(3), 258-267.

    Examples
    --------
    >>> raw = np.arange(1000) / 1000
    >>> y = np.zeros(1000); y[[200, 600, 999]] = 1  # a base rate of 3 in 1000
    >>> float(IsotonicRegression().fit(raw, y).predict([0.999])[0])
    1.0
    >>> m = isotonic(raw, y)  # steps of 200, 400 and 400 pairs, the top 400 with 2 ties
    >>> [round(float(v), 5) for v in m.predict([0.0995, 0.3995, 0.6, 0.7995, 0.999])]
    [0.0, 0.0025, 0.00375, 0.005, 0.005]
    """
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, y)
    rate = float(np.mean(y)) if len(y) else 0.0
    if not 0.0 < rate < 1.0:
        return fitted
    smallest = int(np.ceil(1.0 / rate))
    order = np.argsort(raw, kind="stable")
    level = fitted.predict(raw[order])
    labels = np.asarray(y, dtype=float)[order]
    starts = [int(i) for i in np.r_[0, np.flatnonzero(np.diff(level)) + 1]]
    steps = [[a, b] for a, b in zip(starts, [*starts[1:], len(order)], strict=True)]
    for i in range(len(steps) - 1, 0, -1):  # top down; the lowest step stays as it is
        if steps[i][1] - steps[i][0] < smallest:
            steps[i - 1][1] = steps.pop(i)[1]
    ranked = np.asarray(raw, dtype=float)[order]
    centres = np.array([ranked[a:b].mean() for a, b in steps])
    rates = np.array([labels[a:b].mean() for a, b in steps])
    sizes = np.array([b - a for a, b in steps], dtype=float)
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(
        centres, rates, sample_weight=sizes)


def _probability(calibrator: IsotonicRegression | None, raw: np.ndarray) -> np.ndarray:
    """Calibrated probabilities, in the raw scores' order: the isotonic fit is a step
    function, so a tiny share of the raw score keeps pairs of one step in their order."""
    if calibrator is None:
        return raw
    return np.clip(np.asarray(calibrator.predict(raw), dtype=float) + 1e-9 * raw, 0.0, 1.0)


def scores(trained: Trained, features: PairFeatures) -> np.ndarray:
    """The model's probability that each candidate pair forms a tie within the horizon."""
    if not len(features.rows):
        return np.zeros(0)
    raw = np.asarray(trained.estimator.predict_proba(features.X)[:, 1], dtype=float)
    probability = _probability(trained.calibrator, _blended(raw, features, trained.blend))
    if trained.calibrator is None:
        return probability
    return _shifted(probability, trained.expected_ties)


@dataclass(frozen=True)
class Prediction:
    """A pair likely to form a tie, its score and the evidence behind it."""

    source: str
    target: str
    score: float
    evidence: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "score": round(self.score, 6),
                "evidence": self.evidence}

    def explain(self) -> str:
        e = self.evidence

        def num(name: str) -> str:
            value = e.get(name)
            return "unknown" if value is None else f"{value:.3g}"

        return (f"{num('common_neighbours')} common neighbours (Adamic-Adar "
                f"{num('adamic_adar')}), degrees {num('source_degree')} and "
                f"{num('target_degree')}, recent ties {num('source_recent')} and "
                f"{num('target_recent')}, affinity {num('affinity')}, capability "
                f"similarity {num('capability_similarity')}; co-members tying with it "
                f"{num('peer_momentum_lift')}x as often as everyone lately, "
                f"{num('type_lift')}x as popular with this type of organisation")


def _evidence(features: PairFeatures, k: int) -> dict[str, float | None]:
    return {name: (None if np.isnan(v) else round(float(v), 6))
            for name, v in zip(FEATURES, features.X[k], strict=True)}


def predict_links(store: Store, relation: RelKind | str, *, as_of: dt.date,
                  company: str | None = None, target: str | None = None,
                  top: int | None = 20, horizon: str = "1y",
                  windows: int = 8) -> list[Prediction]:
    """The pairs most likely to form a ``relation`` tie within ``horizon`` after ``as_of``,
    scored by the learned model trained on the history before ``as_of``.

    Parameters
    ----------
    relation
        A dated relationship kind, e.g. ``member_of`` or ``partners_with``.
    as_of
        The day to predict from; nothing dated on or after it is used.
    company
        Only pairs involving this company (an id or a name).
    target
        Only pairs with this target: who joins this programme (or ties with this
        company) next; ``programme:cncf``, or an id of the relation's target kind.
    top
        How many pairs (1 to 10,000); None: every candidate pair.
    horizon
        The window the model is trained to look ahead (``1y``, ``18m``, ``90d``).

    Raises
    ------
    InvalidValue
        For an unknown relation, an undated history, a bad horizon or ``top``, a target
        of another kind than the relation's, or a history too short to train on.
    NodeNotFound
        For an unknown company or target.
    """
    return ranking(store, relation, as_of=as_of, company=company, target=target, top=top,
                   horizon=horizon, windows=windows).predictions


@dataclass(frozen=True)
class Ranking:
    """Predicted pairs, best first, and whether their scores read as probabilities."""

    predictions: list[Prediction]
    calibrated: bool
    check: dict[str, Any]


def ranking(store: Store, relation: RelKind | str, *, as_of: dt.date,
            company: str | None = None, target: str | None = None, top: int | None = 20,
            horizon: str = "1y", windows: int = 8) -> Ranking:
    """:func:`predict_links` with the calibration check of the model behind it
    (:attr:`Trained.calibrated`)."""
    if top is not None and not 1 <= top <= 10_000:
        raise InvalidValue(f"top is {top}; give 1 to 10000 (or write every pair to a file "
                           "with --out).", field="top", value=top)
    day = checked_day(as_of)
    history = History(store, relation)
    wanted = _target(store, history, target) if target is not None else None
    trained = trained_model(store, history, day, parse_horizon(horizon), windows=windows)
    features = pair_features(store, history, day)
    score = scores(trained, features)
    s, t = features.snapshot.sources, features.snapshot.targets
    pairs = list(zip(features.rows, features.cols, strict=True))
    keep = np.ones(len(score), dtype=bool)
    if company is not None:
        focal = resolve_company(store, company)
        on_source = history.source_kind is NodeKind.COMPANY
        keep &= np.array([(on_source and s[i] == focal) or
                          (history.target_kind is NodeKind.COMPANY and t[j] == focal)
                          for i, j in pairs], dtype=bool)
    if wanted is not None:
        keep &= np.array([t[j] == wanted or (history.one_mode and s[i] == wanted)
                          for i, j in pairs], dtype=bool)
    chosen = np.flatnonzero(keep)
    order = chosen[np.argsort(-score[chosen], kind="stable")]
    if top is not None:
        order = order[:top]
    found = [Prediction(s[features.rows[k]], t[features.cols[k]], float(score[k]),
                        _evidence(features, k)) for k in order]
    if wanted is not None and history.one_mode:  # the target on the target side
        found = [p if p.target == wanted else replace(p, source=p.target, target=p.source)
                 for p in found]
    return Ranking(found, trained.calibrated, trained.check)


def _target(store: Store, history: History, target: str) -> str:
    """The id of ``target`` (``kind:id`` or an id), checked to be a node of the relation's
    target kind."""
    kind_text, sep, id = target.partition(":")
    if sep and kind_text in {k.value for k in NodeKind}:
        if NodeKind(kind_text) is not history.target_kind:
            raise InvalidValue(
                f"target {target!r} is a {kind_text}, but {history.kind.value} ties go to "
                f"{history.target_kind.value} nodes; give one, e.g. "
                f"{history.target_kind.value}:ID.", field="target", value=target)
    else:
        id = target
    if history.target_kind is NodeKind.COMPANY:
        return resolve_company(store, id)
    return store.node(history.target_kind, id).id  # NodeNotFound with close ids


def predicted_partners(store: Store, company: str, relation: RelKind | str, *,
                       as_of: dt.date, top: int = 200, horizon: str = "1y"
                       ) -> dict[str, tuple[float, str]]:
    """Companies the model expects to come closer to ``company`` after ``as_of``: for a
    company-company relation, those predicted to tie with it; for a company-programme
    relation, those predicted to join a programme it is in.
    ``{company id: (score, why)}``, best score per company."""
    focal = resolve_company(store, company)
    history = History(store, relation)
    if history.one_mode:
        found = predict_links(store, relation, as_of=as_of, company=focal, top=top,
                              horizon=horizon)
        return {(p.target if p.source == focal else p.source):
                (p.score, f"predicted {history.kind.value} tie, score {p.score:.3f}")
                for p in found}
    day = checked_day(as_of)
    mine = {r.target for r in store.relationships(history.kind, node=(history.source_kind,
                                                                      focal), as_of=day)
            if r.source == focal}
    out: dict[str, tuple[float, str]] = {}
    for p in predict_links(store, relation, as_of=day, top=10_000, horizon=horizon):
        if p.target in mine and p.source != focal and (p.source not in out
                                                       or p.score > out[p.source][0]):
            out[p.source] = (p.score, f"predicted to join {p.target} ({history.kind.value}), "
                                      f"where {focal} is, score {p.score:.3f}")
    return dict(sorted(out.items(), key=lambda kv: -kv[1][0])[:top])


def with_predictions(result: ScanResult, predicted: dict[str, tuple[float, str]]) -> ScanResult:
    """The scan result with each predicted candidate's prediction added to its reasons."""
    return replace(result, candidates=tuple(
        replace(c, reasons=(*c.reasons, predicted[c.company][1])) if c.company in predicted
        else c for c in result.candidates))
