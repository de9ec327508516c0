"""Benchmark: the portfolio dashboard of the worked case and of a generated portfolio of 500
partnerships, generated and interactive in headless Chromium.

Target (issue 22): each generated and interactive in at most 3 s. Baseline, measured in the
same run: the same rows as a plain, static pandas ``DataFrame.to_html`` table (no charts,
no sorting or filtering) opened in the same browser.

Measured: generating the page (reading the partnerships, diagnosing and evaluating each,
writing the HTML), then in Chromium the time until the page's script has drawn the table,
the heat map and the sparklines (``data-ready``), and a filter's answer.

Run: ``.venv/bin/python bench/bench_dashboard.py [--n 500]``. Prints figures; asserts
nothing. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from ecosystem import EmbeddedStore
from ecosystem.views.dashboard import portfolio_dashboard
from tests.lifecycle.generated import generate_portfolio
from tests.lifecycle.worked_case import replay
from tests.views.pages import CHROMIUM, CHROMIUM_ARGS


def measure(browser: object, store: EmbeddedStore, as_of: dt.date, folder: Path,
            name: str) -> dict[str, float]:
    start = time.perf_counter()
    page_file = portfolio_dashboard(store, as_of=as_of).save(folder / f"{name}.html")
    generate = time.perf_counter() - start
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    start = time.perf_counter()
    page.goto(page_file.as_uri())
    page.wait_for_selector("body[data-ready='1']", state="attached")
    interactive = time.perf_counter() - start
    start = time.perf_counter()
    page.select_option("#band", "critical")
    page.wait_for_selector("#count")
    filtered = time.perf_counter() - start
    rows = page.evaluate("ecosystemDashboard.data.rows")
    page.close()
    # the baseline: the same rows as a static table
    start = time.perf_counter()
    plain = pd.DataFrame([{k: r[k] for k in ("id", "name", "company", "partner", "stage",
                                             "health", "drawn_band", "open_alerts", "risk_max")}
                          for r in rows])
    static = folder / f"{name}-plain.html"
    static.write_text(plain.to_html(), encoding="utf-8")
    base_generate = time.perf_counter() - start
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    start = time.perf_counter()
    page.goto(static.as_uri())
    base_open = time.perf_counter() - start
    page.close()
    return {"rows": len(rows), "generate": generate, "interactive": interactive,
            "filter": filtered, "base_generate": base_generate, "base_open": base_open}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        results = {}
        with EmbeddedStore(folder / "case.db") as store:
            replay(store)
            results["worked case"] = measure(browser, store, dt.date(2025, 10, 10), folder,
                                             "case")
        with EmbeddedStore(folder / "gen.db") as store:
            generate_portfolio(store, args.n)
            results[f"{args.n} generated"] = measure(browser, store, dt.date(2025, 6, 30),
                                                     folder, "gen")
        browser.close()
    print(f"{'portfolio':<16}{'rows':>6}{'generate s':>12}{'interactive s':>15}"
          f"{'total s':>9}{'filter s':>10}   baseline (static table): generate + open")
    for name, r in results.items():
        total = r["generate"] + r["interactive"]
        base = r["base_generate"] + r["base_open"]
        print(f"{name:<16}{r['rows']:>6}{r['generate']:>12.2f}{r['interactive']:>15.2f}"
              f"{total:>9.2f}{r['filter']:>10.3f}   {base:.2f} s (dashboard "
              f"{total / base:.1f}x)")
    print("target: generated and interactive in at most 3 s each")


if __name__ == "__main__":
    main()
