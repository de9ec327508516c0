"""The bundled real demo: the Linux Foundation ecosystem, plus matched patent portfolios.

:func:`build_demo` imports the LF landscape data shipped inside the package
(``ecosystem/demo_data``, Apache-2.0) and, when run from a source checkout, the patent
portfolios of LF members matched in ``data/tdapatents`` (GPL-3.0, kept out of the package).
:func:`summarize` gives the short summary ``ecosystem demo`` prints.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ecosystem.io.importer import ImportFormat, read_paths
from ecosystem.model import NodeKind, RelKind
from ecosystem.stores.base import AsOf, Store, WriteSummary

__all__ = ["build_demo", "build_worked_case", "demo_data_folder", "patent_data_folder",
           "summarize", "worked_case_folder", "write_demo_views"]


def demo_data_folder() -> Path:
    """The folder of the bundled LF landscape data (inside the installed package)."""
    return Path(str(resources.files("ecosystem") / "demo_data"))


def patent_data_folder() -> Path | None:
    """The matched patent portfolios in a source checkout's ``data/tdapatents``, if present."""
    folder = Path(__file__).resolve().parent.parent / "data" / "tdapatents"
    return folder if (folder / "companies.csv").is_file() else None


def worked_case_folder() -> Path:
    """The METHOD.md worked case: a small EV ecosystem (tables and ``needs.yaml``) and,
    in ``lifecycle/``, the partnership records that notebook 04 imports."""
    return demo_data_folder() / "worked_case"


def build_worked_case(store: Store) -> WriteSummary:
    """Import the worked case's ecosystem and Voltra's needs map (METHOD.md stage 1) into
    ``store``; the partnership itself is then recorded step by step (notebook 04)."""
    from ecosystem.scanning.needs import read_needs_file, save_needs

    summary = store.write(read_paths([worked_case_folder()], format=ImportFormat.TABULAR))
    save_needs(store, read_needs_file(worked_case_folder() / "needs.yaml"))
    return summary


def build_demo(store: Store, *, progress: bool = False) -> WriteSummary:
    """Import the demo data into ``store`` (again: updates in place).

    Two transactions: the LF ecosystem, then the patent portfolios of its members.
    """
    tables = read_paths([demo_data_folder()], format=ImportFormat.LF_LANDSCAPE)
    summary = store.write(tables, progress=progress)
    patents = patent_data_folder()
    if patents is not None:
        # A second write: the patent tables describe companies the first one created.
        extra = store.write(read_paths([patents], format=ImportFormat.TABULAR),
                            progress=progress)
        for mine, theirs in ((summary.nodes_written, extra.nodes_written),
                             (summary.nodes_created, extra.nodes_created),
                             (summary.relationships_written, extra.relationships_written),
                             (summary.relationships_created, extra.relationships_created)):
            for kind, n in theirs.items():
                mine[kind] = mine.get(kind, 0) + n
    return summary


def summarize(store: Store, *, as_of: AsOf = None, top: int = 5) -> dict[str, Any]:
    """A short summary of an ecosystem: counts, largest programmes, most connected companies.

    ``as_of`` defaults to today; relationships not active then are not counted.
    """
    day = as_of if as_of is not None else dt.date.today().isoformat()
    members = store.relationships(RelKind.MEMBER_OF, as_of=day)
    programmes = {n.id: n.name for n in store.nodes(NodeKind.PROGRAMME)}
    by_programme = Counter(r.target for r in members)
    by_company = Counter(r.source for r in members)
    names = {n.id: n.name for n in store.nodes(NodeKind.COMPANY)}
    capabilities = Counter(r.source for r in store.relationships(RelKind.HAS_CAPABILITY,
                                                                 as_of=day))
    patents: Counter[str] = Counter()
    for rel in store.relationships(RelKind.HOLDS_PATENTS_IN):
        patents[rel.source] += int(rel.properties.get("count", 0))
    return {
        "as_of": str(day),
        "store": store.location,
        "counts": store.counts(),
        "active_relationships": store.counts(as_of=day)["relationships"],
        "largest_programmes": [
            {"id": p, "name": programmes.get(p, p), "members": n}
            for p, n in by_programme.most_common(top)
        ],
        "companies_in_most_programmes": [
            {"id": c, "name": names.get(c, c), "programmes": n}
            for c, n in by_company.most_common(top)
        ],
        "companies_with_most_capabilities": [
            {"id": c, "name": names.get(c, c), "capabilities": n}
            for c, n in capabilities.most_common(top)
        ],
        "largest_patent_portfolios": [
            {"id": c, "name": names.get(c, c), "patents": n}
            for c, n in patents.most_common(top)
        ],
    }


def write_demo_views(store: Store, folder: Path, summary: dict[str, Any]) -> list[Path]:
    """The demo's main views, as of the summary's date, written into ``folder``: the map of
    the 300 most influential nodes, the largest programme by tier, the neighbourhood and
    partner radar of the company in most programmes (or with the largest patent portfolio),
    and the cross-industry opportunities."""
    from ecosystem.views import (
        View,
        ecosystem_map,
        focus_view,
        opportunities_view,
        partner_radar,
        programme_view,
    )

    day = summary["as_of"]
    ranked = summary["largest_patent_portfolios"] or summary["companies_in_most_programmes"]
    company = ranked[0]["id"] if ranked else None
    views: list[tuple[str, Callable[[], View]]] = [
        ("map.html", lambda: ecosystem_map(store, as_of=day, top=300)),
        ("opportunities.html", lambda: opportunities_view(store, company=company, as_of=day)),
    ]
    if summary["largest_programmes"]:
        largest = summary["largest_programmes"][0]["id"]
        views.append(("programme.html", lambda: programme_view(store, largest, as_of=day)))
    if company is not None:
        views += [("focus.html", lambda: focus_view(store, company, as_of=day)),
                  ("radar.html", lambda: partner_radar(store, company, as_of=day))]
    return [build().save(folder / name) for name, build in views]
