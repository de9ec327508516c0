"""Partnership health on the map and alerts beside the focus view, in a real Chromium."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ecosystem import lifecycle as lc
from ecosystem.editing import upsert_node
from ecosystem.model import NodeKind
from ecosystem.stores.embedded import EmbeddedStore
from ecosystem.views import ecosystem_map, focus_view
from ecosystem.views.partnership_health import BAND_COLOURS
from tests.lifecycle.worked_case import PID, replay
from tests.views.pages import open_page

HOSTILE = "<img src=x onerror=alert(1)> Cockpit"


def test_map_colours_partnerships_by_health_and_focus_lists_alerts(
        browser: Any, tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "case.db") as store:
        replay(store)
        upsert_node(store, NodeKind.PARTNERSHIP, {"id": PID, "name": HOSTILE})
        healthy = ecosystem_map(store, as_of=dt.date(2025, 6, 30))
        (edge,) = [e for e in healthy.edges if {e.source, e.target} ==
                   {"company:voltra", "company:cortex"}]
        assert edge.kind == "partnership-healthy" and edge.color == BAND_COLOURS["healthy"]
        assert not edge.dashes and "active since 2024-06-03" in edge.title
        # In the buffer period the edge is dashed and the alerts are listed.
        lc.add_records(store, "milestones", [{"name": "Version 7", "due": "2025-11-15"}],
                       partnership=PID)
        buffer = ecosystem_map(store, as_of=dt.date(2025, 11, 18))
        (edge,) = [e for e in buffer.edges if e.kind.startswith("partnership-")]
        assert edge.dashes and "buffer_period" in edge.title
        assert any(entry.key == edge.kind for entry in buffer.legend)
        focus = focus_view(store, "voltra", as_of=dt.date(2025, 11, 18))
        (focus_edge,) = [e for e in focus.edges if e.kind.startswith("partnership-")]
        assert focus_edge.kind == "partnership-critical"
        assert list(focus.panels) == ["Open alerts", "Partnerships"]
        alerts = focus.panels["Open alerts"]
        assert len(alerts) == 1 and "late" in alerts[0] and "executive" in alerts[0]
        assert focus.panels["Partnerships"] == [  # the hostile name is drawn as text
            "<img src=x onerror=alert(1)> Cockpit: open conflict since 2025-09-15: Cortex "
            "pivots to enterprise AI platforms"]
        path = focus.save(tmp_path / "focus.html")
    opened = open_page(browser, path)
    page = opened.page
    assert opened.errors == [] and opened.dialogs == []
    assert "Open alerts" in page.inner_text("body")
    assert "open conflict since 2025-09-15" in page.inner_text("body")
    assert "1 of 1 milestones" in page.inner_text("body")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    drawn = page.evaluate("ecosystemView.edges.get().filter(e => "
                          "String(e.kind || '').startsWith('partnership-')).length")
    assert drawn == 1
    # the current quarter so far: one late milestone, no KPI figures yet
    assert "partnership: critical" in page.inner_text("#legend")
    page.close()


def _status(band: str | None, *levels: str) -> Any:
    from ecosystem.lifecycle.rules import Alert
    from ecosystem.lifecycle.status import PartnershipStatus

    alerts = tuple(Alert(rule=f"rule-{i}", level=level, partnership="p", company="a",
                         partner="b", date=dt.date(2025, 1, 1), message="m",
                         recommendation="r") for i, level in enumerate(levels))
    return PartnershipStatus(id="p", name="P", company="a", partner="b", stage="active",
                             stage_since=dt.date(2024, 1, 1), form=None,
                             health=None if band is None else 80.0, band=band,
                             open_alerts=alerts)


def test_a_partnership_with_open_warnings_is_never_drawn_healthy() -> None:
    from ecosystem.views.partnership_health import _describe, drawn_band

    assert drawn_band(_status("healthy")) == "healthy"
    assert drawn_band(_status("healthy", "reminder")) == "healthy"
    assert drawn_band(_status("healthy", "warning", "warning")) == "watch"
    assert drawn_band(_status("healthy", "warning", "executive")) == "critical"
    assert drawn_band(_status("watch", "hard_trigger")) == "critical"
    assert drawn_band(_status("critical", "warning")) == "critical"
    assert drawn_band(_status(None, "warning")) == "watch"
    assert drawn_band(_status(None)) == "unknown"
    told = _describe(_status("healthy", "warning", "warning"))
    assert "2 open alert(s): warning" in told and "drawn watch because of the open alerts" in told
