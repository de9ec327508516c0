"""The bundled real demo: the Linux Foundation ecosystem, plus matched patent portfolios.

:func:`build_demo` imports the LF landscape data shipped inside the package
(``ecosystem/demo_data``, Apache-2.0) and, when run from a source checkout, the patent
portfolios of LF members matched in ``data/tdapatents`` (GPL-3.0, kept out of the package).
:func:`summarise` gives the short summary ``ecosystem demo`` prints.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from ecosystem.dates import checked_day
from ecosystem.io.importer import ImportFormat, read_paths
from ecosystem.model import NodeKind, RelKind
from ecosystem.stores.base import Store, WriteSummary

__all__ = ["WORKED_CASE_PARTNERSHIP", "build_demo", "build_lf_ecosystem", "build_worked_case",
           "demo_data_folder",
           "patent_data_folder", "replay_worked_case", "summarise", "worked_case_folder",
           "write_demo_views"]


def demo_data_folder() -> Path:
    """The folder of the bundled LF landscape data (inside the installed package)."""
    return Path(str(resources.files("ecosystem") / "demo_data"))


def patent_data_folder() -> Path | None:
    """The matched patent portfolios in a source checkout's ``data/tdapatents``, if present."""
    folder = Path(__file__).resolve().parent.parent / "data" / "tdapatents"
    return folder if (folder / "companies.csv").is_file() else None


def worked_case_folder() -> Path:
    """The worked case of docs/method.md: a small EV ecosystem (the tables in ``graph/`` and
    ``needs.yaml``) and, in ``lifecycle/``, the partnership records that notebook 04
    imports."""
    return demo_data_folder() / "worked_case"


def build_worked_case(store: Store) -> WriteSummary:
    """Import the worked case's ecosystem and Voltra's needs map (docs/method.md, stage 1) into
    ``store``; the partnership itself is then recorded step by step (notebook 04)."""
    from ecosystem.scanning.needs import read_needs_file, save_needs

    summary = store.write(read_paths([worked_case_folder() / "graph"], format=ImportFormat.TABULAR))
    save_needs(store, read_needs_file(worked_case_folder() / "needs.yaml"))
    return summary


#: The worked case's partnership id.
WORKED_CASE_PARTNERSHIP = PID = "voltra-cortex"


def _every(start: str, end: str, days: int) -> list[str]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [(first + dt.timedelta(days=k)).isoformat()
            for k in range(0, (last - first).days + 1, days)]


def replay_worked_case(store: Store) -> str:
    """Build the worked case and record its partnership through all five stages
    (docs/method.md; notebook 04 walks the same steps with pictures); returns the partner the
    scan chose. The store should not hold the case yet."""
    from ecosystem import lifecycle as lc
    from ecosystem.editing import upsert_node, upsert_relationship
    from ecosystem.scanning.scan import scan_partners

    build_worked_case(store)
    # 1. Plan and identify: the scan over Voltra's needs picks the partner.
    chosen = scan_partners(store, "voltra", top=3).candidates[0].company
    lc.create_partnership(store, PID, "voltra", chosen, name="Smart cockpit",
                          date=dt.date(2024, 1, 8), need="voltra/cockpit-fusion",
                          reason="top candidate of the cockpit-fusion scan")
    lc.change_stage(store, PID, "evaluating", date=dt.date(2024, 1, 22),
                    reason="fit: 5-year strategy cycles on both sides, compatible cultures")
    # 2. Establish and negotiate: the risk map, the pilot, the agreement.
    folder = worked_case_folder() / "lifecycle"
    lc.import_records(store, folder / "risks.csv", partnership=PID)
    lc.change_stage(store, PID, "negotiating", date=dt.date(2024, 5, 6),
                    reason="pilot prototype delivered")
    upsert_node(store, NodeKind.PARTNERSHIP, {
        "id": PID, "form": "joint R&D", "signed": "2024-06-03",
        "goals": "joint R&D of cockpit-driving fusion; regional launches EU 2025, SEA 2025",
        "ip_ownership": "shared patents", "cost_share": 0.5,
        "exit_mechanism": "6 months' notice; licences wound down stepwise",
        "review_months": 3, "executive_days": 14, "management_days": 30,
        "lead": "Voltra cockpit programme lead", "partner_lead": "Cortex delivery lead",
        "sponsor": "Voltra CTO"})
    lc.change_stage(store, PID, "active", date=dt.date(2024, 6, 3), reason="master agreement and "
                    "technology annex signed")
    lc.import_records(store, folder / "milestones.csv", partnership=PID)
    lc.import_records(store, folder / "kpis.csv", partnership=PID)
    # 3. Operate: executive meetings every two weeks, monthly technical reviews.
    lc.add_records(store, "meetings", [
        *({"level": "executive", "date": d} for d in _every("2024-06-05", "2026-06-30", 14)),
        *({"level": "management", "date": d, "topic": "technical review"}
          for d in _every("2024-06-12", "2026-06-30", 28))], partnership=PID)
    lc.add_records(store, "incidents", [{
        "name": "Algorithm-fit conflict: fusion model vs sensor timing", "date": "2024-12-10",
        "category": "conflict", "severity": "minor",
        "root_cause": "sensor timestamp drift not in the interface spec",
        "responsibility": "shared 50/50",
        "remedy": "free system upgrade from Cortex; interface spec updated",
        "resolved": "2025-01-20"}], partnership=PID)
    # 4. Evaluate: quarterly KPI actuals; the partnership widens into an alliance.
    lc.import_records(store, folder / "kpi_actuals.csv", partnership=PID)
    upsert_node(store, NodeKind.PROGRAMME, {"id": "smart-mobility", "name":
                                            "Smart Mobility Alliance", "owner": "voltra"})
    for member in ("voltra", chosen, "cellix"):
        upsert_relationship(store, RelKind.MEMBER_OF, {
            "source": member, "target": "smart-mobility", "since": "2025-07-01",
            "tier": "Founding"})
    # 5. Terminate and transform: the partner pivots; a buffer period; a transformation.
    lc.add_records(store, "incidents", [{
        "name": "Cortex pivots to enterprise AI platforms", "date": "2025-09-15",
        "category": "strategy_change", "severity": "major"}], partnership=PID)
    lc.change_stage(store, PID, "buffer_period", date=dt.date(2025, 10, 15),
                    reason="partner's change of direction; assess a transformation")
    lc.transform(store, PID, form="technology licence + ecosystem partnership",
                 date=dt.date(2026, 3, 2), reason="joint R&D ends; Cortex licenses the stack")
    return chosen


