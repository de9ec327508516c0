"""Every overlap and proximity metric for one pair of companies (``ecosystem overlap``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ecosystem.dates import AsOf, Window
from ecosystem.entities.lookup import resolve_company
from ecosystem.errors import InvalidInput
from ecosystem.metrics.overlap import (
    Portfolio,
    binary,
    jaccard,
    jaffe,
    mahalanobis,
    makri,
    overlap_rate,
    shared,
)
from ecosystem.model import NodeKind, RelKind
from ecosystem.scanning.hierarchy import parent_matrix
from ecosystem.scanning.scan import FEW_CAPABILITIES, FEW_PATENTS
from ecosystem.stores.base import Store

__all__ = ["pair_metrics"]


def _value(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 6)


def pair_metrics(store: Store, a: str, b: str, *, as_of: AsOf = None,
                 window: Window = None) -> dict[str, Any]:
    """Patent and capability overlap, proximity and complementarity of two companies.

    Keys: ``overlap_rate``, ``jaccard``, ``jaffe``, ``mahalanobis`` (and
    ``mahalanobis_normalized``), ``similarity`` and ``complementarity`` (Makri et al. on the
    class hierarchy) for patents; ``capability_overlap`` (Jaccard), ``shared_capabilities``,
    ``capability_complementarity`` (Makri on the capability taxonomy); sizes and ``flags``
    for scores that rest on few patents or capabilities. ``None`` where undefined (an empty
    portfolio). See :mod:`ecosystem.metrics.overlap` for the formulas.
    """
    first, second = resolve_company(store, a), resolve_company(store, b)
    if first == second:
        raise InvalidInput(f"Both companies are {first!r}; name two different companies.")
    pats = store.matrix(RelKind.HOLDS_PATENTS_IN, as_of=as_of, window=window)
    caps = store.matrix(RelKind.HAS_CAPABILITY, as_of=as_of, window=window)
    rows = pats.row_index()
    i, j = rows[first], rows[second]
    P, C = pats.matrix, caps.matrix
    omega = store.cached(("patent-portfolio", as_of, window), lambda: Portfolio(P)).omega
    class_parents = parent_matrix(store, NodeKind.TECHNOLOGY_CLASS, pats.columns)
    similarity, complementarity = makri(P, i, class_parents)
    cap_parents = parent_matrix(store, NodeKind.CAPABILITY, caps.columns)
    cap_similarity, cap_complementarity = makri(C, i, cap_parents)
    sizes_p = np.asarray(P.sum(axis=1)).ravel()
    sizes_c = np.asarray(binary(C).sum(axis=1)).ravel()
    flags = []
    for company, k in ((first, i), (second, j)):
        if sizes_p[k] == 0:
            flags.append(f"{company} has no patents: patent metrics are undefined")
        elif sizes_p[k] < FEW_PATENTS:
            flags.append(f"{company} has few patents ({int(sizes_p[k])})")
        if sizes_c[k] < FEW_CAPABILITIES:
            flags.append(f"{company} has few capabilities ({int(sizes_c[k])})")
    return {
        "a": first, "b": second,
        "window": list(window) if window else None, "as_of": str(as_of) if as_of else None,
        "patents": {first: int(sizes_p[i]), second: int(sizes_p[j])},
        "capabilities": {first: int(sizes_c[i]), second: int(sizes_c[j])},
        "overlap_rate": _value(overlap_rate(P, i)[j]),
        "jaccard": _value(jaccard(P, i)[j]),
        "jaffe": _value(jaffe(P, i)[j]),
        "mahalanobis": _value(mahalanobis(P, i, omega)[j]),
        "mahalanobis_normalized": _value(mahalanobis(P, i, omega, normalized=True)[j]),
        "similarity": _value(similarity[j]),
        "complementarity": _value(complementarity[j]),
        "shared_classes": int(shared(P, i)[j]),
        "capability_overlap": _value(jaccard(C, i)[j]),
        "capability_similarity": _value(cap_similarity[j]),
        "capability_complementarity": _value(cap_complementarity[j]),
        "shared_capabilities": int(shared(C, i)[j]),
        "flags": flags,
    }
