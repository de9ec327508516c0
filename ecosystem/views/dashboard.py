"""The portfolio dashboard (docs/method.md 4.3): every partnership on one self-contained,
offline HTML page, with the same safety rules as the views (no network request, all text
escaped, a Content-Security-Policy that allows only the page's own scripts, by hash).

Data: :func:`ecosystem.lifecycle.portfolio.portfolio`; the page sorts and filters it in the
browser and draws each partnership's health trend as a sparkline and the portfolio's risks
as a severity x likelihood heat map.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecosystem.lifecycle.portfolio import portfolio
from ecosystem.lifecycle.records import load_partnerships
from ecosystem.lifecycle.rules import RuleConfig
from ecosystem.stores.base import Store

__all__ = ["Dashboard", "portfolio_dashboard"]


@dataclass(repr=False)
class Dashboard:
    """The dashboard's data and its page: ``html()``, ``save(path)``."""

    data: dict[str, Any]
    title: str

    def html(self) -> str:
        from ecosystem.views.page import render_page

        return render_page("dashboard.html", ("dashboard.js",), ("dashboard.css",),
                           title=self.title, payload=self.data)

    def save(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(self.html(), encoding="utf-8")
        os.replace(tmp, target)
        return target

    def __repr__(self) -> str:
        return (f"Dashboard({self.title!r}: {len(self.data['rows'])} partnerships; "
                ".save('dashboard.html') writes the page)")


def portfolio_dashboard(store: Store, *, as_of: dt.date, config: RuleConfig | None = None,
                        link: Callable[[Mapping[str, Any]], str | None] | None = None
                        ) -> Dashboard:
    """The dashboard of every partnership on ``as_of``; ``link(row)`` gives each row's link
    to its partnership's focus view (none by default)."""
    data = portfolio(load_partnerships(store), as_of=as_of, config=config)
    for row in data["rows"]:
        row["link"] = link(row) if link else None
    return Dashboard(data, f"Partnership portfolio as of {data['as_of']}")
