"""Ranking metrics computed for many groups at once (every company's or programme's
candidates in one pass), for the back-test and the cold-start check."""

from __future__ import annotations

import numpy as np

__all__ = ["group_average_precision"]


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
    ends = np.r_[(g[1:] != g[:-1]) | (s[1:] != s[:-1]), True]
    end_of = np.flip(np.minimum.accumulate(np.flip(np.where(ends, np.arange(len(g)),
                                                             len(g)))))
    precision = found[end_of] / seen[end_of]
    ids, first = np.unique(g, return_index=True)
    hits = np.add.reduceat(y, first)
    sums = np.add.reduceat(precision * y, first)
    keep = hits > 0
    return ids[keep], sums[keep] / hits[keep]
