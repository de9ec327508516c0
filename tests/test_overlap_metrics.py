"""Overlap and proximity metrics: agreement with the formulas computed directly with numpy
on real patent portfolios, and properties that must hold for any portfolio."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ecosystem.metrics.overlap import (
    class_proximity,
    jaccard,
    jaffe,
    mahalanobis,
    makri,
    overlap_rate,
    shared,
)
from tests.conftest import ROOT

TDA = ROOT / "data" / "tdapatents" / "holds_patents_in.csv"


@pytest.fixture(scope="module")
def portfolios() -> np.ndarray:
    """Real portfolios: US patents of the matched firms per USPC class, 1976-2005 (TDA)."""
    counts = pd.read_csv(TDA)
    table = counts.pivot_table(index="source", columns="target", values="count",
                               aggfunc="sum", fill_value=0)
    assert table.shape[0] >= 45 and table.to_numpy().sum() > 200_000
    return table.to_numpy(dtype=float)


def direct(M: np.ndarray, a: int, b: int) -> dict[str, float]:
    """Each formula written out for one pair, straight from its definition."""
    A, B = M[a] > 0, M[b] > 0
    inter, union = np.sum(A & B), np.sum(A | B)
    sa, sb = M[a] / M[a].sum(), M[b] / M[b].sum()
    shares = M / M.sum(axis=1, keepdims=True)
    X = shares.T / np.linalg.norm(shares.T, axis=1, keepdims=True)  # class rows, unit length
    omega = X @ X.T
    ua, ub = sa / np.linalg.norm(sa), sb / np.linalg.norm(sb)
    return {
        "overlap_rate": inter / min(A.sum(), B.sum()),
        "jaccard": inter / union,
        "jaffe": sa @ sb / (np.linalg.norm(sa) * np.linalg.norm(sb)),
        "mahalanobis": ua @ omega @ ub,
        "normalized": (ua @ omega @ ub) / np.sqrt((ua @ omega @ ua) * (ub @ omega @ ub)),
    }


def test_metrics_agree_with_the_formulas_on_real_portfolios(portfolios: np.ndarray) -> None:
    M = sp.csr_array(portfolios)
    omega = class_proximity(M)
    rng = np.random.default_rng(3)
    for a in rng.choice(len(portfolios), size=8, replace=False):
        ours = {
            "overlap_rate": overlap_rate(M, a), "jaccard": jaccard(M, a),
            "jaffe": jaffe(M, a), "mahalanobis": mahalanobis(M, a, omega),
            "normalized": mahalanobis(M, a, omega, normalized=True),
        }
        for b in range(len(portfolios)):
            expected = direct(portfolios, a, b)
            for name, value in expected.items():
                assert ours[name][b] == pytest.approx(value, rel=1e-9, abs=1e-12), (name, a, b)


def test_mahalanobis_credits_related_classes(portfolios: np.ndarray) -> None:
    """Firms in different but co-patented classes are closer by Mahalanobis than by Jaffe."""
    M = sp.csr_array(portfolios)
    j, m = jaffe(M, 0), mahalanobis(M, 0, normalized=True)
    assert np.nanmean(m) > np.nanmean(j)
    assert np.all(m[~np.isnan(m)] >= j[~np.isnan(j)] - 1e-9)


def test_makri_by_hand() -> None:
    # subclasses a1 a2 a3 b1 b2; classes a, b
    M = sp.csr_array([[3, 1, 0, 0, 0],   # focal: a1 a2
                      [0, 2, 5, 0, 0],   # a2 a3: shares a2, complements with a3 in class a
                      [0, 0, 0, 1, 1],   # only class b: nothing in common
                      [1, 1, 0, 0, 0],   # same subclasses
                      [0, 0, 0, 0, 0]])  # no patents
    P = sp.csr_array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1]])
    similarity, complementarity = makri(M, 0, P)
    assert similarity[:4].tolist() == pytest.approx([1.0, 1 / 3, 0.0, 1.0])
    assert complementarity[:4].tolist() == pytest.approx([0.0, 2 / 3, 0.0, 0.0])
    assert np.isnan(similarity[4]) and np.isnan(complementarity[4])


portfolio_matrices = st.integers(2, 7).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda cols: arrays(np.int64, (rows, cols), elements=st.integers(0, 9))))


@settings(max_examples=150, deadline=None)
@given(M=portfolio_matrices)
def test_ranges_symmetry_and_empty_rows(M: np.ndarray) -> None:
    S = sp.csr_array(M.astype(float))
    n = len(M)
    omega = class_proximity(S)
    for name, metric in (("overlap_rate", overlap_rate), ("jaccard", jaccard),
                         ("jaffe", jaffe),
                         ("mahalanobis", lambda X, i: mahalanobis(X, i, omega,
                                                                  normalized=True))):
        table = np.array([metric(S, i) for i in range(n)])
        empty = M.sum(axis=1) == 0
        assert np.all(np.isnan(table[empty])) and np.all(np.isnan(table[:, empty])), name
        known = table[~np.isnan(table)]
        assert np.all((known >= -1e-12) & (known <= 1 + 1e-12)), name
        assert np.allclose(table, table.T, equal_nan=True), name
        for i in np.flatnonzero(~empty):
            assert table[i, i] == pytest.approx(1.0), name


@settings(max_examples=100, deadline=None)
@given(M=portfolio_matrices, data=st.data())
def test_relabelling_invariance(M: np.ndarray, data: st.DataObject) -> None:
    rows = np.array(data.draw(st.permutations(range(M.shape[0]))))
    cols = np.array(data.draw(st.permutations(range(M.shape[1]))))
    parent = np.array(data.draw(st.lists(st.integers(0, M.shape[1] - 1), min_size=M.shape[1],
                                         max_size=M.shape[1])))
    P = sp.csr_array((np.ones(M.shape[1]), (range(M.shape[1]), parent)),
                     shape=(M.shape[1], M.shape[1]))
    S = sp.csr_array(M.astype(float))
    Q = sp.csr_array(M[rows][:, cols].astype(float))
    # the same hierarchy, with columns renamed: new column k is old column cols[k]
    inverse = np.argsort(cols)
    P2 = sp.csr_array((np.ones(M.shape[1]), (range(M.shape[1]), inverse[parent[cols]])),
                      shape=(M.shape[1], M.shape[1]))
    focal = 0
    new_focal = int(np.flatnonzero(rows == focal)[0])
    for metric in (overlap_rate, jaccard, jaffe, mahalanobis, shared):
        np.testing.assert_allclose(metric(Q, new_focal), metric(S, focal)[rows], rtol=1e-9,
                                   atol=1e-12)
    for got, want in zip(makri(Q, new_focal, P2), makri(S, focal, P), strict=True):
        np.testing.assert_allclose(got, want[rows], rtol=1e-9, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(M=portfolio_matrices, data=st.data())
def test_makri_parts_are_shares(M: np.ndarray, data: st.DataObject) -> None:
    parent = data.draw(st.lists(st.integers(0, M.shape[1] - 1), min_size=M.shape[1],
                                max_size=M.shape[1]))
    P = sp.csr_array((np.ones(M.shape[1]), (range(M.shape[1]), parent)),
                     shape=(M.shape[1], M.shape[1]))
    S = sp.csr_array(M.astype(float))
    for i in range(len(M)):
        similarity, complementarity = makri(S, i, P)
        total = similarity + complementarity
        known = ~np.isnan(total)
        assert np.all(similarity[known] >= 0) and np.all(complementarity[known] >= -1e-12)
        assert np.all(total[known] <= 1 + 1e-12)
        np.testing.assert_allclose(similarity, jaccard(S, i), equal_nan=True)
