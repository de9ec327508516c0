"""A view: nodes with positions, edges, a legend and notes, ready to be drawn.

Every view function (:mod:`ecosystem.views.maps`, :mod:`ecosystem.views.partners`) returns a
:class:`View`. A view renders to one self-contained HTML page (:meth:`View.html`), saves as
HTML, PNG or SVG (:meth:`View.save`) and displays inline in a notebook (``_repr_html_``).
All text in a view is plain text; the renderers escape it.
"""

from __future__ import annotations

import html as html_lib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecosystem.errors import InvalidValue

__all__ = ["LegendEntry", "View", "ViewEdge", "ViewNode"]

FORMATS = ("html", "png", "svg")


@dataclass
class ViewNode:
    """A node as drawn. ``title`` is its tooltip (plain text, lines split by newlines);
    ``value`` sets its size; ``group`` names its legend entry."""

    id: str
    label: str
    group: str
    color: str
    title: str = ""
    value: float = 1.0
    shape: str = "dot"
    x: float | None = None
    y: float | None = None
    since: str | None = None
    until: str | None = None


@dataclass
class ViewEdge:
    """An edge as drawn; ``kind`` names its legend entry (a relationship kind or a role)."""

    source: str
    target: str
    kind: str
    color: str
    title: str = ""
    width: float = 1.0
    dashes: bool = False
    arrows: bool = False
    since: str | None = None
    until: str | None = None
    #: Draw as an arc (to stay visible beside a straight edge between the same nodes).
    curved: bool = False


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend; entries double as show/hide filters on the page."""

    label: str
    color: str
    kind: str  # "node" (filters by group) or "edge" (filters by edge kind)
    key: str
    dashes: bool = False
    shape: str = "dot"


@dataclass(repr=False)
class View:
    """What a view shows. Build one with a view function, then :meth:`save` it."""

    title: str
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    legend: list[LegendEntry] = field(default_factory=list)
    #: Sentences shown above the map: what it shows, what was left out and why.
    notes: list[str] = field(default_factory=list)
    #: Let the browser run the physics simulation (only for small views).
    physics: bool = False
    #: Circles drawn behind the network (radar score rings): radius and label.
    rings: list[tuple[float, str]] = field(default_factory=list)
    #: Offer a date slider over the edges' since/until.
    timeline: bool = False
    #: Lists shown beside the map (e.g. open alerts), heading -> lines.
    panels: dict[str, list[str]] = field(default_factory=dict)
    #: Node groups named at their members' centre when zoomed out (a big map's
    #: communities), group key -> name; the members' own names appear on zooming in.
    group_names: dict[str, str] = field(default_factory=dict)

    def html(self) -> str:
        """The view as one self-contained HTML page (no network requests)."""
        from ecosystem.views.page import render_html

        return render_html(self)

    def save(self, path: str | os.PathLike[str], *, format: str | None = None) -> Path:
        """Write the view to ``path`` as HTML, PNG or SVG (by ``format`` or the suffix).

        Raises
        ------
        InvalidValue
            If the format is not one of html, png or svg.
        """
        target = Path(path)
        chosen = (format or target.suffix.lstrip(".") or "html").lower()
        if chosen == "htm":
            chosen = "html"
        if chosen not in FORMATS:
            raise InvalidValue(f"cannot write a view as {chosen!r} ({target}); use a file "
                               "ending in .html, .png or .svg, or --format html|png|svg.",
                               field="format", value=chosen)
        target.parent.mkdir(parents=True, exist_ok=True)
        if chosen == "html":
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(self.html(), encoding="utf-8")
            os.replace(tmp, target)
        else:
            from ecosystem.views.static import save_static

            save_static(self, target, chosen)
        return target

    def _repr_html_(self) -> str:
        # Jupyter shows this inline: the page in an iframe's srcdoc, so no file, no server
        # and no lib/ folder are needed (pyvis's notebook mode writes both).
        return (f'<iframe srcdoc="{html_lib.escape(self.html(), quote=True)}" '
                'style="width:100%;height:720px;border:0" '
                'sandbox="allow-scripts allow-downloads"></iframe>')

    def _repr_png_(self) -> bytes:
        # The static picture too: shown where a notebook is read rather than run (a code
        # host drops the iframe), and the one the committed notebooks keep.
        import io

        from ecosystem.views.static import save_static

        buffer = io.BytesIO()
        save_static(self, buffer, "png", dpi=72)  # a screen's width, not a slide's
        return buffer.getvalue()

    def __repr__(self) -> str:
        return (f"View({self.title!r}: {len(self.nodes)} nodes, {len(self.edges)} edges; "
                ".save('view.html') writes the page)")

    def summary(self) -> dict[str, Any]:
        """Counts of what the view shows (for the CLI and tests)."""
        return {"title": self.title, "nodes": len(self.nodes), "edges": len(self.edges),
                "notes": list(self.notes)}
