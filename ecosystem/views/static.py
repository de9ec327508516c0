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
from typing import Any

import numpy as np

from ecosystem.views.layout import force_layout
from ecosystem.views.view import View

__all__ = ["draw_static", "save_static"]

_MARKERS = {"dot": "o", "diamond": "D", "square": "s", "box": "s", "triangle": "^",
            "triangleDown": "v", "star": "*", "hexagon": "h"}
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LABELLED = 40  # label only the biggest nodes, as the page does when zoomed out


def _plain(text: str) -> str:
    return text.replace("$", r"\$")  # legend entries cannot turn mathtext off


def save_static(view: View, path: Path | io.BytesIO, format: str, *, dpi: int = 150) -> None:
    """Draw ``view`` into ``path`` (a file or a buffer) as ``png`` or ``svg``;
    ``dpi`` sets a PNG's resolution (150: 2100 x 1500 pixels, for slides)."""
    import matplotlib.pyplot as plt

    fig, _, _ = draw_static(view, dpi=dpi)
    try:
        if format == "svg":
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", bbox_inches="tight")
            # matplotlib repeats each text as an XML comment beside its glyph paths: drop
            # the comments, so no name appears in the file as text at all.
            text = _COMMENT.sub("", buffer.getvalue())
            if isinstance(path, Path):
                path.write_text(text, encoding="utf-8")
            else:
                path.write(text.encode("utf-8"))
        else:
            fig.savefig(path, format=format, bbox_inches="tight", dpi=dpi)
    finally:
        plt.close(fig)


def draw_static(view: View, *, dpi: int = 150) -> tuple[Any, Any, list[Any]]:
    """The matplotlib figure of ``view``, its axes and its node labels (moved apart so that
    none covers another, with a thin line back to its node where it moved: adjustText)."""
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
    labels = [ax.text(where[n.id][0], where[n.id][1], n.label[:40], fontsize=7,
                      ha="center", va="bottom", zorder=3, parse_math=False)
              for n in (view.nodes[i] for i in np.argsort(-values, kind="stable")[:_LABELLED])]
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
    return fig, ax, _spread_labels(fig, ax, labels)


def _spread_labels(fig: Any, ax: Any, labels: list[Any]) -> list[Any]:
    """Move the labels (most important first) apart with adjustText, then hide any that
    still covers one kept before it (adjustText's forces do not always settle), and draw
    a thin line from each label that moved back to its node. Returns the labels shown."""
    if len(labels) < 2:
        return labels
    from adjustText import adjust_text

    anchors = [text.get_position() for text in labels]
    fig.canvas.draw()  # the limits are settled (equal aspect) before labels are measured,
    ax.set_autoscale_on(False)  # and stay so: leader lines must not rescale the picture
    # a fixed number of steps (its default is one second of them): the same picture
    # every time, on any machine
    adjust_text(labels, ax=ax, expand=(1.05, 1.2), ensure_inside_axes=False, iter_lim=300)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    shown: list[Any] = []
    boxes: list[Any] = []
    for text, anchor in zip(labels, anchors, strict=True):
        box = text.get_window_extent(renderer)
        if any(_overlap(box, other) > 2.0 for other in boxes):
            text.set_visible(False)
            continue
        shown.append(text)
        boxes.append(box)
        moved = ax.transData.transform(text.get_position()) - ax.transData.transform(anchor)
        if float(np.hypot(*moved)) > 8.0:
            ax.plot(*zip(anchor, text.get_position(), strict=True), color="#999999",
                    linewidth=0.4, zorder=2.5)
    return shown


def _overlap(a: Any, b: Any) -> float:
    """Area shared by two display boxes, in square pixels."""
    return float(max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(
        0.0, min(a.y1, b.y1) - max(a.y0, b.y0)))
