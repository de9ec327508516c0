"""Time-split back-tests: predict the ties that formed after a cut-off from what was known
before it, and score every predictor the same way.

Given a cut-off ``T`` and a horizon ``h``, the test pairs are the candidate pairs of the
snapshot at ``T`` (both ends with ties before ``T``, no tie between them before ``T``); the
positives are those whose first tie formed in ``[T, T + h)``. Ties formed by nodes with no
history before ``T`` cannot be ranked by any of these predictors; they are counted and
reported, not scored. The learned model is trained on windows that end at ``T``
(:func:`~ecosystem.prediction.model.train`).

Metrics. A pair with no tie in the window is *unlabelled*, not a certain negative: the tie
may form later or go unrecorded. Recall@k and Hits@k use the positives only. AUC and
average precision need negatives, so they treat unlabelled pairs as negatives, which makes
them lower bounds (in the positive-unlabelled sense, AUC is the chance that a positive
outranks an unlabelled pair). MAP is the mean, over sources with at least one positive, of
the average precision of that source's ranked candidates (one-mode pairs are ranked from
both ends).

Uncertainty. The test ties are few (tens to a few hundred companies), so the model's gain
over the best baseline comes with a paired bootstrap interval over companies
(:meth:`Backtest.map_gain_interval`); the best baseline is picked on the test window itself,
which favours the baselines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from ecosystem.dates import checked_day
from ecosystem.errors import InvalidValue
from ecosystem.model import RelKind
from ecosystem.prediction.coldstart import cold_start
from ecosystem.prediction.features import BASELINES, PairFeatures, pair_features
from ecosystem.prediction.history import History, add_duration, parse_horizon
from ecosystem.prediction.metrics import group_average_precision, weighted_average_precision
from ecosystem.prediction.model import labels, scores, trained_model
from ecosystem.progress import steps
from ecosystem.stores.base import Store

__all__ = ["VIEWS", "Backtest", "MethodScore", "backtest", "reliability"]

MODEL = "model"
#: The three ways a ranking is judged: per source, per target, and all pairs pooled.
VIEWS = ("source", "target", "pooled")


@dataclass(frozen=True)
class MethodScore:
    """How well one predictor ranked the test pairs."""

    method: str
    auc: float
    average_precision: float
    map: float
    hits_at_k: float
    recall_at_k: float
    #: Recall@k of each source with at least one positive.
    per_company_recall: dict[str, float] = field(repr=False, default_factory=dict)
    #: Average precision of each source with at least one positive (MAP is their mean).
    per_company_ap: dict[str, float] = field(repr=False, default_factory=dict)
    #: MAP over targets (a programme's or a company's next ties ranked among all
    #: candidates for it); for a one-mode relation the same as :attr:`map`.
    target_map: float = float("nan")
    #: Average precision of each target with at least one positive.
    per_target_ap: dict[str, float] = field(repr=False, default_factory=dict)
    #: For each view, a 95% bootstrap interval of :meth:`view` (sources or targets
    #: resampled; for the pooled view, sources' pairs reweighted), ``(low, high)``.
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)

    def view(self, name: str) -> float:
        """The score of one of the three views: ``source``, ``target`` or ``pooled``."""
        return {"source": self.map, "target": self.target_map,
                "pooled": self.average_precision}[name]


@dataclass(frozen=True)
class Backtest:
    """A back-test: its set-up, its counts and every predictor's scores."""

    relation: str
    cutoff: dt.date
    horizon: str
    end: dt.date
    k: int
    candidates: int
    test_ties: int
    formed_in_window: int
    new_node_ties: int
    training_windows: tuple[tuple[dt.date, dt.date], ...]
    training_pairs: int
    training_positives: int
    results: tuple[MethodScore, ...]
    #: For each view, the baseline that ranked best on the latest training window (chosen
    #: before the test window is looked at).
    chosen: dict[str, str] = field(default_factory=dict)
    #: For each view: the model's relative gain over the chosen baseline and its 95%
    #: bootstrap interval, ``(gain, low, high)``.
    gains: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    #: Brier score, expected calibration error and the reliability curve of the model's
    #: probabilities on the test window.
    calibration: dict[str, Any] = field(default_factory=dict)
    #: Companies with no tie of the relation before the cut-off that formed one in the
    #: window, ranked by the cold-start model and by popularity.
    cold_start: dict[str, Any] = field(default_factory=dict)
    #: The baseline blended into the model's ranking and its weight (chosen in training).
    blend: tuple[str, float] = ("", 0.0)

    @property
    def best_baseline(self) -> MethodScore:
        """The baseline chosen for the per-source view on the training period (the best on
        the test window when none was chosen)."""
        name = self.chosen.get("source")
        if name is not None:
            return next(r for r in self.results if r.method == name)
        return max((r for r in self.results if r.method != MODEL), key=lambda r: r.map)

    @property
    def model(self) -> MethodScore:
        return next(r for r in self.results if r.method == MODEL)

    @property
    def map_gain(self) -> float:
        """The model's MAP relative to the best baseline's, minus one."""
        best = self.best_baseline.map
        return self.model.map / best - 1.0 if best > 0 else float("inf")

    def map_gain_interval(self, level: float = 0.95, *, draws: int = 2000,
                          seed: int = 0) -> tuple[float, float]:
        """A paired bootstrap interval of :attr:`map_gain`: the companies with a test tie
        are resampled with replacement, and the model's and the best baseline's MAP are
        recomputed on each resample (percentile interval, fixed seed).

        With a hundred or so companies a gain of a few percent is within the interval's
        width; read a gain as real only when the interval excludes zero.
        """
        return _gain_interval(self.model.per_company_ap, self.best_baseline.per_company_ap,
                              level=level, draws=draws, seed=seed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "relation": self.relation, "cutoff": self.cutoff.isoformat(),
            "horizon": self.horizon, "end": self.end.isoformat(), "k": self.k,
            "candidates": self.candidates,
            "test_ties": self.test_ties, "formed_in_window": self.formed_in_window,
            "new_node_ties": self.new_node_ties,
            "training": {"windows": [[d.isoformat() for d in w] for w in self.training_windows],
                         "pairs": self.training_pairs, "positives": self.training_positives,
                         "blend": {"baseline": self.blend[0] or None,
                                   "weight": self.blend[1]}},
            "best_baseline": self.best_baseline.method, "map_gain": round(self.map_gain, 4),
            "map_gain_95": [round(v, 4) for v in self.map_gain_interval()],
            "views": {view: {"baseline": self.chosen.get(view),
                             "model": _round(self.model.view(view)),
                             "baseline_score": _round(next(
                                 r for r in self.results
                                 if r.method == self.chosen.get(view)).view(view))
                             if self.chosen.get(view) else None,
                             "gain": _finite(self.gains[view][0]),
                             "gain_95": [_finite(self.gains[view][1]),
                                         _finite(self.gains[view][2])]}
                      for view in VIEWS if view in self.gains},
            "calibration": self.calibration,
            "cold_start": self.cold_start,
            "results": [{"method": r.method, "auc": _round(r.auc),
                         "average_precision": _round(r.average_precision), "map": _round(r.map),
                         "target_map": _round(r.target_map),
                         "intervals_95": {view: [_round(low), _round(high)]
                                          for view, (low, high) in r.intervals.items()},
                         f"hits_at_{self.k}": _round(r.hits_at_k),
                         f"recall_at_{self.k}": _round(r.recall_at_k),
                         "per_company_recall": r.per_company_recall,
                         "per_company_ap": {c: round(v, 4) for c, v in r.per_company_ap.items()}}
                        for r in self.results],
            "note": "Pairs without a tie in the window are unlabelled: AUC and average "
                    "precision count them as negatives (lower bounds); recall and hits use "
                    "positives only.",
        }

    def table(self) -> str:
        """The results as a text table."""
        lines = [f"{'method':<26}{'MAP':>8}{'tMAP':>8}{'AUC':>8}{'AP':>8}"
                 f"{f'Hits@{self.k}':>9}{f'Recall@{self.k}':>11}"]
        for r in sorted(self.results, key=lambda r: -r.map):
            lines.append(f"{r.method:<26}{r.map:>8.3f}{r.target_map:>8.3f}{r.auc:>8.3f}"
                         f"{r.average_precision:>8.3f}{r.hits_at_k:>9.3f}"
                         f"{r.recall_at_k:>11.3f}")
        names = {"source": "per source (MAP)", "target": "per target (MAP)",
                 "pooled": "pooled pairs (AP)"}
        if any(r.intervals for r in self.results):
            lines.append("")
            lines.append(f"{'95% intervals':<26}" + "".join(
                f"{names[v]:>20}" for v in VIEWS))
            for r in sorted(self.results, key=lambda r: -r.map):
                lines.append(f"{r.method:<26}" + "".join(
                    f"{_span(r.intervals.get(v)):>20}" for v in VIEWS))
        if self.gains:
            lines.append("")
            for view, (gain, low, high) in self.gains.items():
                lines.append(f"{names[view]:<20} model vs {self.chosen[view]} (chosen on "
                             f"training): {gain:+.1%} [{low:+.1%}, {high:+.1%}]")
        if self.calibration:
            c = self.calibration
            lines.append(f"calibration: Brier {c['brier']:.5f}, expected calibration error "
                         f"{c['ece']:.5f} (base rate {c['base_rate']:.5f}); the "
                         f"{c['top']['pairs']} most probable pairs: "
                         f"{c['top']['expected']:.1f} ties expected, "
                         f"{c['top']['formed']} formed")
        if self.cold_start:
            c = self.cold_start
            lines.append(f"cold start: {c['companies']} new companies, MAP {c['model_map']:.3f} "
                         f"vs popularity {c['popularity_map']:.3f}")
        return "\n".join(lines)


