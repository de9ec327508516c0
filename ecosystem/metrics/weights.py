"""The strength of ties in the influence graph, by relationship kind and membership tier,
and the names of the influence metrics (light: no numerical library is imported)."""

from __future__ import annotations

from collections.abc import Mapping

from ecosystem.model import RelKind

__all__ = ["DEFAULT_INFLUENCE_METRICS", "INFLUENCE_METRIC_NAMES", "KIND_WEIGHTS",
           "TIER_WEIGHTS"]

#: Default strength of a tie of each kind. Rivalry (competes_with) carries no influence.
KIND_WEIGHTS: Mapping[RelKind, float] = {
    RelKind.MEMBER_OF: 1.0,
    RelKind.PARTNERS_WITH: 1.0,
    RelKind.JOINT_VENTURE: 1.5,
    RelKind.OWNS: 1.0,
    RelKind.INVESTS_IN: 0.75,
    RelKind.SUPPLIES: 0.75,
    RelKind.CUSTOMER_OF: 0.75,
}
#: Strength of a programme membership by tier (lower-case; unknown tiers weigh 1).
TIER_WEIGHTS: Mapping[str, float] = {
    "platinum": 3.0, "premier": 3.0, "premier board": 3.0, "strategic": 3.0,
    "steering": 3.0, "founding": 3.0, "board": 3.0,
    "gold": 2.0,
    "silver": 1.0, "general": 1.0, "member": 1.0, "contributor": 1.0,
    "associate": 0.5, "academic institution": 0.5, "nonprofit": 0.5, "community": 0.5,
    "end user supporter and contributor": 0.5, "end user": 0.5, "startup": 0.5,
    "strategic start-up": 0.5,
}

#: The influence metrics, by name (computed in :mod:`ecosystem.metrics.report`).
INFLUENCE_METRIC_NAMES = ("pagerank", "strength", "degree", "eigenvector", "betweenness",
                          "closeness", "reach", "constraint", "effective_size", "hierarchy")
#: The metrics an influence ranking shows when none are named (CLI and API alike).
DEFAULT_INFLUENCE_METRICS = ("pagerank", "strength", "betweenness", "constraint",
                             "effective_size")
