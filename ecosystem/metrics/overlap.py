"""Overlap and proximity of portfolios: one focal row against every row of a sparse matrix.

Every function takes a companies x classes (or x capabilities) matrix ``M`` of non-negative
weights (patent counts, capability levels) and the index ``i`` of the focal row, and returns
one value per row, computed with sparse matrix-vector products: no Python loop over pairs.
Rows with an empty portfolio get ``nan`` (undefined), never a silent 0. The focal row's own
value is computed like any other (1 for itself where the measure is a similarity).

References
----------
.. [1] Jaffe, A. B. (1986). Technological opportunity and spillovers of R&D: evidence from
   firms' patents, profits, and market value. American Economic Review 76(5), 984-1001.
.. [2] Bloom, N., Schankerman, M. & Van Reenen, J. (2013). Identifying technology spillovers
   and product market rivalry. Econometrica 81(4), 1347-1393.
.. [3] Makri, M., Hitt, M. A. & Lane, P. J. (2010). Complementary technologies, knowledge
   relatedness, and invention outcomes in high technology mergers and acquisitions.
   Strategic Management Journal 31(6), 602-628.
"""

from __future__ import annotations

from functools import cached_property
from typing import TypeAlias, cast

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = [
    "Portfolio",
    "binary",
    "class_proximity",
    "jaccard",
    "jaffe",
    "mahalanobis",
    "makri",
    "overlap_rate",
    "portfolio",
    "shared",
]

Vector = NDArray[np.float64]
Matrix: TypeAlias = "sp.sparray | sp.spmatrix | Portfolio"


def binary(M: sp.sparray | sp.spmatrix) -> sp.csr_array:
    """1 where ``M`` is positive, else 0 (who holds what, ignoring how much)."""
    B = sp.csr_array(M, dtype=float)
    B.data = (B.data > 0).astype(float)
    B.eliminate_zeros()
    return B


def _row(M: sp.csr_array, i: int) -> Vector:
    return np.asarray(M[[i], :].toarray()).ravel()


def _divide(numerator: Vector, denominator: Vector) -> Vector:
    out = np.full(numerator.shape, np.nan)
    ok = denominator > 0
    out[ok] = numerator[ok] / denominator[ok]
    return out


class Portfolio:
    """A companies x classes matrix with the derived matrices every metric needs, each
    computed once on first use. Pass one to any metric here instead of the raw matrix to
    reuse them across focal companies (the scan does).

    ``parent`` (classes x classes, 1 at (class, its parent)) is needed by :func:`makri`.
    """

    def __init__(self, M: sp.sparray | sp.spmatrix,
                 parent: sp.sparray | sp.spmatrix | None = None) -> None:
        self.matrix = sp.csr_array(M, dtype=float)
        self.parent = binary(parent) if parent is not None else None

    @cached_property
    def binary(self) -> sp.csr_array:
        return binary(self.matrix)

    @cached_property
    def sizes(self) -> Vector:
        return np.asarray(self.binary.sum(axis=1), dtype=float).ravel()

    @cached_property
    def _unit(self) -> tuple[sp.csr_array, Vector]:
        return _unit_rows(self.matrix)

    @property
    def unit(self) -> sp.csr_array:
        return self._unit[0]

    @property
    def norms(self) -> Vector:
        return self._unit[1]

    @cached_property
    def omega(self) -> sp.csr_array:
        return class_proximity(self.matrix)

    @cached_property
    def self_proximity(self) -> Vector:
        """:math:`\\tilde s_a \\Omega \\tilde s_a^\\top` of every row."""
        return np.asarray((self.unit @ self.omega).multiply(self.unit).sum(axis=1),
                          dtype=float).ravel()

    @cached_property
    def classes_held(self) -> sp.csr_array:
        """companies x parent classes, 1 where a company holds a subclass of the class."""
        if self.parent is None:
            raise ValueError("this metric needs the class hierarchy: Portfolio(M, parent)")
        return binary(self.binary @ self.parent)


def portfolio(M: sp.sparray | sp.spmatrix | Portfolio,
              parent: sp.sparray | sp.spmatrix | None = None) -> Portfolio:
    """``M`` itself when it is a :class:`Portfolio`, else a new one."""
    if isinstance(M, Portfolio):
        return M
    return Portfolio(M, parent)