def _span(interval: tuple[float, float] | None) -> str:
    if interval is None or not all(np.isfinite(interval)):
        return "-"
    return f"{interval[0]:.3f} to {interval[1]:.3f}"


def _finite(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def _round(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def _ranked(features: PairFeatures, score: np.ndarray, y: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source, score, label) of every candidate, both ends for a one-mode relation."""
    if features.snapshot.one_mode:
        return (np.concatenate([features.rows, features.cols]), np.concatenate([score, score]),
                np.concatenate([y, y]))
    return features.rows, score, y


def _per_group(groups: np.ndarray, names: tuple[str, ...], s: np.ndarray, label: np.ndarray,
               brk: np.ndarray, k: int) -> tuple[dict[str, float], list[float],
                                                 dict[str, float]]:
    """Average precision, hit@k and recall@k of each group (a source or a target) that
    has at least one positive, its candidates ranked best first (ties in a fixed order
    for hit@k and recall@k)."""
    ids, ap = group_average_precision(groups, s, label)
    order = np.lexsort((brk, -s, groups))
    g = groups[order]
    starts = np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, dtype=bool)
    first = np.flatnonzero(starts)
    rank = np.arange(len(g)) - np.repeat(first, np.diff(np.r_[first, len(g)]))
    top = np.bincount(g, weights=label[order] * (rank < k), minlength=len(names))
    positives = np.bincount(groups, weights=label, minlength=len(names))
    aps = {names[i]: float(a) for i, a in zip(ids.tolist(), ap.tolist(), strict=True)}
    hits = [float(top[i] > 0) for i in ids.tolist()]
    recalls = {names[i]: round(float(top[i] / positives[i]), 4) for i in ids.tolist()}
    return aps, hits, recalls


def _score(method: str, features: PairFeatures, score: np.ndarray, y: np.ndarray,
           k: int, tiebreak: np.ndarray) -> MethodScore:
    auc = roc_auc_score(y, score) if 0 < y.sum() < len(y) else np.nan
    ap = average_precision_score(y, score) if y.sum() else np.nan
    source, s, label = _ranked(features, score, y)
    brk = np.concatenate([tiebreak, tiebreak]) if features.snapshot.one_mode else tiebreak
    aps, hits, recalls = _per_group(source, features.snapshot.sources, s, label, brk, k)
    if features.snapshot.one_mode:
        target_aps = aps
    else:
        target_aps, _, _ = _per_group(features.cols, features.snapshot.targets, score, y,
                                      tiebreak, k)
    return MethodScore(method, float(auc), float(ap), float(np.mean(list(aps.values()))),
                       float(np.mean(hits)), float(np.mean(list(recalls.values()))), recalls,
                       aps, float(np.mean(list(target_aps.values()))), target_aps)


def backtest(store: Store, relation: RelKind | str, *, cutoff: dt.date, horizon: str = "1y",
             k: int = 5, windows: int = 8, progress: bool = False) -> Backtest:
    """Back-test every predictor: know only what was there before ``cutoff``, predict the
    ties that formed in the ``horizon`` after it.

    Raises
    ------
    InvalidValue
        If no tie between known nodes formed in the test window (there is nothing to
        score), or for a bad relation, horizon or ``k``.
    """
    if not 1 <= k <= 1000:
        raise InvalidValue(f"k is {k}; give 1 to 1000.", field="k", value=k)
    day = checked_day(cutoff, field="cutoff")
    months, days = parse_horizon(horizon)
    end = add_duration(day, months, days)
    with steps(["history", "features", "training", "scoring"], enabled=progress,
               desc="back-test") as bar:
        return _backtest(store, relation, day, horizon, (months, days), end, k, windows, bar)


def _backtest(store: Store, relation: RelKind | str, day: dt.date, horizon: str,
              duration: tuple[int, int], end: dt.date, k: int, windows: int,
              bar: Any) -> Backtest:
    bar.set_postfix_str("history")
    history = History(store, relation)
    bar.update()
    bar.set_postfix_str("features")
    features = pair_features(store, history, day)
    bar.update()
    formed = history.formed(day, end)
    y = labels(features, formed)
    snap = features.snapshot
    known_s, known_t = set(snap.sources), set(snap.targets)
    new_nodes = sum(1 for a, b in formed if a not in known_s or b not in known_t)
    if y.sum() == 0:
        raise InvalidValue(
            f"no {history.kind.value} tie formed in [{day}, {end}) between nodes known before "
            f"{day} ({len(formed)} formed, {new_nodes} of them by new nodes): there is "
            "nothing to test. Choose another cut-off or a longer horizon.",
            field="cutoff", value=day.isoformat())
    bar.set_postfix_str("training")
    trained = trained_model(store, history, day, duration, windows=windows)
    bar.update()
    bar.set_postfix_str("scoring")
    tiebreak = np.random.default_rng(0).permutation(len(y))
    probability = scores(trained, features)
    ranked = {**{name: features.column(name) for name in BASELINES}, MODEL: probability}
    results = _with_intervals([_score(name, features, score, y, k, tiebreak)
                               for name, score in ranked.items()], features, ranked, y,
                              tiebreak)
    # chosen on the latest training window, before the test window is looked at
    chosen = trained.baselines or dict.fromkeys(VIEWS, "preferential_attachment")
    by_name = {r.method: r for r in results}
    gains = {}
    for view in VIEWS:
        base = by_name[chosen[view]]
        if view == "pooled":
            low, high = _pooled_interval(features.rows, y, probability,
                                         features.column(chosen[view]), tiebreak)
        else:
            low, high = _gain_interval(_groups(by_name[MODEL], view), _groups(base, view))
        gains[view] = (_relative(by_name[MODEL].view(view), base.view(view)), low, high)
    cold = cold_start(store, history, day, end)
    bar.update()
    return Backtest(history.kind.value, day, horizon, end, k, len(y), int(y.sum()),
                    len(formed), new_nodes, trained.windows, trained.pairs,
                    trained.positives, tuple(results), chosen, gains,
                    reliability(probability, y), cold, trained.blend)


def _relative(ours: float, theirs: float) -> float:
    return ours / theirs - 1.0 if theirs > 0 else float("inf")


def _groups(result: MethodScore, view: str) -> dict[str, float]:
    """The average precision of each source (``view="source"``) or target."""
    return result.per_company_ap if view == "source" else result.per_target_ap


#: Bootstrap draws: groups resampled for the per-source and per-target views, and sources'
#: pairs reweighted for the pooled view (each draw re-ranks nothing but sums again).
GROUP_DRAWS = 2000
POOLED_DRAWS = 200


def _group_means(values: dict[str, float], names: list[str], *, draws: int = GROUP_DRAWS,
                 seed: int = 0) -> np.ndarray:
    """The mean of ``values`` over ``names`` resampled with replacement, once per draw
    (the same resamples for every predictor with the same names and seed: paired)."""
    a = np.array([values[n] for n in names])
    picks = np.random.default_rng(seed).integers(0, len(names), size=(draws, len(names)))
    return np.asarray(a[picks].mean(axis=1), dtype=float)


def _gain_interval(ours: dict[str, float], theirs: dict[str, float], *,
                   level: float = 0.95, draws: int = GROUP_DRAWS, seed: int = 0
                   ) -> tuple[float, float]:
    """A paired bootstrap interval of the relative gain of the mean of ``ours`` over the
    mean of ``theirs``, the groups (sources or targets) resampled with replacement."""
    names = sorted(set(ours) & set(theirs))
    if not names:
        return float("nan"), float("nan")
    a = _group_means(ours, names, draws=draws, seed=seed)
    b = _group_means(theirs, names, draws=draws, seed=seed)
    gains = np.divide(a, b, out=np.full(draws, np.inf), where=b > 0) - 1.0
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(gains, [tail, 100 - tail])
    return float(low), float(high)


def _with_intervals(results: list[MethodScore], features: PairFeatures,
                    ranked: dict[str, np.ndarray], y: np.ndarray, tiebreak: np.ndarray
                    ) -> list[MethodScore]:
    """Each result with a 95% bootstrap interval of its score in each view (the same
    resamples for every predictor)."""
    out = []
    for r in results:
        intervals: dict[str, tuple[float, float]] = {}
        for view in ("source", "target"):
            names = sorted(_groups(r, view))
            if names:
                low, high = np.percentile(_group_means(_groups(r, view), names), [2.5, 97.5])
                intervals[view] = (float(low), float(high))
        if y.sum():
            # a draw that weights every positive 0 has no average precision
            low, high = np.nanpercentile(_pooled_draws(features.rows, y, ranked[r.method],
                                                       tiebreak), [2.5, 97.5])
            intervals["pooled"] = (float(low), float(high))
        out.append(replace(r, intervals=intervals))
    return out


def _pooled_draws(groups: np.ndarray, y: np.ndarray, score: np.ndarray,
                  tiebreak: np.ndarray, *, draws: int = POOLED_DRAWS, seed: int = 0
                  ) -> np.ndarray:
    """Pooled average precision under ``draws`` bootstrap resamples of the sources
    (Poisson weights per source, so that pairs of one source move together; the same
    weights for every predictor with the same seed: paired)."""
    order = np.lexsort((tiebreak, -score))
    rng = np.random.default_rng(seed)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    labels, ranked_groups, ties = y[order], groups[order], -score[order]
    return np.array([weighted_average_precision(labels, rng.poisson(1.0, n_groups).astype(float)
                                  [ranked_groups], ties) for _ in range(draws)])


def _pooled_interval(groups: np.ndarray, y: np.ndarray, ours: np.ndarray,
                     theirs: np.ndarray, tiebreak: np.ndarray, *, draws: int = POOLED_DRAWS,
                     seed: int = 0) -> tuple[float, float]:
    """A bootstrap interval of the relative gain in pooled average precision, sources
    resampled (:func:`_pooled_draws`, paired)."""
    a = _pooled_draws(groups, y, ours, tiebreak, draws=draws, seed=seed)
    b = _pooled_draws(groups, y, theirs, tiebreak, draws=draws, seed=seed)
    gains = np.divide(a, b, out=np.full(draws, np.inf), where=b > 0) - 1.0
    low, high = np.percentile(gains, [2.5, 97.5])
    return float(low), float(high)


#: The head of a ranking whose calibration is reported on its own (what a user reads).
TOP_PAIRS = 20


def reliability(probability: np.ndarray, y: np.ndarray, *, bins: int = 10,
                top: int = TOP_PAIRS) -> dict[str, Any]:
    """Brier score, expected calibration error and the reliability curve: the pairs in
    ``bins`` groups of equal size by predicted probability, each with its mean prediction
    and the share that formed a tie. ``top``: the ``top`` most probable pairs, the ties
    their probabilities add up to (``expected``) and the ties that formed (``formed``);
    equal-sized groups hide the head of the list, where a few pairs decide.

    Examples
    --------
    >>> r = reliability(np.array([0.1, 0.1, 0.9, 0.9]), np.array([0, 0, 1, 1]), bins=2,
    ...                 top=3)
    >>> r["brier"], r["ece"], [b["observed"] for b in r["curve"]], r["top"]
    (0.01, 0.1, [0.0, 1.0], {'pairs': 3, 'expected': 1.9, 'formed': 2})
    """
    if not len(y):
        return {}
    order = np.argsort(probability, kind="stable")
    curve = []
    ece = 0.0
    for part in np.array_split(order, min(bins, len(order))):
        if not len(part):
            continue
        predicted = float(probability[part].mean())
        observed = float(y[part].mean())
        ece += len(part) / len(y) * abs(predicted - observed)
        curve.append({"predicted": round(predicted, 6), "observed": round(observed, 6),
                      "pairs": len(part)})
    head = order[::-1][:top]
    return {"brier": round(float(np.mean((probability - y) ** 2)), 6),
            "ece": round(ece, 6), "base_rate": round(float(y.mean()), 6), "curve": curve,
            "top": {"pairs": len(head), "expected": round(float(probability[head].sum()), 4),
                    "formed": int(y[head].sum())}}