#: Pairs of LF organisations scoring at least this are merged by the demo build.
DEMO_MERGE_THRESHOLD = 0.9


def build_lf_ecosystem(store: Store, *, progress: bool = False) -> WriteSummary:
    """The LF ecosystem of the demo, without patents: the landscape data imported, then
    the organisations it lists twice merged (pairs scoring at least
    :data:`DEMO_MERGE_THRESHOLD`, :mod:`ecosystem.entities.resolution`; ``merged`` counts
    them). Two transactions; again on the same store, it updates in place."""
    from ecosystem.entities.merging import merge_companies, merge_plan, redirect_merged
    from ecosystem.entities.resolution import find_duplicates

    tables, redirected = redirect_merged(
        store, read_paths([demo_data_folder()], format=ImportFormat.LF_LANDSCAPE))
    summary = store.write(tables, progress=progress)
    summary.notes = [note for table in tables for note in table.notes] + redirected
    pairs = find_duplicates(store, minimum=DEMO_MERGE_THRESHOLD)
    summary.merged = len(merge_companies(store, merge_plan(pairs), source="ecosystem demo"))
    return summary


def build_demo(store: Store, *, progress: bool = False) -> WriteSummary:
    """Import the demo data into ``store`` (again: updates in place).

    :func:`build_lf_ecosystem`; then the SIC sector taxonomy and the sectors of LF
    organisations matched to Wikidata (``demo_data/sectors``, CC0); then (from a source
    checkout) the patent portfolios of its members. One transaction each.
    """
    from ecosystem.entities.merging import redirect_merged
    from ecosystem.entities.sectors import sic_taxonomy

    summary = build_lf_ecosystem(store, progress=progress)
    sectors, _ = redirect_merged(store, read_paths([demo_data_folder() / "sectors"],
                                                   format=ImportFormat.TABULAR))
    store.write([*sic_taxonomy(), *sectors], progress=progress)
    patents = patent_data_folder()
    if patents is not None:
        # A later write: the patent tables describe companies the first one created.
        patent_tables, _ = redirect_merged(
            store, read_paths([patents], format=ImportFormat.TABULAR))
        extra = store.write(patent_tables, progress=progress)
        for mine, theirs in ((summary.nodes_written, extra.nodes_written),
                             (summary.nodes_created, extra.nodes_created),
                             (summary.relationships_written, extra.relationships_written),
                             (summary.relationships_created, extra.relationships_created)):
            for kind, n in theirs.items():
                mine[kind] = mine.get(kind, 0) + n
        store.write(sic_taxonomy())  # the SIC titles, over the patent data's short names
    return summary


def summarise(store: Store, *, as_of: dt.date, top: int = 5) -> dict[str, Any]:
    """A short summary of an ecosystem: counts, largest programmes, most connected companies
    (firms only: foundations, universities and projects are members too, but not the
    partners a scan proposes).

    Relationships not active on ``as_of`` are not counted.
    """
    from ecosystem.entities.organisation_types import organisation_types

    day = checked_day(as_of)
    members = store.relationships(RelKind.MEMBER_OF, as_of=day)
    programmes = {n.id: n.name for n in store.nodes(NodeKind.PROGRAMME)}
    by_programme = Counter(r.target for r in members)
    types = organisation_types(store)
    firms = {i for i, t in types.items() if t.type == "company"}
    by_company = Counter(r.source for r in members if r.source in firms)
    names = {n.id: n.name for n in store.nodes(NodeKind.COMPANY)}
    capabilities = Counter(r.source for r in store.relationships(RelKind.HAS_CAPABILITY,
                                                                 as_of=day)
                           if r.source in firms)
    patents: Counter[str] = Counter()
    for rel in store.relationships(RelKind.HOLDS_PATENTS_IN):
        patents[rel.source] += int(rel.properties.get("count", 0))
    return {
        "as_of": day,
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
