"""Benchmark: the explorer on the demo, in headless Chromium against `ecosystem serve`.

Target (issue 19): the first page interactive and each panel's answer in at most 1 s at the
median. Baseline, measured in the same run: the same question asked on the command line
(`ecosystem show company ibm`, `ecosystem scan ibm`, `ecosystem view focus ibm`), which is
what a user waited for before the explorer.

Each round opens a fresh page and times, from the user's action to the page having its
answer (no request in flight):

- first page: navigation until the page is ready (scripts loaded, controls built);
- suggestions: typing "ibm" until the list shows;
- company page + graph: choosing IBM until its page and neighbours are drawn;
- expand: a click on CNCF until its members are drawn;
- scan: "Find partners" until the candidates are listed;
- what-if: ticking what-if until the candidates show their effect;
- date: moving the slider to 2019-12-31 until every panel has followed.

The first round runs on a server that has just started on a store without its cache (cold);
the medians are over the later rounds.

Run: ``.venv/bin/python bench/bench_explorer.py [--store PATH] [--rounds 7]`` (default: a
fresh demo in a temporary folder). Prints figures; asserts nothing. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.demo_files import ECOSYSTEM, demo_database
from tests.servers import serving
from tests.views.pages import CHROMIUM, CHROMIUM_ARGS

STEPS = ["first page", "suggestions", "company page + graph", "expand", "scan", "what-if",
         "date"]
CLI = {"company page + graph": ["show", "company", "ibm", "--json"],
       "scan": ["scan", "ibm"], "what-if": ["scan", "ibm", "--whatif"],
       "expand": ["view", "focus", "ibm", "--out", "{tmp}/focus.html"]}


def settled(page: Any) -> None:
    page.wait_for_selector("body[data-busy='0']", state="attached", timeout=120_000)


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def one_round(browser: Any, url: str) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1500, "height": 950})
    out: dict[str, float] = {}

    def first() -> None:
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=120_000)

    out["first page"] = timed(first)

    def suggestions() -> None:
        page.fill("#q", "ibm")
        page.wait_for_selector("#suggestions li", timeout=120_000)

    out["suggestions"] = timed(suggestions)

    def company() -> None:
        page.keyboard.press("Enter")
        page.wait_for_selector("#company-name", timeout=120_000)
        page.wait_for_selector("#company h3", timeout=120_000)
        settled(page)

    page.focus("#q")
    out["company page + graph"] = timed(company)

    def expand() -> None:
        x, y = page.evaluate("""() => {
            const net = ecosystemExplorer.network;
            const p = net.canvasToDOM(net.getPositions(['programme:cncf'])['programme:cncf']);
            const box = document.getElementById('graph').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y]; }""")
        page.mouse.click(x, y)  # the request starts within the click's handler
        settled(page)
        if not page.evaluate("!!ecosystemExplorer.nodes.get('more:programme:cncf')"):
            raise RuntimeError("the click did not expand CNCF")

    page.wait_for_timeout(800)  # let the layout settle so that the click finds the node
    out["expand"] = timed(expand)
    page.evaluate("ecosystemExplorer.open('company:ibm', false)")
    settled(page)

    def scan() -> None:
        page.click("#scan")
        page.wait_for_selector("#candidates li[data-company]", timeout=120_000)
        settled(page)

    out["scan"] = timed(scan)

    def whatif() -> None:
        page.check("#whatif")
        page.wait_for_selector("#candidates .whatif", timeout=120_000)
        settled(page)

    out["what-if"] = timed(whatif)

    def date() -> None:
        page.eval_on_selector("#date", """s => {
            const label = document.getElementById('date-label');
            for (let i = 0; i < Number(s.max); i++) {
                s.value = String(i); s.dispatchEvent(new Event('input'));
                if (label.textContent >= '2019-12-31') break; }
            s.dispatchEvent(new Event('change')); }""")  # requests start in the handler
        settled(page)

    out["date"] = timed(date)
    page.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None,
                        help="a demo store to copy (default: build one)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = demo_database(Path(tmp), args.store)
        cli: dict[str, float] = {}
        with serving(db) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            rounds = [one_round(browser, url) for _ in range(args.rounds)]
            browser.close()
        for step, command in CLI.items():
            argv = [ECOSYSTEM, "--store", str(db), *(a.format(tmp=tmp) for a in command)]
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True)
                runs.append(time.perf_counter() - start)
            cli[step] = statistics.median(runs)
    print(f"Explorer on the demo, {args.rounds} rounds (first round on a cold server and "
          "store cache; median over the rest):")
    print(f"{'step':<22}{'cold s':>9}{'median s':>10}{'max s':>8}   baseline (CLI, warm)")
    for step in STEPS:
        warm = [r[step] for r in rounds[1:]] or [rounds[0][step]]
        median = statistics.median(warm)
        base = (f"{cli[step]:.2f} s, explorer {median / cli[step]:.2f}x" if step in cli
                else "-")
        print(f"{step:<22}{rounds[0][step]:>9.2f}{median:>10.2f}{max(warm):>8.2f}   {base}")
    worst = max(statistics.median([r[s] for r in rounds[1:]] or [rounds[0][s]])
                for s in STEPS)
    print(f"slowest median: {worst:.2f} s (target: at most 1 s)")


if __name__ == "__main__":
    main()
