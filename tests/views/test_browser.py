"""Views opened in a real headless Chromium: drawn, complete, offline, and inert to hostile
names (no dialog, no injected element), with working search, filters and date slider."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ecosystem import Store
from ecosystem.demo import summarise, write_demo_views
from ecosystem.views import ecosystem_map, focus_view, partner_radar, programme_view
from tests.views.conftest import HOSTILE, HOSTILE_TIER
from tests.views.pages import open_page, overlaps

pytestmark = pytest.mark.slow

#: Each demo view and a node it must show (as of 2024-06-30).
DEMO_EXPECTED = {
    "map.html": "programme:cncf",
    "programme.html": "company:ibm",
    "focus.html": "programme:cncf",
    "radar.html": "company:ibm",
    "opportunities.html": "company:ibm",
}


@pytest.fixture(scope="module")
def demo_views(demo_store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("views")
    paths = write_demo_views(demo_store, folder, summarise(demo_store, as_of=dt.date(2024, 6, 30)))
    return {p.name: p for p in paths}


@pytest.mark.parametrize("name", sorted(DEMO_EXPECTED))
def test_demo_view_draws_offline(browser: Any, demo_views: dict[str, Path], name: str,
                                 tmp_path: Path) -> None:
    opened = open_page(browser, demo_views[name])
    ids = opened.node_ids()
    assert DEMO_EXPECTED[name] in ids
    assert opened.external == []
    assert opened.errors == [] and opened.dialogs == []
    # the canvas has really been drawn on: many non-white pixels
    painted = opened.page.evaluate("""() => {
        const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240) n++;
        return n;
    }""")
    assert painted > 2000
    opened.page.screenshot(path=str(tmp_path / name.replace(".html", ".png")))
    opened.page.close()


def _assert_inert(opened: Any) -> None:
    page = opened.page
    assert opened.dialogs == []
    assert opened.external == []
    assert opened.errors == []
    # only our four scripts; no element any name tried to create
    assert page.evaluate("document.scripts.length") == 4
    assert page.evaluate("document.querySelectorAll('img, iframe, svg, b, style').length") \
        == page.evaluate("document.querySelectorAll('style').length")
    assert page.evaluate("document.querySelectorAll('[onerror], [onload], [onmouseover]')"
                         ".length") == 0


@pytest.mark.parametrize("make", [
    lambda s: ecosystem_map(s),
    lambda s: focus_view(s, "voltra", hops=2),
    lambda s: partner_radar(s, "siliq", top=10),
    lambda s: programme_view(s, "battery-alliance"),
], ids=["map", "focus", "radar", "programme"])
def test_hostile_names_render_as_text(browser: Any, hostile_embedded: Store, tmp_path: Path,
                                      make: Any) -> None:
    view = make(hostile_embedded)
    opened = open_page(browser, view.save(tmp_path / "view.html"))
    _assert_inert(opened)
    shown = {n["id"]: n["name"] for n in opened.page.evaluate("ecosystemView.nodes.get()")}
    for id, name in HOSTILE.items():
        key = f"company:{id}"
        if key in shown:
            assert shown[key] == name
    hostile = next(k for k in ("company:voltra", "company:cortex") if k in shown)
    tip = opened.hover(hostile)
    assert HOSTILE[hostile.partition(":")[2]] in tip  # the tooltip shows the name as text
    _assert_inert(opened)  # hovering ran nothing either
    options = opened.page.evaluate(
        "Array.from(document.querySelectorAll('#node-names option')).map(o => o.value)")
    assert HOSTILE["cortex"] in options or HOSTILE["voltra"] in options
    opened.page.close()


def test_hostile_tier_in_the_legend_is_text(browser: Any, hostile_embedded: Store,
                                            tmp_path: Path) -> None:
    opened = open_page(browser, programme_view(hostile_embedded, "battery-alliance")
                       .save(tmp_path / "p.html"))
    legend = opened.page.inner_text("#legend")
    assert HOSTILE_TIER in legend
    _assert_inert(opened)
    opened.page.close()


def test_search_filters_and_slider(browser: Any, hostile_embedded: Store,
                                   tmp_path: Path) -> None:
    opened = open_page(browser, ecosystem_map(hostile_embedded).save(tmp_path / "m.html"))
    page = opened.page
    page.fill("#search", "battery alliance")
    page.dispatch_event("#search", "change")
    assert page.evaluate("ecosystemView.network.getSelectedNodes()") == [
        "programme:battery-alliance"]
    assert "programme battery-alliance" in page.inner_text("#details-text")
    total = opened.visible_edges()
    members = page.evaluate("ecosystemView.edges.get({filter: e => e.kind === 'member_of'})"
                            ".length")
    count = page.inner_text("#count")
    page.uncheck("input[data-filter='edge'][data-key='member_of']")
    assert opened.visible_edges() == total - members
    # the count in the header follows the filter
    assert f"{total - members} of {total} edges" in page.inner_text("#count")
    page.check("input[data-filter='edge'][data-key='member_of']")
    assert opened.visible_edges() == total
    assert page.inner_text("#count") == count == f"{page.evaluate('ecosystemView.nodes.length')}" \
        f" nodes, {total} edges"
    # the slider's first date: only what had started by then
    assert page.is_visible("#date-slider")
    page.eval_on_selector("#date-slider", "s => { s.value = '0'; s.dispatchEvent("
                          "new Event('input')); }")
    first = page.inner_text("#date-label")
    active = page.evaluate("""day => ecosystemView.edges.get({filter: e =>
        (!e.since || e.since <= day) && (!e.until || e.until > day)}).length""", first)
    assert opened.visible_edges() == active < total
    with page.expect_download() as download:
        page.click("#png")
    saved = tmp_path / "saved.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()


def test_a_small_neighbourhood_is_fitted_to_the_window(browser: Any, hostile_embedded: Store,
                                                      tmp_path: Path) -> None:
    view = focus_view(hostile_embedded, "voltra", hops=1)
    assert 3 <= len(view.nodes) <= 12
    opened = open_page(browser, view.save(tmp_path / "f.html"))
    spread = opened.page.evaluate("""() => {
        const net = ecosystemView.network, pos = net.getPositions();
        const dom = Object.values(pos).map(p => net.canvasToDOM(p));
        const xs = dom.map(p => p.x), ys = dom.map(p => p.y);
        const box = document.getElementById('network').getBoundingClientRect();
        return {width: (Math.max(...xs) - Math.min(...xs)) / box.width,
                height: (Math.max(...ys) - Math.min(...ys)) / box.height,
                scale: net.getScale()};
    }""")
    # enlarged beyond vis-network's default stop at scale 1, to fill the window
    assert spread["scale"] > 1.0
    assert max(spread["width"], spread["height"]) > 0.3, spread
    opened.page.click("#fit")  # the button fits the same way
    assert opened.page.evaluate("ecosystemView.network.getScale()") == pytest.approx(
        spread["scale"], rel=0.05)
    opened.page.close()


@pytest.mark.parametrize("name", sorted(DEMO_EXPECTED))
def test_demo_view_names_do_not_overlap(browser: Any, demo_views: dict[str, Path],
                                        name: str) -> None:
    """Each demo view names its main nodes at first sight, no two names' rendered boxes
    overlap, and zooming in names more nodes."""
    opened = open_page(browser, demo_views[name])
    page = opened.page
    boxes = page.evaluate("ecosystemView.labels.boxes()")
    n_nodes = page.evaluate("ecosystemView.nodes.length")
    assert len(boxes) >= min(8, n_nodes), f"{name}: only {len(boxes)} names drawn"
    assert overlaps(boxes) == []
    # the largest node is among those named
    biggest = page.evaluate("ecosystemView.nodes.get().sort((a, b) => b.value - a.value)[0].id")
    assert biggest in {b["id"] for b in boxes}
    if n_nodes > len(boxes):
        page.evaluate("""() => { const net = ecosystemView.network;
            net.moveTo({scale: net.getScale() * 3}); }""")
        page.wait_for_timeout(100)
        closer = page.evaluate("ecosystemView.labels.boxes()")
        assert overlaps(closer) == []
        assert {b["id"] for b in closer} - {b["id"] for b in boxes}, "zooming in named no one new"
    page.close()


def test_a_big_map_names_its_communities_when_zoomed_out(browser: Any, demo_store: Store,
                                                         tmp_path: Path) -> None:
    """Above a thousand nodes the map names its communities at their centres at first sight
    (none covering another name), and its nodes' names once zoomed in."""
    view = ecosystem_map(demo_store, as_of=dt.date(2024, 6, 30), top=1500)
    assert len(view.nodes) > 1000 and view.group_names
    opened = open_page(browser, view.save(tmp_path / "big.html"))
    page = opened.page
    boxes = page.evaluate("ecosystemView.labels.boxes()")
    groups = [b for b in boxes if b["id"].startswith("group:")]
    assert len(groups) >= 3
    assert overlaps(boxes) == []
    named = {b["id"].removeprefix("group:") for b in groups}
    assert named <= set(view.group_names)
    page.evaluate("""() => { const net = ecosystemView.network;
        net.moveTo({scale: net.getScale() * 3}); }""")
    page.wait_for_timeout(100)
    closer = page.evaluate("ecosystemView.labels.boxes()")
    assert closer and not any(b["id"].startswith("group:") for b in closer)
    assert opened.errors == [] and opened.external == []
    page.close()