def shared(M: Matrix, i: int) -> Vector:
    """:math:`|A \\cap B|`: how many classes each row shares with row ``i``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> shared(sp.csr_array([[1, 1, 0], [0, 3, 1], [0, 0, 0]]), 0).tolist()
    [2.0, 1.0, 0.0]
    """
    B = portfolio(M).binary
    return np.asarray(B @ _row(B, i), dtype=float)


def overlap_rate(M: Matrix, i: int) -> Vector:
    """Patent-pool overlap rate, the overlap coefficient of held classes.

    .. math:: O(A, B) = \\frac{|A \\cap B|}{\\min(|A|, |B|)}

    where :math:`A`, :math:`B` are the sets of classes with a positive count. 1 when one
    portfolio's classes are all inside the other's; ``nan`` when either is empty.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> overlap_rate(sp.csr_array([[1, 1, 0], [0, 3, 1], [1, 1, 1]]), 0).tolist()
    [1.0, 0.5, 1.0]
    """
    P = portfolio(M)
    inter = np.asarray(P.binary @ _row(P.binary, i), dtype=float)
    return _divide(inter, np.minimum(P.sizes, P.sizes[i]))


def jaccard(M: Matrix, i: int) -> Vector:
    """Jaccard similarity of held classes.

    .. math:: J(A, B) = \\frac{|A \\cap B|}{|A \\cup B|}

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> jaccard(sp.csr_array([[1, 1, 0], [0, 3, 1]]), 0).tolist()
    [1.0, 0.3333333333333333]
    """
    P = portfolio(M)
    sizes = P.sizes
    inter = np.asarray(P.binary @ _row(P.binary, i), dtype=float)
    union = sizes + sizes[i] - inter
    out = _divide(inter, union)
    out[(sizes == 0) | (sizes[i] == 0)] = np.nan
    return out


