"""The explorer in a real headless Chromium against a real `ecosystem serve` on loopback:
the user flow from search to export on the demo, keyboard use, the URL as a bookmark, no
request to any other host, and hostile names shown as text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ecosystem import EmbeddedStore, Store, import_paths
from tests.conftest import SMALL
from tests.servers import KEY, serving
from tests.views.conftest import HOSTILE, make_hostile
from tests.views.pages import overlaps

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_server(demo_store: Store) -> Iterator[str]:
    """`ecosystem serve` on the session's demo store (the tests only read it)."""
    with serving(Path(demo_store.location)) as url:
        yield url


class Explorer:
    """A page of the explorer with what it did: requests, errors, dialogs, downloads."""

    def __init__(self, browser: Any, url: str) -> None:
        self.base = url.split("/?")[0].rstrip("/")
        self.page = browser.new_page(viewport={"width": 1500, "height": 950},
                                     accept_downloads=True)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
        self.settle()

    def settle(self) -> None:
        """Wait until no request is in flight and the graph has stopped moving."""
        # (a selector, not wait_for_function: the page's policy forbids evaluating strings)
        self.page.wait_for_selector("body[data-busy='0']", state="attached", timeout=60_000)
        self.page.wait_for_timeout(300)
        self.page.wait_for_selector("body[data-busy='0']", state="attached", timeout=60_000)

    @property
    def external(self) -> list[str]:
        return [u for u in self.requests
                if not u.startswith((self.base + "/", "data:", "blob:"))]

    def node_ids(self) -> set[str]:
        return set(self.page.evaluate("ecosystemExplorer.nodes.getIds()"))

    def click_node(self, key: str) -> None:
        x, y = self.page.evaluate("""key => {
            const net = ecosystemExplorer.network;
            const p = net.canvasToDOM(net.getPositions([key])[key]);
            const box = document.getElementById('graph').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""", key)
        self.page.mouse.click(x, y)
        self.settle()

    def download(self, selector: str, target: Path) -> bytes:
        with self.page.expect_download() as download:
            self.page.click(selector)
        download.value.save_as(target)
        self.settle()
        return target.read_bytes()


