"""Colours, shapes and edge styles shared by every view (one place, so views agree)."""

from __future__ import annotations

from collections.abc import Mapping

from ecosystem.model import NodeKind, RelKind
from ecosystem.views.view import LegendEntry

__all__ = ["EDGE_STYLES", "GREY", "PALETTE", "SHAPES", "edge_legend", "palette"]

#: Tableau 20 (colour-blind friendly in its first ten), then greys for the rest.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
    "#9edae5", "#dbdb8d",
)
GREY = "#9e9e9e"
FOCAL = "#111111"

SHAPES: Mapping[NodeKind, str] = {
    NodeKind.COMPANY: "dot",
    NodeKind.PROGRAMME: "diamond",
    NodeKind.INDUSTRY: "square",
    NodeKind.CAPABILITY: "triangle",
    NodeKind.TECHNOLOGY_CLASS: "triangleDown",
    NodeKind.PATENT: "dot",
    NodeKind.NEED: "star",
}

#: Per relationship kind: colour, dashed, arrow.
EDGE_STYLES: Mapping[RelKind, tuple[str, bool, bool]] = {
    RelKind.MEMBER_OF: ("#b0b0b0", False, False),
    RelKind.PARTNERS_WITH: ("#1f77b4", False, False),
    RelKind.JOINT_VENTURE: ("#9467bd", False, False),
    RelKind.OWNS: ("#333333", False, True),
    RelKind.INVESTS_IN: ("#2ca02c", True, True),
    RelKind.SUPPLIES: ("#ff7f0e", False, True),
    RelKind.CUSTOMER_OF: ("#8c564b", True, True),
    RelKind.COMPETES_WITH: ("#d62728", True, False),
    RelKind.HAS_CAPABILITY: ("#17becf", False, True),
    RelKind.HOLDS_PATENTS_IN: ("#bcbd22", False, True),
    RelKind.HOLDS_PATENT: ("#bcbd22", False, True),
    RelKind.CLASSIFIED_IN: ("#dbdb8d", False, True),
    RelKind.HAS_NEED: ("#e377c2", False, True),
    RelKind.REQUIRES_CAPABILITY: ("#f7b6d2", True, True),
    RelKind.REQUIRES_CLASS: ("#f7b6d2", True, True),
    RelKind.USES_CAPABILITY: ("#9edae5", True, True),
    RelKind.IN_SECTOR: ("#7f7f7f", True, True),
}


def palette(i: int) -> str:
    """The i-th colour of :data:`PALETTE`; grey past its end."""
    return PALETTE[i] if 0 <= i < len(PALETTE) else GREY


def edge_legend(kinds: set[str]) -> list[LegendEntry]:
    """Legend entries for the relationship kinds present, in the model's order."""
    out = []
    for kind in RelKind:
        if kind.value in kinds:
            colour, dashes, _ = EDGE_STYLES[kind]
            out.append(LegendEntry(kind.value.replace("_", " "), colour, "edge", kind.value,
                                   dashes=dashes))
    return out
