"""Static pictures of a view (PNG or SVG) for slide decks, drawn with matplotlib from the
same positions as the page.

Text goes in with mathtext off (``parse_math=False``), so a name with ``$`` signs prints as
written; in SVG, text is drawn as paths and matplotlib's comments repeating it are removed,
so no name can become markup.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from ecosystem.views.layout import force_layout
from ecosystem.views.view import View

__all__ = ["save_static"]

_MARKERS = {"dot": "o", "diamond": "D", "square": "s", "box": "s", "triangle": "^",
            "triangleDown": "v", "star": "*", "hexagon": "h"}
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LABELLED = 40  # label only the biggest nodes, as the page does when zoomed out


def _plain(text: str) -> str:
    return text.replace("$", r"\$")  # legend entries cannot turn mathtext off


def save_static(view: View, path: Path | io.BytesIO, format: str, *, dpi: int = 150) -> None:
    """Draw ``view`` into ``path`` (a file, or a buffer for PNG) as ``png`` or ``svg``;
    ``dpi`` sets a PNG's resolution (150: 2100 x 1500 pixels, for slides)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle

    missing = [n for n in view.nodes if n.x is None or n.y is None]
    if missing:
        pos = force_layout([n.id for n in view.nodes],
                           [(e.source, e.target) for e in view.edges])
        for n in view.nodes:
            n.x, n.y = pos[n.id]
    where = {n.id: (float(n.x or 0.0), -float(n.y or 0.0)) for n in view.nodes}  # y is down
    fig, ax = plt.subplots(figsize=(14, 10), dpi=dpi)
    ax.set_axis_off()
    for radius, label in view.rings:
        ax.add_patch(Circle((0, 0), radius, fill=False, linestyle="--", color="#d0d0d0"))
        ax.text(4, radius + 4, label, color="#888888", fontsize=8, parse_math=False)
    for dashed in (False, True):
        chosen = [e for e in view.edges if e.dashes is dashed
                  and e.source in where and e.target in where]
        if chosen:
            ax.add_collection(LineCollection(
                [(where[e.source], where[e.target]) for e in chosen],
                colors=[e.color for e in chosen], alpha=0.5, zorder=1,
                linewidths=[0.3 + 0.4 * e.width for e in chosen],
                linestyles="dashed" if dashed else "solid"))
    values = np.array([n.value for n in view.nodes], dtype=float)
    top = values.max() if len(values) else 1.0
    sizes = 6 + 300 * np.clip(values, 0, None) / (top or 1.0)
    for shape in sorted({n.shape for n in view.nodes}):
        idx = [i for i, n in enumerate(view.nodes) if n.shape == shape]
        ax.scatter([where[view.nodes[i].id][0] for i in idx],
                   [where[view.nodes[i].id][1] for i in idx],
                   s=sizes[idx], c=[view.nodes[i].color for i in idx],
                   marker=_MARKERS.get(shape, "o"), edgecolors="white", linewidths=0.5,
                   zorder=2)
    for i in np.argsort(-values, kind="stable")[:_LABELLED]:
        n = view.nodes[i]
        ax.text(where[n.id][0], where[n.id][1], n.label[:40], fontsize=7, ha="center",
                va="bottom", zorder=3, parse_math=False)
    ax.set_title(view.title, fontsize=14, loc="left", parse_math=False)
    if view.notes:
        fig.text(0.01, 0.01, "\n".join(view.notes), fontsize=8, color="#555555", wrap=True,
                 parse_math=False)
    handles = [Line2D([], [], color=e.color, linestyle="--" if e.dashes else "-")
               if e.kind == "edge" else
               Line2D([], [], color=e.color, marker=_MARKERS.get(e.shape, "o"), linestyle="")
               for e in view.legend]
    if handles:
        ax.legend(handles, [_plain(e.label) for e in view.legend], loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.autoscale_view()
    ax.set_aspect("equal", adjustable="datalim")
    if format == "svg":
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight")
        # matplotlib repeats each text as an XML comment beside its glyph paths: drop the
        # comments, so no name appears in the file as text at all.
        if not isinstance(path, Path):
            raise TypeError("an SVG picture is written to a file path")
        path.write_text(_COMMENT.sub("", buffer.getvalue()), encoding="utf-8")
    else:
        fig.savefig(path, format=format, bbox_inches="tight", dpi=dpi)
    plt.close(fig)
