"""Build data/tdapatents: the patent portfolios of LF members, from the TDA patents data.

Reads ../shared/data/tdapatents (counts of US patents per firm, USPC class and year,
1976-2005, GPL-3.0) with the library's own reader, ``ecosystem import --format
patent-counts``, against a store holding the bundled LF ecosystem, and writes what it
imported as canonical tables that `ecosystem demo` imports:

- ``_firm_matches.csv``: every TDA firm, its normalised name and the LF company it matched
  (empty: none, or several);
- ``companies.csv``: the matched companies' ids, names and industries;
- ``industries.csv``: SIC codes (parent: the 2-digit major group) and S&P sectors;
- ``technology_classes.csv``: the USPC classes with their titles;
- ``holds_patents_in.csv``: per company, class and grant year, own-R&D and acquired counts
  kept apart (``origin`` own / acquired; ``since`` is the first day of the year).

The LF ecosystem is built as the demo builds it (``build_lf_ecosystem``: the import, then
the merge of the organisations it lists twice). Matching is ``ecosystem.io.names``: exact
equality after normalisation (NFKC, case, '&' as 'and', punctuation, legal forms such as
Inc, Corp, Co, Ltd, PLC, AG), on the company id first, then on its name or an alias, and
only when exactly one company matches. The near misses the import reports
(``suggestions``) were reviewed by hand in ``_reviewed_matches.csv``; each accepted firm
name becomes an alias of its company before the import (the tool's own workflow for a
near miss), so it matches exactly. Nothing is matched by similarity alone.

Run: ``python scripts/build_demo_patents.py [SHARED_DATA_DIR]``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from ecosystem import EmbeddedStore, NodeKind, import_paths, store_tables
from ecosystem.demo import build_lf_ecosystem
from ecosystem.editing import upsert_node
from ecosystem.io.names import NameIndex, normalise

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "tdapatents"


def main(shared: Path) -> None:
    tda = shared / "tdapatents"
    reviewed = pd.read_csv(OUT / "_reviewed_matches.csv", dtype=str, keep_default_na=False)
    accepted = reviewed[reviewed["decision"] == "accept"]
    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "lf.db") as store:
        build_lf_ecosystem(store)
        for company, names in accepted.groupby("company")["firm_name"]:
            node = store.node(NodeKind.COMPANY, str(company))
            aliases = [*(node.properties.get("aliases") or []), *names]
            upsert_node(store, NodeKind.COMPANY, {"id": company, "aliases": aliases})
        before = {n.id for n in store.nodes(NodeKind.COMPANY)
                  if n.properties.get("industries")}
        summary = import_paths(store, [tda], format="patent-counts")
        index = NameIndex.of((n.id, n.name, n.properties.get("aliases") or ())
                             for n in store.nodes(NodeKind.COMPANY))
        tables = store_tables(store)
    firms = pd.read_csv(tda / "firms.csv", dtype=str, keep_default_na=False)
    matches = pd.DataFrame({
        "firm_rank": firms["rank_tgt_unique"], "firm_name": firms["firm_name"],
        "normalised": firms["firm_name"].map(normalise),
        "company": firms["firm_name"].map(lambda n: index.match(n) or ""),
        "suggestions": firms["firm_name"].map(
            lambda n: "; ".join(summary.suggestions.get(n, []))),
    })
    OUT.mkdir(parents=True, exist_ok=True)
    matches.to_csv(OUT / "_firm_matches.csv", index=False)  # "_": not a table
    holdings = tables["holds_patents_in"].drop(columns=["key"])
    matched = set(holdings["source"])
    companies = tables["companies"]
    companies = companies[companies["id"].isin(matched) & ~companies["id"].isin(before)]
    companies[[c for c in ("id", "industries", "aliases") if c in companies]].to_csv(
        OUT / "companies.csv", index=False)
    tables["industries"].to_csv(OUT / "industries.csv", index=False)
    tables["technology_classes"].to_csv(OUT / "technology_classes.csv", index=False)
    holdings.to_csv(OUT / "holds_patents_in.csv", index=False)
    licence = Path("/usr/share/common-licenses/GPL-3")
    if licence.is_file():
        shutil.copy(licence, OUT / "COPYING")
    print(f"{len(matched)} of {len(firms)} firms matched; {len(holdings)} patent-count "
          f"rows; {len(summary.unmatched)} firm names with counts matched no company")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
