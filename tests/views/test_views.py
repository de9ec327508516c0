"""Views built from the small named ecosystem (on every store) and the real demo: what they
show, where they put it, and that the page they write is self-contained and escaped."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem import Store
from ecosystem.cli import cli
from ecosystem.errors import InvalidValue, NodeNotFound
from ecosystem.scanning.axes import Axis
from ecosystem.views import (
    View,
    ecosystem_map,
    focus_view,
    opportunities_view,
    partner_radar,
    programme_view,
)
from ecosystem.views.page import network_of
from tests.views.conftest import HOSTILE, HOSTILE_TIER


def _distance(view: View, id: str) -> float:
    node = next(n for n in view.nodes if n.id == id)
    return math.hypot(node.x or 0.0, node.y or 0.0)


def test_map_shows_the_ecosystem_as_of_a_date(small_store: Store) -> None:
    view = ecosystem_map(small_store, as_of=dt.date(2024, 1, 1))
    ids = {n.id for n in view.nodes}
    assert {"company:voltra", "company:cellix", "company:cortex", "company:siliq",
            "programme:battery-alliance", "programme:open-cockpit"} <= ids
    kinds = {e.kind for e in view.edges}
    assert {"member_of", "partners_with", "supplies", "owns"} <= kinds
    # siliq left the alliance in January 2023
    assert not [e for e in view.edges if e.source == "company:siliq" and e.kind == "member_of"]
    assert not view.timeline
    assert all(n.x is not None and n.y is not None for n in view.nodes)
    assert {entry.key for entry in view.legend if entry.kind == "edge"} == kinds


def test_map_without_a_date_keeps_dated_edges_for_the_slider(small_store: Store) -> None:
    view = ecosystem_map(small_store)
    ended = [e for e in view.edges if e.source == "company:siliq" and e.kind == "member_of"]
    assert [(e.since, e.until) for e in ended] == [("2020-06-15", "2023-01-01")]
    assert view.timeline


def test_map_sizes_follow_influence(small_store: Store) -> None:
    view = ecosystem_map(small_store, as_of=dt.date(2024, 1, 1))
    size = {n.id: n.value for n in view.nodes}
    # voltra has the most ties of the small ecosystem; shiplane one
    assert size["company:voltra"] > size["company:shiplane"]


def test_map_layout_is_stable_for_a_seed(small_store: Store) -> None:
    first = ecosystem_map(small_store, as_of=dt.date(2024, 1, 1))
    again = ecosystem_map(small_store, as_of=dt.date(2024, 1, 1))
    other = ecosystem_map(small_store, as_of=dt.date(2024, 1, 1), seed=7)
    assert [(n.id, n.x, n.y) for n in first.nodes] == [(n.id, n.x, n.y) for n in again.nodes]
    assert [(n.x, n.y) for n in first.nodes] != [(n.x, n.y) for n in other.nodes]


def test_map_by_industry_and_top(small_store: Store) -> None:
    view = ecosystem_map(small_store, as_of=dt.date(2024, 1, 1), color_by="industry", top=3)
    assert len(view.nodes) == 3
    groups = {n.group for n in view.nodes}
    assert groups <= {entry.key for entry in view.legend}
    with pytest.raises(InvalidValue, match="color_by"):
        ecosystem_map(small_store, color_by="size")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="top"):
        ecosystem_map(small_store, top=0)


def test_map_by_industry_colours_companies_by_their_evidenced_sector(demo_store: Store
                                                                     ) -> None:
    from ecosystem.entities.sectors import company_sectors

    view = ecosystem_map(demo_store, as_of=dt.date(2024, 6, 30), color_by="industry", top=300)
    companies = [n for n in view.nodes if n.id.startswith("company:")]
    unknown = [n for n in companies if n.group == "unknown"]
    known = company_sectors(demo_store)
    # unknown exactly where the store knows no sector (it was nearly every company when
    # only the companies' own industries column counted)
    assert {n.id for n in unknown} == {n.id for n in companies
                                       if not known.get(n.id.split(":", 1)[1])}
    assert len(unknown) < len(companies) / 2
    labels = {e.key: e.label for e in view.legend}
    assert labels["sic-73"].startswith("Business Services (")
    (ibm,) = [n for n in companies if n.id == "company:ibm"]
    assert ibm.group == "sic-73"


def test_large_map_is_aggregated_into_communities(demo_store: Store) -> None:
    view = ecosystem_map(demo_store, as_of=dt.date(2024, 6, 30), max_nodes=200)
    assert view.nodes and all(n.id.startswith("community:") for n in view.nodes)
    assert any("Aggregated" in note for note in view.notes)
    members = sum(n.value for n in view.nodes)
    full = ecosystem_map(demo_store, as_of=dt.date(2024, 6, 30), max_nodes=100_000)
    assert members == len(full.nodes)  # every drawn node is in exactly one community


def test_focus_follows_hops_and_kinds(small_store: Store) -> None:
    view = focus_view(small_store, "voltra", as_of=dt.date(2024, 1, 1))
    ids = {n.id for n in view.nodes}
    assert ids == {"company:voltra", "company:cellix", "company:cortex", "company:siliq",
                   "company:shiplane", "programme:battery-alliance", "programme:open-cockpit"}
    partners = focus_view(small_store, "Voltra Motors", kinds=["partners_with"])
    assert {n.id for n in partners.nodes} == {"company:voltra", "company:cellix",
                                             "company:cortex"}
    one = focus_view(small_store, "voltra", kinds=["member_of"], as_of=dt.date(2024, 1, 1))
    two = focus_view(small_store, "voltra", hops=2, kinds=["member_of"], as_of=dt.date(2024, 1, 1))
    # the programmes are one hop away, their other members two
    assert {n.id for n in one.nodes} == {"company:voltra", "programme:battery-alliance",
                                         "programme:open-cockpit"}
    assert {n.id for n in two.nodes} == {n.id for n in one.nodes} | {"company:cellix",
                                                                     "company:cortex"}
    assert _distance(two, "company:voltra") == 0
    assert _distance(two, "programme:open-cockpit") < _distance(two, "company:cortex")


def test_node_sizes_keep_their_proportions_in_a_small_view(small_store: Store,
                                                           demo_store: Store) -> None:
    # a focus view of three companies: values barely differ, so the focal company is drawn
    # in proportion (vis-network alone would stretch it to the full 48 pixels)
    small = network_of(focus_view(small_store, "voltra", kinds=["partners_with"]))
    values = [float(n["value"]) for n in small.nodes]
    scaling = small.options["nodes"]["scaling"]
    assert scaling["min"] == 6
    assert scaling["max"] == round(6 * max(values) / min(values)) < 48
    # the demo map's PageRank sizes span more than eight times: the full range
    big = network_of(ecosystem_map(demo_store, as_of=dt.date(2024, 1, 1)))
    assert big.options["nodes"]["scaling"]["max"] == 48


def test_focus_refuses_bad_arguments(small_store: Store) -> None:
    with pytest.raises(InvalidValue, match="hops"):
        focus_view(small_store, "voltra", hops=0)
    with pytest.raises(InvalidValue, match="partner_with"):
        focus_view(small_store, "voltra", kinds=["partner_with"])
    with pytest.raises(NodeNotFound, match="voltra"):
        focus_view(small_store, "voltr")


def test_focus_lists_alerts(small_store: Store) -> None:
    view = focus_view(small_store, "voltra", alerts=["delivery delay 35% > 20%"])
    assert view.panels == {"Open alerts": ["delivery delay 35% > 20%"]}


def test_radar_places_candidates_by_fit_and_axis(small_store: Store) -> None:
    view = partner_radar(small_store, "voltra", top=10)
    focal = view.nodes[0]
    assert (focal.id, focal.x, focal.y) == ("company:voltra", 0.0, 0.0)
    candidates = [n for n in view.nodes[1:]]
    assert candidates
    scores = {e.target: float(e.title.split()[1]) for e in view.edges}
    ranked = sorted(candidates, key=lambda n: -scores[n.id])
    distances = [_distance(view, n.id) for n in ranked]
    assert distances == sorted(distances)  # better fit, closer
    for n in candidates:
        if n.group == Axis.IN_INDUSTRY.value:
            assert (n.x or 0.0) <= 1e-9
        else:
            assert (n.x or 0.0) >= -1e-9
    assert all("score" in n.title for n in candidates)  # the explanation is the tooltip


def test_radar_draws_predicted_ties_dashed(small_store: Store) -> None:
    view = partner_radar(small_store, "voltra", top=10)
    other = view.nodes[1].id.partition(":")[2]
    with_prediction = partner_radar(small_store, "voltra", top=10, predicted=[(other, 0.8)])
    dashed = [e for e in with_prediction.edges if e.kind == "predicted"]
    assert [(e.target, e.dashes) for e in dashed] == [(f"company:{other}", True)]


def test_programme_view_rings_by_tier(small_store: Store) -> None:
    view = programme_view(small_store, "battery-alliance")
    ids = {n.id for n in view.nodes}
    assert {"company:cellix", "company:voltra", "company:siliq"} <= ids
    # Founding (cellix) sits inside Gold (voltra), which sits inside Silver (siliq)
    assert (_distance(view, "company:cellix") < _distance(view, "company:voltra")
            < _distance(view, "company:siliq"))
    current = programme_view(small_store, "battery-alliance", as_of=dt.date(2024, 1, 1))
    assert "company:siliq" not in {n.id for n in current.nodes}
    with pytest.raises(NodeNotFound, match="battery-alliance"):
        programme_view(small_store, "battery-aliance")


def test_opportunities_on_the_demo(demo_store: Store) -> None:
    view = opportunities_view(demo_store, company="ibm", as_of=dt.date(2024, 6, 30))
    ids = {n.id for n in view.nodes}
    assert sum(i.startswith("community:") for i in ids) >= 3
    assert {n.group for n in view.nodes} >= {"community", "broker", "focal", "candidate"}
    assert all(e.source in ids and e.target in ids for e in view.edges)
    gaps = [e for e in view.edges if e.kind == "gap"]
    assert gaps and all(e.dashes for e in gaps)
    # one meaning per line style: no two kinds of edge drawn alike, in the view or legend
    styles = {(e.color, e.dashes): e.kind for e in view.edges}
    assert len(styles) == len({e.kind for e in view.edges})
    lines = [(entry.color, entry.dashes) for entry in view.legend if entry.kind == "edge"]
    assert len(lines) == len(set(lines))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _data_block(page: str) -> str:
    match = re.search(r'<script id="view-data" type="application/json">(.*?)</script>', page,
                      re.S)
    assert match
    return match.group(1)


def test_page_is_self_contained_and_escapes_every_name(hostile_store: Store) -> None:
    page = ecosystem_map(hostile_store).html()
    parser = _Tags()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    # exactly our four scripts (data, vis-network, labels, page), none loaded from anywhere,
    # no stylesheet links, no images
    assert tags.count("script") == 4
    assert all("src" not in attrs for tag, attrs in parser.tags if tag == "script")
    assert "link" not in tags and "img" not in tags and "iframe" not in tags
    csp = next(attrs["content"] for tag, attrs in parser.tags
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    assert csp and "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split(";")[1]
    block = _data_block(page)
    assert "<" not in block and ">" not in block  # nothing in the data can end the script
    data = json.loads(block)
    labels = {n["id"]: n["name"] for n in data["nodes"]}
    for id, name in HOSTILE.items():
        assert labels[f"company:{id}"] == name  # the name itself survives, as text
    assert any(HOSTILE_TIER in e["title"] for e in data["edges"])


def test_page_escapes_legend_and_notes(hostile_store: Store) -> None:
    page = programme_view(hostile_store, "battery-alliance").html()
    assert HOSTILE_TIER not in page
    assert "&lt;b onmouseover=alert(1)&gt;Gold&lt;/b&gt;" in page  # the legend, as text


def test_pyvis_network_holds_the_view(small_store: Store) -> None:
    view = ecosystem_map(small_store)
    net = network_of(view)
    assert net.num_nodes() == len(view.nodes)
    assert net.num_edges() == len(view.edges)


def test_bad_colour_is_refused(small_store: Store) -> None:
    view = ecosystem_map(small_store)
    view.nodes[0].color = "red;background:url(http://x)"
    with pytest.raises(InvalidValue, match="hex colour"):
        view.html()


def test_save_html_png_svg(hostile_store: Store, tmp_path: Path) -> None:
    view = partner_radar(hostile_store, "siliq")
    html_path = view.save(tmp_path / "radar.html")
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    png = view.save(tmp_path / "radar.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = view.save(tmp_path / "slides" / "radar.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<script" not in svg and "onerror" not in svg and "onload" not in svg
    assert view.save(tmp_path / "as-svg.out", format="svg").read_text(encoding="utf-8")
    with pytest.raises(InvalidValue, match="pdf"):
        view.save(tmp_path / "radar.pdf")
    assert not (tmp_path / "radar.pdf").exists()


def test_notebook_display_is_an_inline_iframe(small_store: Store) -> None:
    shown = ecosystem_map(small_store)._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "<script" not in shown  # the whole page is an escaped attribute value
    assert 'sandbox="allow-scripts allow-downloads"' in shown


def test_cli_writes_each_view(small_store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    location = small_store.location
    for args, name in [(["map"], "map.html"), (["focus", "voltra", "--hops", "2"], "f.html"),
                       (["radar", "voltra", "--top", "5"], "r.svg"),
                       (["programme", "battery-alliance"], "p.html"),
                       (["opportunities"], "o.png")]:
        out = tmp_path / name
        result = runner.invoke(cli, ["--store", location, "view", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert f"Wrote {out}" in result.output
        assert out.stat().st_size > 1000
    bad = runner.invoke(cli, ["--store", location, "view", "programme", "nope",
                              "--out", str(tmp_path / "x.html")])
    assert bad.exit_code == 1 and "No programme with id 'nope'" in bad.output
    assert not (tmp_path / "x.html").exists()


def test_static_labels_do_not_cover_each_other() -> None:
    """Thirty labelled nodes crowded around one point (a programme's inner tiers): in the
    picture for slides no label's box overlaps another's by more than a few pixels."""
    import math

    from ecosystem.views.static import draw_static
    from ecosystem.views.view import View, ViewNode

    nodes = [ViewNode(f"company:c{i}", f"Member Company Number {i}", "g", "#1f77b4",
                      value=1.0 + i % 3, x=3 * math.cos(i / 5), y=3 * math.sin(i / 5))
             for i in range(30)]
    nodes.append(ViewNode("programme:p", "Programme", "p", "#000000", value=10.0,
                          x=200.0, y=0.0))
    fig, _, labels = draw_static(View("Crowded", nodes, []), dpi=100)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert len(boxes) >= 25  # a few may be left out rather than drawn over another
    worst = max((max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
                 * max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0)))
                for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert worst <= 20.0, f"two labels overlap by {worst:.0f} square pixels"


def test_a_two_hop_neighbourhood_aggregates_its_hubs(demo_store: Store) -> None:
    """IBM two hops out on the demo: each programme brings in its best connected members
    only, the rest drawn as one "+N more" node whose count adds up, instead of 400 dots."""
    day = dt.date(2024, 6, 30)
    full = focus_view(demo_store, "ibm", hops=2, as_of=day, fan_out=None, max_nodes=100_000)
    view = focus_view(demo_store, "ibm", hops=2, as_of=day)
    more = [n for n in view.nodes if n.id.startswith("more:")]
    drawn = [n for n in view.nodes if not n.id.startswith("more:")]
    assert more and len(view.nodes) < 200 < len(full.nodes)
    counts = [int(n.label.removeprefix("+").removesuffix(" more").replace(",", ""))
              for n in more]
    missing = len(full.nodes) - len(drawn)
    # every node not drawn is counted under some "+N more" (a node two programmes share may
    # be under both), and the note gives the number of different ones
    assert sum(counts) >= missing and max(counts) <= missing
    assert any(f"({missing:,} in all)" in note for note in view.notes)
    # every "+N more" hangs off the node whose neighbours it stands for
    for n in more:
        parent = n.id.removeprefix("more:")
        assert any(e.source == parent and e.target == n.id for e in view.edges)
    assert any("+N more" in note for note in view.notes)
    # the explorer's own graph drawn as a view: exactly the nodes it names
    shown = {"company:ibm", "programme:cncf", "programme:lf"}
    assert {n.id for n in focus_view(demo_store, "ibm", only=shown).nodes} == shown


def test_programme_tiers_are_labelled_rings_ordered_by_sector(demo_store: Store) -> None:
    from ecosystem.views.programme import _best_sectors

    view = programme_view(demo_store, "cncf", as_of=dt.date(2024, 6, 30))
    tiers = [e.label for e in view.legend if e.kind == "node" and e.key.startswith("tier-")]
    assert [label for _, label in view.rings] == tiers  # one ring per tier, innermost first
    radii = [r for r, _ in view.rings]
    assert radii == sorted(radii)
    # every member lies inside its tier's ring and outside the previous one
    bound = {e.key: r for e, (r, _) in zip(
        [e for e in view.legend if e.key.startswith("tier-")], view.rings, strict=True)}
    inner = dict(zip(bound, [0.0, *radii[:-1]], strict=True))
    for n in view.nodes:
        if n.group.startswith("tier-"):
            assert inner[n.group] < math.hypot(n.x or 0, n.y or 0) < bound[n.group]
    # members of the largest tier go round by sector: each sector is one run
    sector = _best_sectors(demo_store)
    silver = [n.id.partition(":")[2] for n in view.nodes if n.group == "tier-Silver"]
    runs = [s for i, s in enumerate(sector.get(c) for c in silver)
            if i == 0 or s != sector.get(silver[i - 1])]
    assert len(runs) == len(set(runs)) > 3


def test_a_dense_big_map_draws_each_nodes_strongest_ties() -> None:
    from ecosystem.views.map import KEEP_PER_NODE, thin_edges
    from ecosystem.views.view import ViewEdge

    # a hub tied to 1,200 nodes, each also tied to its next 4 neighbours, weights varying
    n = 1200
    edges = [ViewEdge("hub", f"n{i}", "partners_with", "#000000", width=1.0 + (i % 7))
             for i in range(n)]
    edges += [ViewEdge(f"n{i}", f"n{(i + d) % n}", "partners_with", "#000000",
                       width=1.0 + ((i * d) % 5)) for i in range(n) for d in range(1, 3)]
    drawn, before = thin_edges(edges, n + 1)
    assert before == len(edges) and len(drawn) < len(edges)
    kept = {id(e) for e in drawn}
    ends: dict[str, list[ViewEdge]] = {}
    for e in edges:
        ends.setdefault(e.source, []).append(e)
        ends.setdefault(e.target, []).append(e)
    for node, mine in ends.items():
        strongest = sorted(mine, key=lambda e: -e.width)[:KEEP_PER_NODE]
        # each node keeps ties as strong as its strongest ones, and at least one
        assert any(id(e) in kept for e in mine), node
        assert sum(id(e) in kept for e in mine) >= min(KEEP_PER_NODE, len(mine))
        assert max(e.width for e in mine if id(e) in kept) == strongest[0].width
    # a small or sparse map keeps everything
    assert thin_edges(edges[:50], 51) == (edges[:50], 0)