def test_user_flow_on_the_demo(browser: Any, demo_server: str, tmp_path: Path) -> None:
    """search -> company page -> expand -> scan panel -> what-if -> change the date ->
    bookmark reopened -> export, with the keyboard where a user would use it."""
    ex = Explorer(browser, demo_server + "/")
    page = ex.page
    # search with suggestions, chosen with the keyboard
    page.click("#q")
    page.keyboard.type("ibm")
    page.wait_for_selector("#suggestions li")
    first = page.inner_text("#suggestions li")
    assert first.startswith("IBM")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#q", "aria-activedescendant") == "suggestion-0"
    page.keyboard.press("Enter")
    ex.settle()
    # the company page: type, sectors, memberships, patents
    assert page.inner_text("#company-name") == "IBM"
    company = page.inner_text("#company")
    assert "Cloud Native Computing Foundation" in company
    assert "Patents by class (54,070)" in company
    assert "Business Services" in company
    # the graph: IBM and its neighbours
    ids = ex.node_ids()
    assert {"company:ibm", "programme:cncf"} <= ids
    # expand a programme on click: its best connected members and a "+N more" node
    ex.click_node("programme:cncf")
    expanded = ex.node_ids()
    assert len(expanded) > len(ids) and "more:programme:cncf" in expanded
    members = {k for k in expanded - ids if k.startswith("company:")}
    assert len(members) >= 15
    more = page.evaluate("ecosystemExplorer.nodes.get('more:programme:cncf').name")
    ex.click_node("more:programme:cncf")
    assert len(ex.node_ids()) > len(expanded)
    assert page.evaluate("ecosystemExplorer.nodes.get('more:programme:cncf').name") != more
    # the names drawn in the graph do not cover each other
    assert ex.page.evaluate("ecosystemExplorer.labels.boxes().length") >= 8
    assert overlaps(page.evaluate("ecosystemExplorer.labels.boxes()")) == []
    # a programme's page: back to IBM through its membership list, by keyboard
    assert page.inner_text("#company-name") == "Cloud Native Computing Foundation"
    programme = page.inner_text("#company")
    assert "Members by tier" in programme and "Platinum (" in programme
    assert "Best connected members" in programme
    ex.click_node("company:ibm")
    assert page.inner_text("#company-name") == "IBM"
    # the scan panel, explained
    page.focus("#scan")
    page.keyboard.press("Enter")
    page.wait_for_selector("#candidates li[data-company]")
    ex.settle()
    candidates = page.eval_on_selector_all("#candidates li[data-company]",
                                           "items => items.map(i => i.dataset.company)")
    assert 1 <= len(candidates) <= 10 and "ibm" not in candidates
    assert page.eval_on_selector("#candidates li details.why li", "li => li.textContent")
    assert "What if" not in page.inner_text("#candidates")
    # what-if: the effect of each partnership on IBM's influence
    page.check("#whatif")
    ex.settle()
    assert page.inner_text("#candidates").count("What if:") == len(candidates)
    # change the date: every panel follows
    page.eval_on_selector("#date", """s => {
        const label = document.getElementById('date-label');
        for (let i = 0; i < Number(s.max); i++) {
            s.value = String(i); s.dispatchEvent(new Event('input'));
            if (label.textContent >= '2019-12-31') break; }
        s.dispatchEvent(new Event('change')); }""")
    ex.settle()
    label = page.inner_text("#date-label")
    assert label == "2019-12-31"
    assert f"as_of={label}" in page.url
    company_then = page.inner_text("#company")
    assert "PyTorch Foundation" in company and "PyTorch Foundation" not in company_then
    edges = page.evaluate("ecosystemExplorer.edges.get()")
    dated = [e for e in edges if not e["id"].startswith("more|")]
    assert dated, (page.inner_text("#message"), page.url, len(edges))
    assert all(not e.get("since") or e["since"] <= label for e in dated)
    scan_then = page.eval_on_selector_all("#candidates li[data-company]",
                                          "items => items.map(i => i.dataset.company)")
    assert scan_then
    # the URL is a bookmark: reopened, the same company, graph, date and scan
    bookmark = page.url
    shown = ex.node_ids()
    again = Explorer(browser, bookmark)
    assert again.page.inner_text("#company-name") == "IBM"
    assert again.page.inner_text("#date-label") == label
    assert again.node_ids() == shown
    assert again.page.eval_on_selector_all(
        "#candidates li[data-company]", "items => items.map(i => i.dataset.company)") == scan_then
    assert again.page.is_checked("#whatif")
    assert again.external == [] and again.errors == [] and again.dialogs == []
    again.page.close()
    # export the current view as the CLI writes it
    html = ex.download("[data-export='html']", tmp_path / "view.html").decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "company:ibm" in html
    assert 'http-equiv="Content-Security-Policy"' in html
    png = ex.download("[data-export='png']", tmp_path / "view.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = ex.download("[data-export='svg']", tmp_path / "view.svg").decode("utf-8")
    assert "<svg" in svg
    # nothing left for another host, nothing refused by the page's policy, no error
    assert ex.external == []
    assert ex.errors == [] and ex.dialogs == []
    page.close()


def test_filters_hide_and_count(browser: Any, demo_server: str) -> None:
    ex = Explorer(browser, demo_server + "/?focus=programme:cncf&expand=programme:cncf")
    page = ex.page
    total = len([k for k in ex.node_ids() if not k.startswith("more:")])
    assert page.inner_text("#count") == f"{total} nodes"
    page.click("#filters summary")
    page.uncheck("#types input[value='company']")
    ex.settle()
    hidden = page.evaluate("ecosystemExplorer.nodes.get({filter: n => n.hidden}).length")
    assert hidden > 0
    assert page.inner_text("#count") == f"{total - hidden} of {total} nodes"
    assert "types=" in page.url
    # relationship kinds: none of member_of leaves a programme with no neighbours
    page.uncheck("#kinds input[value='member_of']")
    ex.settle()
    assert "kinds=" in page.url and "member_of" not in page.url.split("kinds=")[1]
    assert ex.errors == [] and ex.external == []
    page.close()


def test_errors_are_shown_not_thrown(browser: Any, demo_server: str) -> None:
    """A bookmark naming a company that is not there says so on the page."""
    ex = Explorer(browser, demo_server + "/?focus=company:no-such-firm")
    assert ex.page.is_visible("#message")
    assert "no-such-firm" in ex.page.inner_text("#message")
    ex.page.close()


@pytest.fixture
def hostile_server(tmp_path: Path) -> Iterator[str]:
    db = tmp_path / "hostile.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
        make_hostile(store)
    with serving(db) as url:
        yield url


def test_hostile_names_are_text(browser: Any, hostile_server: str) -> None:
    ex = Explorer(browser, hostile_server + "/")
    page = ex.page
    page.fill("#q", "alert")
    page.wait_for_selector("#suggestions li")
    texts = page.eval_on_selector_all("#suggestions li > span:first-child",
                                      "items => items.map(i => i.textContent)")
    assert set(texts) & set(HOSTILE.values())
    page.keyboard.press("Enter")
    ex.settle()
    name = page.inner_text("#company-name")
    assert name in HOSTILE.values()
    page.click("#scan")
    ex.settle()
    assert page.eval_on_selector_all("#candidates li[data-company]", "items => items.length")
    ex.click_node("programme:battery-alliance")
    names = page.evaluate("ecosystemExplorer.nodes.get().map(n => n.name)")
    assert set(names) & set(HOSTILE.values())
    # nothing ran, nothing was injected, nothing was fetched from elsewhere
    assert ex.dialogs == [] and ex.errors == [] and ex.external == []
    assert page.evaluate("document.scripts.length") == 3
    assert page.evaluate("document.querySelectorAll('img, iframe, svg, b').length") == 0
    assert page.evaluate("document.querySelectorAll('[onerror], [onload], [onmouseover]')"
                         ".length") == 0
    page.close()


def test_page_policy_and_reads_with_keys(browser: Any, tmp_path: Path) -> None:
    """Every page carries the policy; a server that asks keys for reads gets one from the
    page's key field, and the explorer then works."""
    db = tmp_path / "small.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
    with serving(db, env={"ECOSYSTEM_API_KEYS_FOR_READS": "1"}) as url:
        answer = httpx.get(url + "/")
        assert answer.status_code == 200  # the page itself holds no data
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert "'unsafe-inline'" not in answer.headers["content-security-policy"]
        for name in ("explorer.js", "labels.js", "vis-network.min.js"):
            asset = httpx.get(f"{url}/explorer/{name}")
            assert asset.status_code == 200 and asset.headers["content-type"].startswith(
                "text/javascript")
        assert httpx.get(f"{url}/explorer/..%2Fapp.py").status_code == 404
        assert httpx.get(f"{url}/v1/explore/suggest?q=volt").status_code == 401
        ex = Explorer(browser, url + "/?focus=company:voltra")
        assert ex.page.is_visible("#key-box")
        ex.page.fill("#key", KEY)
        ex.page.dispatch_event("#key", "change")
        ex.page.wait_for_selector("#company-name")
        ex.settle()
        assert ex.page.inner_text("#company-name") == "Voltra Motors"
        ex.page.close()