def _unit_rows(M: sp.sparray | sp.spmatrix) -> tuple[sp.csr_array, Vector]:
    """Rows scaled to unit L2 length (cosine of shares = cosine of counts), and the norms."""
    A = sp.csr_array(M, dtype=float)
    norms = np.sqrt(np.asarray(A.multiply(A).sum(axis=1), dtype=float).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_array(sp.diags_array(scale) @ A), norms


def jaffe(M: Matrix, i: int) -> Vector:
    """Jaffe (1986) technological proximity: the cosine of class-share vectors [1]_.

    .. math:: P_{ab} = \\frac{s_a \\cdot s_b}{\\lVert s_a \\rVert \\, \\lVert s_b \\rVert},
       \\qquad s_{a,k} = \\frac{n_{a,k}}{\\sum_k n_{a,k}}

    In [0, 1]; 1 for identical distributions over classes, 0 for disjoint ones.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> jaffe(sp.csr_array([[2, 0], [1, 1], [0, 5]]), 0).round(3).tolist()
    [1.0, 0.707, 0.0]
    """
    P = portfolio(M)
    U, norms = P.unit, P.norms
    out = np.asarray(U @ _row(U, i), dtype=float)
    out[(norms == 0) | (norms[i] == 0)] = np.nan
    clipped: Vector = np.clip(out, 0.0, 1.0)
    return clipped


def class_proximity(M: sp.sparray | sp.spmatrix) -> sp.csr_array:
    """The class-by-class proximity :math:`\\Omega` of Bloom, Schankerman & Van Reenen [2]_.

    .. math:: \\Omega = \\tilde X \\tilde X^\\top, \\qquad
       \\tilde X_k = \\frac{X_k}{\\lVert X_k \\rVert}

    where :math:`X` is the class-by-firm matrix of patent shares (each firm's shares sum to
    1) and each class row is scaled to unit length: two classes are close when the same
    firms patent in both. :math:`\\Omega_{kk} = 1`.
    """
    A = sp.csr_array(M, dtype=float)
    totals = np.asarray(A.sum(axis=1), dtype=float).ravel()
    scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    shares = sp.csr_array(sp.diags_array(scale) @ A)
    X, _ = _unit_rows(shares.T.tocsr())
    return sp.csr_array(X @ X.T)


def mahalanobis(M: Matrix, i: int, omega: sp.sparray | sp.spmatrix | None = None, *,
                normalized: bool = False) -> Vector:
    """Mahalanobis technological proximity of Bloom, Schankerman & Van Reenen (2013) [2]_.

    .. math:: P^M_{ab} = \\tilde s_a \\, \\Omega \\, \\tilde s_b^\\top, \\qquad
       \\tilde s_a = \\frac{s_a}{\\lVert s_a \\rVert}

    with :math:`\\Omega` from :func:`class_proximity`. Unlike Jaffe's cosine it credits
    related classes: two firms in different classes that the same firms tend to combine are
    close. With :math:`\\Omega = I` it equals :func:`jaffe`. Not bounded by 1 in general;
    with ``normalized`` it is divided by :math:`\\sqrt{P^M_{aa} P^M_{bb}}`, the cosine in
    the :math:`\\Omega` inner product, in [0, 1] (:math:`\\Omega` is positive
    semi-definite). Pass ``omega`` to reuse a computed :math:`\\Omega`.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> M = sp.csr_array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    >>> mahalanobis(M, 0).round(3).tolist()  # classes 0 and 1 are related through row 2
    [1.0, 0.2, 0.849, 0.0]
    """
    P = portfolio(M)
    U, norms = P.unit, P.norms
    Omega = sp.csr_array(omega) if omega is not None else P.omega
    out = np.asarray(U @ (Omega @ _row(U, i)), dtype=float)
    if normalized:
        self_proximity = P.self_proximity if omega is None else np.asarray(
            (U @ Omega).multiply(U).sum(axis=1), dtype=float).ravel()
        out = _divide(out, np.sqrt(self_proximity * self_proximity[i]))
        out = np.clip(out, 0.0, 1.0)
    out[(norms == 0) | (norms[i] == 0)] = np.nan
    return out


def makri(M: Matrix, i: int,
          parent: sp.sparray | sp.spmatrix | None = None) -> tuple[Vector, Vector]:
    """Hierarchy-aware similarity and complementarity of Makri, Hitt & Lane (2010) [3]_.

    ``M`` is firms x subclasses; ``parent`` is the subclasses x classes 0/1 matrix mapping
    each subclass to its class (or give a :class:`Portfolio` made with it). With :math:`A`,
    :math:`B` the subclasses held, :math:`S = A \\cap B` and :math:`C` the classes both
    hold a subclass of:

    .. math:: \\mathrm{similarity} = \\frac{|S|}{|A \\cup B|}, \\qquad
       \\mathrm{complementarity} = \\frac{|\\{s \\in A \\cup B : \\mathrm{class}(s) \\in C\\}|
       - |S|}{|A \\cup B|}

    Same subclass counts as similar knowledge; same class but a different subclass as
    complementary knowledge (related, yet new to the other firm). Both lie in [0, 1] and
    sum to at most 1.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> M = sp.csr_array([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]])  # subclasses a1 a2 a3 b1
    >>> P = sp.csr_array([[1, 0], [1, 0], [1, 0], [0, 1]])            # classes a, b
    >>> sim, comp = makri(M, 0, P)
    >>> sim.round(3).tolist(), comp.round(3).tolist()
    ([1.0, 0.333, 0.0], [0.0, 0.667, 0.0])
    """
    folio = portfolio(M, parent)
    if parent is not None and folio.parent is None:
        folio = Portfolio(folio.matrix, parent)
    Bc = folio.classes_held  # firms x classes held; raises without a hierarchy
    Bs, P = folio.binary, cast(sp.csr_array, folio.parent)
    a_s = _row(Bs, i)
    a_c = _row(Bc, i)
    per_class_a = np.asarray(P.T @ a_s, dtype=float)  # focal's subclasses in each class
    same = np.asarray(Bs @ a_s, dtype=float)  # |S|
    in_shared_classes = (np.asarray(Bc @ per_class_a, dtype=float)  # focal's, in b's classes
                         + np.asarray(Bs @ (P @ a_c), dtype=float)  # b's, in focal's classes
                         - same)
    sizes = folio.sizes
    union = sizes + sizes[i] - same
    similarity = _divide(same, union)
    complementarity = _divide(in_shared_classes - same, union)
    empty = (sizes == 0) | (sizes[i] == 0)
    similarity[empty] = np.nan
    complementarity[empty] = np.nan
    return similarity, complementarity
