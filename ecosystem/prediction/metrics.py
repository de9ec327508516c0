"""Ranking metrics computed for many groups at once (every company's or programme's
candidates in one pass), for the back-test and the cold-start check."""

from __future__ import annotations

import numpy as np

__all__ = ["group_average_precision", "weighted_average_precision"]


def _end_of_block(last: np.ndarray) -> np.ndarray:
    """For each position, the position that ends its block, where ``last`` marks the last
    position of every block (the final position must be marked)."""
    ends = np.flatnonzero(last)
    return ends[np.r_[0, np.cumsum(last[:-1])]]


def group_average_precision(groups: np.ndarray, score: np.ndarray, label: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray]:
    """Average precision of each group's candidates ranked by ``score``, for every group
    with at least one positive, all groups at once: ``(group, ap)``, groups ascending.

    Pairs of equal score in a group share the precision at the end of their block, as
    scikit-learn's ``average_precision_score`` counts ties (the same figures, without its
    per-call checks, which cost a millisecond per group).

    Examples
    --------
    >>> g, ap = group_average_precision(np.array([0, 0, 0, 1, 1]),
    ...                                 np.array([0.9, 0.5, 0.1, 0.3, 0.3]),
    ...                                 np.array([0, 1, 1, 1, 0]))
    >>> g.tolist(), ap.round(4).tolist()  # (1/2 + 2/3) / 2; a tie of one hit in two
    ([0, 1], [0.5833, 0.5])
    """
    order = np.lexsort((-score, groups))
    g, s, y = groups[order], score[order], label[order].astype(float)
    if not len(g):
        return np.zeros(0, dtype=int), np.zeros(0)
    starts = np.r_[True, g[1:] != g[:-1]]
    start_at = np.maximum.accumulate(np.where(starts, np.arange(len(g)), 0))
    found = np.cumsum(y)
    before = np.r_[0.0, found][start_at]
    found -= before
    seen = np.arange(len(g)) - start_at + 1.0
    # the precision of a pair is the one at the end of its block of equal scores
    end_of = _end_of_block(np.r_[(g[1:] != g[:-1]) | (s[1:] != s[:-1]), True])
    precision = found[end_of] / seen[end_of]
    ids, first = np.unique(g, return_index=True)
    hits = np.add.reduceat(y, first)
    sums = np.add.reduceat(precision * y, first)
    keep = hits > 0
    return ids[keep], sums[keep] / hits[keep]


def weighted_average_precision(y: np.ndarray, w: np.ndarray, score: np.ndarray | None = None
                               ) -> float:
    """Average precision of labels ``y`` already in ranked order (best first), each pair
    weighted; with ``score`` (in the same order), pairs of equal score share the precision
    at the end of their block, as scikit-learn's average precision counts ties."""
    hits = w * y
    total = hits.sum()
    if total <= 0:
        return float("nan")
    found, seen = np.cumsum(hits), np.cumsum(w)
    if score is not None and len(score):
        end_of = _end_of_block(np.r_[score[1:] != score[:-1], True])
        found, seen = found[end_of], seen[end_of]
    precision = np.divide(found, seen, out=np.zeros_like(seen), where=seen > 0)
    return float((precision * hits).sum() / total)
