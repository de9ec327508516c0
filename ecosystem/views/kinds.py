"""What the views draw by default (light: the command line's choices)."""

from __future__ import annotations

from ecosystem.metrics.weights import KIND_WEIGHTS
from ecosystem.model import RelKind

__all__ = ["FOCUS_KINDS", "MAP_KINDS", "MAX_NODES"]

#: The relationships drawn by default: those that carry influence, and rivalry.
MAP_KINDS: tuple[RelKind, ...] = (*KIND_WEIGHTS, RelKind.COMPETES_WITH)
#: The edge kinds the focus view follows by default.
FOCUS_KINDS: tuple[str, ...] = tuple(k.value for k in MAP_KINDS)
#: Above this many nodes a map shows communities as single nodes.
MAX_NODES = 5000
