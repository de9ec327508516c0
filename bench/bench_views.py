"""Benchmark: an ecosystem map of 5,000 nodes and 20,000 edges, generated and opened in
headless Chromium, against pyvis's default settings on the same graph.

Target (issue 5): the HTML is generated in at most 3 s, and the page is interactive (load
event fired, network drawn) in at most 3 s.

Measured:

- ours: ``ecosystem_map(store).save(...)`` (PageRank, Louvain communities, the seeded layout
  and the page), then, in Chromium, the load event and the first drawing of the network;
- pyvis defaults: ``Network()``, ``from_nx(G)``, ``write_html`` (physics on, barnesHut, its
  default stabilisation), then the time until its stabilisation ends and the network is
  drawn. pyvis's default ``cdn_resources="local"`` still loads vis-network from a CDN, which a
  closed network cannot reach, so the baseline page uses ``in_line`` (only Bootstrap then
  fails to load, quickly).

Run: ``.venv/bin/python bench/bench_views.py [--nodes 5000 --edges 20000 --timeout 600]``
(``--skip-pyvis`` for ours alone; ``--screenshot map.png`` to look at it).
Prints figures and ratios; asserts nothing about time. Needs /usr/bin/chromium (installed by
scripts/test.sh).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem import EmbeddedStore, import_paths
from ecosystem.views import ecosystem_map
from tests.views.pages import CHROMIUM, CHROMIUM_ARGS

PROGRAMMES = 100


def write_tables(folder: Path, nodes: int, edges: int, seed: int = 5) -> None:
    """Companies in programme-centred clusters: each company belongs to one or two
    programmes; partnerships fall mostly inside a cluster."""
    rng = np.random.default_rng(seed)
    companies = nodes - PROGRAMMES
    home = rng.integers(0, PROGRAMMES, companies)
    member = {(c, int(home[c])) for c in range(companies)}
    while len(member) < companies * 1.5:
        member.add((int(rng.integers(companies)), int(rng.integers(PROGRAMMES))))
    partners: set[tuple[int, int]] = set()
    by_home = [np.flatnonzero(home == p) for p in range(PROGRAMMES)]
    while len(member) + len(partners) < edges:
        a = int(rng.integers(companies))
        pool = by_home[home[a]] if rng.random() < 0.85 else np.arange(companies)
        b = int(rng.choice(pool))
        if a != b:
            partners.add((min(a, b), max(a, b)))

    def write(name: str, header: list[str], rows: object) -> None:
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(header)
            out.writerows(rows)  # type: ignore[arg-type]

    write("companies.csv", ["id", "name"], ((f"c{i}", f"Company {i}") for i in range(companies)))
    write("programmes.csv", ["id", "name"], ((f"p{i}", f"Programme {i}")
                                             for i in range(PROGRAMMES)))
    write("member_of.csv", ["source", "target", "since", "tier"],
          ((f"c{c}", f"p{p}", f"{2010 + c % 14}-01", "Silver") for c, p in sorted(member)))
    write("partners_with.csv", ["source", "target", "since"],
          ((f"c{a}", f"c{b}", f"{2012 + (a + b) % 12}-06") for a, b in sorted(partners)))


def timed(action, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action(*args, **kwargs)
    return result, time.perf_counter() - start


def open_ours(browser, path: Path, screenshot: Path | None) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load", timeout=600_000)
    loaded = time.perf_counter() - start
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=600_000)
    drawn = time.perf_counter() - start
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    page.close()
    return loaded, drawn


def open_pyvis(browser, path: Path, timeout: float) -> tuple[float, float | None]:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="load", timeout=600_000)
    loaded = time.perf_counter() - start
    try:  # pyvis's template keeps `network` global; physics.ready turns true when settled
        page.wait_for_function("typeof network !== 'undefined' && network.physics.ready",
                               timeout=timeout * 1000, polling=200)
        drawn: float | None = time.perf_counter() - start
    except Exception:
        drawn = None
    page.close()
    return loaded, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=20000)
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="Seconds to wait for pyvis's physics to settle.")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="Save a PNG of our page as drawn.")
    parser.add_argument("--skip-pyvis", action="store_true",
                        help="Measure only ours (no baseline, no ratios).")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from pyvis.network import Network

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "tables").mkdir()
        write_tables(folder / "tables", args.nodes, args.edges)
        store = EmbeddedStore(folder / "bench.db")
        import_paths(store, [folder / "tables"])
        # every edge drawn, as pyvis draws them (by default a map this dense draws each
        # node's strongest ties only: see the second figure below)
        view, generate = timed(lambda: ecosystem_map(store, max_nodes=args.nodes + 1,
                                                     all_edges=True))
        _, write = timed(view.save, folder / "ours.html")
        print(f"graph: {len(view.nodes):,} nodes, {len(view.edges):,} edges")
        print(f"ours   generate HTML: {generate + write:8.2f} s  (view {generate:.2f} s, "
              f"page {write:.2f} s, {(folder / 'ours.html').stat().st_size / 1e6:.1f} MB)")
        thin, thin_generate = timed(lambda: ecosystem_map(store, max_nodes=args.nodes + 1))
        _, thin_write = timed(thin.save, folder / "thin.html")
        print(f"ours, as drawn by default ({len(thin.edges):,} edges: each node's strongest "
              f"ties): generate HTML {thin_generate + thin_write:.2f} s")

        if args.skip_pyvis:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                loaded, drawn = open_ours(browser, folder / "ours.html", args.screenshot)
                print(f"ours   in Chromium: load event {loaded:.2f} s, network drawn "
                      f"{drawn:.2f} s")
                browser.close()
            store.close()
            return
        G = nx.Graph()
        for n in view.nodes:
            G.add_node(n.id, label=n.label, title=n.title)
        G.add_edges_from((e.source, e.target, {"title": e.title}) for e in view.edges)
        net = Network(cdn_resources="in_line")
        _, baseline_generate = timed(net.from_nx, G)
        _, baseline_write = timed(net.write_html, str(folder / "pyvis.html"))
        baseline_total = baseline_generate + baseline_write
        print(f"pyvis  generate HTML: {baseline_total:8.2f} s  (from_nx {baseline_generate:.2f}"
              f" s, write_html {baseline_write:.2f} s)")
        print(f"       ratio pyvis / ours: {baseline_total / (generate + write):.1f}x")

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            loaded, drawn = open_ours(browser, folder / "ours.html", args.screenshot)
            print(f"ours   in Chromium: load event {loaded:.2f} s, network drawn {drawn:.2f} s")
            b_loaded, b_drawn = open_pyvis(browser, folder / "pyvis.html", args.timeout)
            if b_drawn is None:
                print(f"pyvis  in Chromium: load event {b_loaded:.2f} s, physics not settled "
                      f"after {args.timeout:.0f} s; ratio > {args.timeout / drawn:.0f}x")
            else:
                print(f"pyvis  in Chromium: load event {b_loaded:.2f} s, network drawn "
                      f"{b_drawn:.2f} s; ratio pyvis / ours: {b_drawn / drawn:.1f}x")
            browser.close()
        store.close()


if __name__ == "__main__":
    main()
