"""Screenshots of every view and of the explorer on the demo, for the README.

Run: ``.venv/bin/python scripts/screenshots.py [--store PATH] [--out docs/images]``
(default: a fresh demo in a temporary folder). Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem import EmbeddedStore
from ecosystem.views.dashboard import portfolio_dashboard
from tests.demo_files import ECOSYSTEM, demo_database
from tests.lifecycle.generated import generate_portfolio
from tests.servers import serving
from tests.views.pages import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
DAY = "2024-06-30"
VIEWS = {
    "view-map": ["view", "map", "--as-of", DAY, "--top", "300"],
    "view-focus": ["view", "focus", "ibm", "--hops", "2", "--as-of", DAY],
    "view-radar": ["view", "radar", "toyota", "--top", "16"],
    "view-opportunities": ["view", "opportunities", "--company", "ibm"],
    "view-programme": ["view", "programme", "cncf", "--as-of", DAY],
}
EXPLORER = ("/?focus=company%3Aibm&as_of=2024-06-30&expand=company%3Aibm%2Cprogramme%3Acncf"
            "&scan=1&whatif=1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = demo_database(Path(tmp), args.store)
        subprocess.run([ECOSYSTEM, "--store", str(db), "needs", "set",
                        str(ROOT / "examples" / "needs_toyota.yaml")], check=True)
        pages = {}
        for name, command in VIEWS.items():
            page = Path(tmp) / f"{name}.html"
            subprocess.run([ECOSYSTEM, "--store", str(db), *command, "--out", str(page)],
                           check=True, capture_output=True)
            pages[name] = page.as_uri()
        with EmbeddedStore(Path(tmp) / "portfolio.db") as store:
            generate_portfolio(store, 500)
            dashboard = portfolio_dashboard(store, as_of=dt.date(2025, 6, 30)).save(
                Path(tmp) / "dashboard.html")
        pages["dashboard"] = dashboard.as_uri()
        with serving(db) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            for name, uri in pages.items():
                page.goto(uri)
                page.wait_for_selector("body[data-ready='1']", state="attached")
                page.wait_for_timeout(500)
                page.screenshot(path=str(args.out / f"{name}.png"))
            page.goto(url + EXPLORER)
            page.wait_for_selector("body[data-ready='1']", state="attached")
            page.wait_for_selector("body[data-busy='0']", state="attached")
            page.wait_for_timeout(2500)
            page.screenshot(path=str(args.out / "explorer.png"))
            browser.close()
    print(f"wrote {len(pages) + 1} screenshots to {args.out} ({dt.date.today()})")


if __name__ == "__main__":
    main()
