"""Render a :class:`~ecosystem.views.view.View` as one self-contained, safe HTML page.

The page is built on pyvis: a :class:`pyvis.network.Network` holds the nodes, edges and
vis-network options, and pyvis's bundled vis-network 9.1.2 draws them. pyvis's own HTML
output is not used, because of known problems we guard against here:

- its templates load Bootstrap, and in ``local``/``remote`` mode vis-network and
  tom-select, from CDNs, even with ``cdn_resources="in_line"``: we inline vis-network's script
  and stylesheet and use no other library, so the page makes no network request (a
  Content-Security-Policy with ``default-src 'none'`` makes sure of it);
- its template does not escape the heading or node ids, and switches tooltips to
  ``innerHTML`` when a title contains ``href``: we escape all text (Jinja autoescape), embed
  the data as JSON in a ``<script type="application/json">`` block with ``<``, ``>`` and
  ``&`` written as ``\\u`` escapes, and pass tooltips as plain strings, which vis-network 9
  shows with ``innerText``. The CSP also allows only our two scripts, by hash, so even a
  script that slipped into the page would not run;
- ``add_node``/``add_edge`` check for duplicates by scanning lists (quadratic: minutes for
  20,000 edges): we de-duplicate in dicts and append pyvis ``Node``/``Edge`` objects in bulk;
- its notebook mode writes the page and a ``lib/`` folder next to the notebook and shows
  them in an iframe by path: :meth:`View._repr_html_` puts the page in the iframe's
  ``srcdoc`` instead;
- it writes files in the platform's default encoding: we always write UTF-8.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from ecosystem.errors import InvalidValue
from ecosystem.views.view import View

__all__ = ["PHYSICS_LIMIT", "network_of", "render_html", "render_page"]

#: Above this many nodes the browser runs no physics; positions come from Python.
PHYSICS_LIMIT = 300
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\Z")
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}


@cache
def _vis_assets() -> tuple[str, str]:
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    return ((lib / "vis-network.min.js").read_text(encoding="utf-8"),
            (lib / "vis-network.css").read_text(encoding="utf-8"))


@cache
def _own_asset(name: str) -> str:
    return (resources.files("ecosystem.views") / "assets" / name).read_text(encoding="utf-8")


@cache
def _template(name: str = "view.html") -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    return env.from_string(_own_asset(name))


def _colour(value: str) -> str:
    if not _COLOUR.match(value):
        raise InvalidValue(f"colour {value!r} is not a hex colour such as '#1f77b4'.",
                           field="color", value=value)
    return value


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 2)


def network_of(view: View) -> Network:
    """The view's nodes and edges in a pyvis Network (filled in bulk, see the module notes)."""
    net = Network(directed=False)
    seen: set[str] = set()
    for n in view.nodes:
        if n.id in seen:
            continue
        seen.add(n.id)
        options: dict[str, Any] = {"title": n.title, "value": float(n.value),
                                   "color": _colour(n.color), "category": n.group}
        if n.x is not None and n.y is not None:
            options |= {"x": _number(n.x), "y": _number(n.y)}
        if n.since or n.until:
            options |= {"since": n.since, "until": n.until}
        node = Node(n.id, n.shape, label=n.label, **options)
        # The name is drawn by labels.js (kept apart from other names), not by vis-network.
        node.options["name"] = node.options.pop("label")
        net.nodes.append(node.options)
        net.node_ids.append(n.id)
        net.node_map[n.id] = node.options
    for i, e in enumerate(view.edges):
        if e.source not in seen or e.target not in seen:
            continue
        options = {"id": i, "kind": e.kind, "title": e.title, "width": float(e.width),
                   "color": _colour(e.color), "dashes": e.dashes}
        if e.arrows:
            options["arrows"] = "to"
        if e.curved:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.35}
        if e.since or e.until:
            options |= {"since": e.since, "until": e.until}
        net.edges.append(Edge(e.source, e.target, **options).options)
        if e.since or e.until:  # the date slider hides such nodes when none is active
            net.node_map[e.source]["dated"] = net.node_map[e.target]["dated"] = True
    values = [float(n["value"]) for n in net.nodes] or [1.0]
    ratio = max(values) / min(values) if min(values) > 0 else float("inf")
    net.options = _options(view, len(net.nodes), len(net.edges), ratio)
    return net


