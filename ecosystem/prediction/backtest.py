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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from ecosystem.dates import checked_day
from ecosystem.errors import InvalidValue
from ecosystem.model import RelKind
from ecosystem.prediction.features import BASELINES, PairFeatures, pair_features
from ecosystem.prediction.history import History, add_duration, parse_horizon
from ecosystem.prediction.model import labels, scores, trained_model
from ecosystem.progress import steps
from ecosystem.stores.base import Store

__all__ = ["Backtest", "MethodScore", "backtest"]

MODEL = "model"


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

    @property
    def best_baseline(self) -> MethodScore:
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
        model, base = self.model.per_company_ap, self.best_baseline.per_company_ap
        companies = sorted(model)
        ours = np.array([model[c] for c in companies])
        theirs = np.array([base[c] for c in companies])
        picks = np.random.default_rng(seed).integers(0, len(companies),
                                                      size=(draws, len(companies)))
        total = theirs[picks].sum(axis=1)
        gains = np.divide(ours[picks].sum(axis=1), total, out=np.full(draws, np.inf),
                          where=total > 0) - 1.0
        tail = (1.0 - level) / 2 * 100
        low, high = np.percentile(gains, [tail, 100 - tail])
        return float(low), float(high)

    def as_dict(self) -> dict[str, Any]:
        return {
            "relation": self.relation, "cutoff": self.cutoff.isoformat(),
            "horizon": self.horizon, "end": self.end.isoformat(), "k": self.k,
            "candidates": self.candidates,
            "test_ties": self.test_ties, "formed_in_window": self.formed_in_window,
            "new_node_ties": self.new_node_ties,
            "training": {"windows": [[d.isoformat() for d in w] for w in self.training_windows],
                         "pairs": self.training_pairs, "positives": self.training_positives},
            "best_baseline": self.best_baseline.method, "map_gain": round(self.map_gain, 4),
            "map_gain_95": [round(v, 4) for v in self.map_gain_interval()],
            "results": [{"method": r.method, "auc": _round(r.auc),
                         "average_precision": _round(r.average_precision), "map": _round(r.map),
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
        lines = [f"{'method':<26}{'MAP':>8}{'AUC':>8}{'AP':>8}{f'Hits@{self.k}':>9}"
                 f"{f'Recall@{self.k}':>11}"]
        for r in sorted(self.results, key=lambda r: -r.map):
            lines.append(f"{r.method:<26}{r.map:>8.3f}{r.auc:>8.3f}{r.average_precision:>8.3f}"
                         f"{r.hits_at_k:>9.3f}{r.recall_at_k:>11.3f}")
        return "\n".join(lines)


def _round(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def _ranked(features: PairFeatures, score: np.ndarray, y: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source, score, label) of every candidate, both ends for a one-mode relation."""
    if features.snapshot.one_mode:
        return (np.concatenate([features.rows, features.cols]), np.concatenate([score, score]),
                np.concatenate([y, y]))
    return features.rows, score, y


def _score(method: str, features: PairFeatures, score: np.ndarray, y: np.ndarray,
           k: int, tiebreak: np.ndarray) -> MethodScore:
    auc = roc_auc_score(y, score) if 0 < y.sum() < len(y) else np.nan
    ap = average_precision_score(y, score) if y.sum() else np.nan
    source, s, label = _ranked(features, score, y)
    brk = np.concatenate([tiebreak, tiebreak]) if features.snapshot.one_mode else tiebreak
    order = np.lexsort((brk, -s, source))  # by source, best first, ties in a fixed order
    aps, hits, recalls = {}, [], {}
    bounds = np.flatnonzero(np.diff(source[order])) + 1
    for group in np.split(order, bounds):
        positives = int(label[group].sum())
        if positives == 0:
            continue
        node = features.snapshot.sources[source[group[0]]]
        aps[node] = float(average_precision_score(label[group], s[group])
                          if positives < len(group) else 1.0)
        found = int(label[group][:k].sum())
        hits.append(float(found > 0))
        recalls[node] = round(found / positives, 4)
    return MethodScore(method, float(auc), float(ap), float(np.mean(list(aps.values()))),
                       float(np.mean(hits)), float(np.mean(list(recalls.values()))), recalls,
                       aps)


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
    results = [_score(name, features, features.column(name), y, k, tiebreak)
               for name in BASELINES]
    results.append(_score(MODEL, features, scores(trained, features), y, k, tiebreak))
    bar.update()
    return Backtest(history.kind.value, day, horizon, end, k, len(y), int(y.sum()),
                    len(formed), new_nodes, trained.windows, trained.pairs,
                    trained.positives, tuple(results))
