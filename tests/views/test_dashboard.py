"""The portfolio dashboard in a real headless Chromium: the worked case and a generated
portfolio of 500 partnerships render, sort and filter, no request leaves the page, and a
hostile partnership name is shown as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ecosystem import EmbeddedStore
from ecosystem.cli import cli
from ecosystem.views.dashboard import portfolio_dashboard
from tests.lifecycle.generated import generate_portfolio
from tests.lifecycle.worked_case import PID, replay
from tests.views.conftest import HOSTILE
from tests.views.pages import open_page

pytestmark = pytest.mark.slow


def _row_ids(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("#rows tr", "rows => rows.map(r => r.dataset.id)"))


def test_the_worked_case_dashboard(browser: Any, tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    with EmbeddedStore(db) as store:
        replay(store)
    out = tmp_path / "dash" / "dashboard.html"
    result = CliRunner().invoke(cli, ["--store", str(db), "dashboard", "--as-of", "2025-10-10",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 partnerships: 0 critical, 1 watch" in result.output
    focus = out.parent / "focus" / "voltra.html"
    assert focus.exists()
    opened = open_page(browser, out)
    page = opened.page
    assert _row_ids(page) == [PID]
    row = page.inner_text(f"#rows tr[data-id='{PID}']")
    assert "Smart cockpit" in row and "watch" in row and "active" in row
    assert "2025-12-31 Fusion algorithm version 6" in row
    # the row links to its focus view, which exists
    link = page.get_attribute(f"#rows tr[data-id='{PID}'] a", "href")
    assert link == "focus/voltra.html"
    # a sparkline with one point per quarter that has an index
    assert page.eval_on_selector(f"#rows tr[data-id='{PID}'] polyline",
                                 "p => p.getAttribute('points').split(' ').length") == 7
    # the heat map: five risks, the top one at severity 5 x likelihood 2
    assert page.inner_text("#heat td[data-cell='5x2']") == "1"
    cells = page.eval_on_selector_all("#heat td", "tds => tds.map(t => Number(t.textContent "
                                      "|| 0)).reduce((a, b) => a + b, 0)")
    assert cells == 5
    assert "not recorded" in row  # no budget lines in the replayed case
    assert opened.external == [] and opened.errors == [] and opened.dialogs == []
    page.close()


def test_budget_use_in_the_dashboard_by_hand(browser: Any, tmp_path: Path) -> None:
    from ecosystem.lifecycle.portfolio import portfolio
    from ecosystem.lifecycle.records import load_partnerships
    from tests.lifecycle.test_resources import _budget_recorded

    with EmbeddedStore(tmp_path / "case.db") as store:
        replay(store)
        _budget_recorded(store)
        # lines with an actual figure: version 2 (company: budget 240,000 after the
        # reallocation, actual 260,000; partner 100,000 and 100,000), version 3 (company:
        # 110,000 and 100,000); the partnership-wide line has no actual yet
        (row,) = portfolio(load_partnerships(store), as_of=dt.date(2025, 6, 30))["rows"]
        assert row["budget"] == [{"currency": "EUR", "budget": 450000.0,
                                  "actual": 460000.0, "used": pytest.approx(460 / 450)}]
        path = portfolio_dashboard(store, as_of=dt.date(2025, 6, 30)).save(
            tmp_path / "d.html")
    opened = open_page(browser, path)
    cell = opened.page.inner_text(f"#rows tr[data-id='{PID}']")
    assert "EUR 460,000 of 450,000 (102%)" in cell
    assert opened.errors == []
    opened.page.close()


@pytest.fixture(scope="module")
def portfolio_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portfolio")
    names = {3: HOSTILE["voltra"], 4: HOSTILE["cortex"], 5: HOSTILE["cellix"]}
    with EmbeddedStore(folder / "p.db") as store:
        generate_portfolio(store, 500, names=names)
        return portfolio_dashboard(store, as_of=dt.date(2025, 6, 30)).save(folder / "p.html")


def test_five_hundred_partnerships_sort_and_filter(browser: Any, portfolio_page: Path) -> None:
    opened = open_page(browser, portfolio_page)
    page = opened.page
    data = page.evaluate("ecosystemDashboard.data")
    rows = data["rows"]
    assert len(rows) == 500 and len(_row_ids(page)) == 500
    assert page.inner_text("#count") == "500 partnerships"
    # the default order: the most severe first (hard triggers, then executive alerts ...)
    first = next(r for r in rows if r["id"] == _row_ids(page)[0])
    assert first["alerts"]["hard_trigger"] == max(r["alerts"]["hard_trigger"] for r in rows)
    # sort by health, ascending then descending (a click on the header, by keyboard too)
    page.focus("#head th[data-key='health'] button")
    page.keyboard.press("Enter")
    healths = [next(r for r in rows if r["id"] == i)["health"] for i in _row_ids(page)]
    known = [h for h in healths if h is not None]
    assert known == sorted(known, reverse=True)
    assert page.get_attribute("#head th[data-key='health']", "aria-sort") == "descending"
    page.click("#head th[data-key='health'] button")
    healths = [next(r for r in rows if r["id"] == i)["health"] for i in _row_ids(page)]
    assert [h for h in healths if h is not None] == sorted(known)
    # filters: band, late milestones, free text; the count follows
    page.select_option("#band", "critical")
    critical = [r["id"] for r in rows if r["drawn_band"] == "critical"]
    assert sorted(_row_ids(page)) == sorted(critical) and 0 < len(critical) < 500
    assert page.inner_text("#count") == f"{len(critical)} of 500 partnerships"
    page.check("#late-only")
    both = [r["id"] for r in rows if r["drawn_band"] == "critical" and r["late"]]
    assert sorted(_row_ids(page)) == sorted(both)
    page.select_option("#band", "")
    page.uncheck("#late-only")
    page.fill("#find", "lead 07")
    leads = [r["id"] for r in rows if r["lead"] == "Lead 07"]
    assert sorted(_row_ids(page)) == sorted(leads) and leads
    page.fill("#find", "")
    # hostile names: text in the table, nothing ran, nothing was injected
    page.fill("#find", "alert(1)")
    shown = page.eval_on_selector_all("#rows tr td:first-child span",
                                      "s => s.map(x => x.textContent)")
    assert set(shown) == {HOSTILE["voltra"], HOSTILE["cortex"], HOSTILE["cellix"]}
    assert page.evaluate("document.scripts.length") == 2
    assert page.evaluate("document.querySelectorAll('img, iframe').length") == 0
    assert page.evaluate("document.querySelectorAll('b').length") == 8  # the totals' cards
    assert page.evaluate("document.querySelectorAll('[onerror], [onload], [onmouseover]')"
                         ".length") == 0
    assert opened.external == [] and opened.errors == [] and opened.dialogs == []
    page.close()