#: Node sizes in pixels: vis-network maps the smallest value to the first and the largest to
#: the second.
NODE_SIZES = (6, 48)


def largest(sizes: tuple[int, int], ratio: float) -> int:
    """The size of the largest node (or label) when the largest value is ``ratio`` times
    the smallest: in proportion, up to the range's top. vis-network stretches whatever
    values it gets over the whole range, so without this a view whose values barely differ
    (a focus view of a company with three neighbours) would draw one node eight times as
    wide as the rest.

    Examples
    --------
    >>> [largest(NODE_SIZES, r) for r in (1.0, 2.5, 8.0, 30.0, float("inf"))]
    [6, 15, 48, 48, 48]
    """
    low, high = sizes
    return round(min(low * ratio, high))


def _options(view: View, n_nodes: int, n_edges: int, ratio: float) -> dict[str, Any]:
    physics = view.physics and n_nodes <= PHYSICS_LIMIT
    return {
        "autoResize": True,
        "layout": {"randomSeed": 42, "improvedLayout": False},
        "physics": {"enabled": physics,
                    "solver": "forceAtlas2Based",
                    "stabilization": {"enabled": physics, "iterations": 300, "fit": True}},
        "nodes": {
            "shape": "dot", "borderWidth": 1,
            "font": {"face": "Arial, Helvetica, sans-serif", "size": 14, "color": "#222222",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
            # Sizes follow each node's value; names are drawn by labels.js.
            "scaling": {"min": NODE_SIZES[0], "max": largest(NODE_SIZES, ratio)},
        },
        "edges": {
            "smooth": n_edges <= 2000 and {"type": "continuous"},
            "color": {"inherit": False, "opacity": 0.55 if n_edges > 2000 else 0.8},
            "selectionWidth": 2,
        },
        "interaction": {"hover": n_edges <= 5000, "tooltipDelay": 120,
                        "hideEdgesOnDrag": n_edges > 5000, "hideEdgesOnZoom": n_edges > 5000,
                        "navigationButtons": False, "keyboard": False,
                        "multiselect": True},
    }


def _json_for_script(value: Any) -> Markup:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.translate(_JSON_ESCAPES))  # nothing in it can close the script


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(view: View) -> str:
    """The page for ``view``: vis-network, our script and the data, all inline."""
    net = network_of(view)
    nodes, edges, _, _, _, options = net.get_network_data()
    vis_js, vis_css = _vis_assets()
    own_js = _own_asset("view.js")
    labels_js = _own_asset("labels.js")
    dates = sorted({d for e in edges for d in (e.get("since"), e.get("until")) if d})
    payload = {
        "title": view.title, "nodes": nodes, "edges": edges, "options": json.loads(options),
        "rings": [{"radius": r, "label": label} for r, label in view.rings],
        "dates": dates if view.timeline and dates else [],
        "physics": bool(json.loads(options)["physics"]["enabled"]),
        "groups": view.group_names,
    }
    scripts = " ".join(_hash(js) for js in (vis_js, labels_js, own_js))
    csp = ("default-src 'none'; " f"script-src {scripts}; "
           "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
           "base-uri 'none'; form-action 'none'")
    return _template().render(
        title=view.title, notes=view.notes, panels=view.panels,
        legend=[(entry, _colour(entry.color)) for entry in view.legend],
        csp=csp, vis_js=Markup(vis_js), vis_css=Markup(vis_css),
        own_js=Markup(own_js), labels_js=Markup(labels_js),
        own_css=Markup(_own_asset("view.css")),
        data=_json_for_script(payload), n_nodes=len(nodes), n_edges=len(edges),
    )


def render_page(template: str, scripts: tuple[str, ...], styles: tuple[str, ...], *,
                title: str, payload: Any) -> str:
    """A self-contained page from one of our templates: its scripts and styles inline, the
    data as JSON, and a policy that allows no request and only these scripts, by hash."""
    code = [_own_asset(name) for name in scripts]
    csp = ("default-src 'none'; " f"script-src {' '.join(_hash(js) for js in code)}; "
           "style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; "
           "form-action 'none'")
    return _template(template).render(
        title=title, csp=csp, scripts=[Markup(js) for js in code],
        styles=[Markup(_own_asset(name)) for name in styles], data=_json_for_script(payload))
