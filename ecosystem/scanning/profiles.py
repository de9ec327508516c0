"""Company attributes as arrays, aligned with the rows of the store's matrices.

Built once per store version (``store.cached``) so a scan does array arithmetic only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from ecosystem.model import NodeKind
from ecosystem.stores.base import Store

__all__ = ["Profiles", "profiles"]

DECISION = {"centralised": 0.0, "mixed": 0.5, "democratic": 1.0}
RISK = {"prudent": 0.0, "moderate": 0.5, "aggressive": 1.0}


@dataclass(frozen=True, eq=False)
class Profiles:
    """Attributes of every company, in sorted-id order (the rows of ``store.matrix``).

    Missing values are ``nan``; ``tags`` and ``industries`` are companies x values 0/1,
    ``industries`` rolled up so that a company is also in every parent of its industries.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    horizon: np.ndarray
    decision: np.ndarray
    risk: np.ndarray
    tags: sp.csr_array
    tag_names: tuple[str, ...]
    industries: sp.csr_array
    direct_industries: sp.csr_array
    industry_names: tuple[str, ...]

    @cached_property
    def position(self) -> dict[str, int]:
        """Row of each company id."""
        return {c: i for i, c in enumerate(self.ids)}

    def index(self, company: str) -> int:
        return self.position[company]


def _binary(rows: list[list[str]], vocabulary: tuple[str, ...]) -> sp.csr_array:
    column = {v: j for j, v in enumerate(vocabulary)}
    r = [i for i, values in enumerate(rows) for v in values if v in column]
    c = [column[v] for values in rows for v in values if v in column]
    return sp.csr_array((np.ones(len(r)), (r, c)), shape=(len(rows), len(vocabulary)))


def _build(store: Store) -> Profiles:
    companies = store.nodes(NodeKind.COMPANY)
    industries = {n.id: n for n in store.nodes(NodeKind.INDUSTRY)}

    def number(value: object) -> float:
        return float(value) if isinstance(value, int | float) else np.nan

    def ancestry(industry: str) -> list[str]:
        chain, seen = [], set()
        node: str | None = industry
        while node and node in industries and node not in seen:
            chain.append(node)
            seen.add(node)
            parent = industries[node].properties.get("parent")
            node = str(parent) if parent else None
        return chain

    direct = [list(c.properties.get("industries") or []) for c in companies]
    rolled = [sorted({a for i in ind for a in ancestry(i)}) for ind in direct]
    tags = [list(c.properties.get("tags") or []) for c in companies]
    tag_names = tuple(sorted({t for ts in tags for t in ts}))
    industry_names = tuple(sorted(industries))
    return Profiles(
        ids=tuple(c.id for c in companies),
        names=tuple(c.name for c in companies),
        horizon=np.array([number(c.properties.get("strategy_horizon_years"))
                          for c in companies]),
        decision=np.array([DECISION.get(str(c.properties.get("decision_style")), np.nan)
                           for c in companies]),
        risk=np.array([RISK.get(str(c.properties.get("risk_appetite")), np.nan)
                       for c in companies]),
        tags=_binary(tags, tag_names),
        tag_names=tag_names,
        industries=_binary(rolled, industry_names),
        direct_industries=_binary(direct, industry_names),
        industry_names=industry_names,
    )


def profiles(store: Store) -> Profiles:
    """The company profiles of ``store`` (cached until the data change)."""
    return store.cached("company-profiles", lambda: _build(store))
