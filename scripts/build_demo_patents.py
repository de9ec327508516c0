"""Build data/tdapatents: patent portfolios of LF members, matched by name to TDA patents.

Reads ../shared/data/tdapatents (counts of US patents per firm, USPC class and year,
1976-2005, GPL-3.0) and the bundled LF memberships, matches firm names to LF organisations
by a documented normalisation, and writes canonical tables that `ecosystem demo` imports:

- ``_firm_matches.csv``: every TDA firm, its normalised name, and the LF org_key it matched
  (empty when none or ambiguous), with how it matched;
- ``companies.csv``: matched companies with their SIC and S&P sector industries;
- ``industries.csv``: SIC codes (parent: the 2-digit major group) and S&P sectors;
- ``technology_classes.csv``: the USPC classes;
- ``holds_patents_in.csv``: per company, class and grant year, own-R&D and acquired counts
  kept apart (``origin`` own / acquired; ``since`` is the first day of the year).

Matching (see :func:`normalise`): lower case, '&' as 'and', punctuation dropped, and legal
suffixes (Inc, Corp, Co, Ltd, PLC, AG, SA, NV ...) removed from the end. A firm matches an
LF organisation when its normalised name equals the normalised ``org_key`` (preferred) or
``org_name`` of exactly one organisation. Nothing is matched by hand or by similarity.

Run: ``python scripts/build_demo_patents.py [SHARED_DATA_DIR]``.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "tdapatents"
LEGAL = {"inc", "corp", "corporation", "co", "company", "cos", "ltd", "limited", "plc", "ag",
         "sa", "nv", "se", "gmbh", "llc", "hldg", "holdings", "holding", "oyj", "ab", "asa",
         "kgaa", "intl", "international", "the"}


def normalise(name: str) -> str:
    """Normalised company name used for matching.

    >>> normalise("Cisco Systems Inc")
    'cisco systems'
    >>> normalise("Johnson & Johnson")
    'johnson and johnson'
    >>> normalise("red-hat")
    'red hat'
    """
    text = name.lower().replace("&", " and ").replace("name:", " ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while words and words[-1] in LEGAL:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def match(firms: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    orgs = members.drop_duplicates("org_key")
    by_key: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    for key, name in zip(orgs["org_key"], orgs["org_name"], strict=True):
        by_key.setdefault(normalise(key), set()).add(key)
        if name:
            by_name.setdefault(normalise(name), set()).add(key)
    rows = []
    for rank, firm in zip(firms["rank_tgt_unique"], firms["firm_name"], strict=True):
        norm = normalise(firm)
        keys, how = by_key.get(norm, set()), "org_key"
        if len(keys) != 1:
            keys, how = by_name.get(norm, set()), "org_name"
        org = next(iter(keys)) if len(keys) == 1 else ""
        rows.append({"firm_rank": rank, "firm_name": firm, "normalised": norm,
                     "org_key": org,
                     "matched_on": how if org else ("ambiguous" if keys else "")})
    return pd.DataFrame(rows)


def main(shared: Path) -> None:
    tda = shared / "tdapatents"
    firms = pd.read_csv(tda / "firms.csv", dtype=str, keep_default_na=False)
    members = pd.read_csv(ROOT / "ecosystem" / "demo_data" / "memberships.csv", dtype=str,
                          keep_default_na=False)
    matches = match(firms, members)
    OUT.mkdir(parents=True, exist_ok=True)
    matches.to_csv(OUT / "_firm_matches.csv", index=False)  # "_": not a table
    matched = matches[matches["org_key"] != ""].merge(
        firms, left_on="firm_rank", right_on="rank_tgt_unique", suffixes=("", "_firm"))
    names = members.drop_duplicates("org_key").set_index("org_key")["org_name"]

    industries: dict[str, dict[str, str]] = {}
    company_rows = []
    for _, firm in matched.iterrows():
        codes = []
        if len(firm["sic"]) == 4:
            major = firm["sic"][:2]
            industries[f"sic-{major}"] = {"id": f"sic-{major}", "name": f"SIC major group {major}",
                                          "scheme": "SIC", "code": major, "parent": ""}
            industries[f"sic-{firm['sic']}"] = {
                "id": f"sic-{firm['sic']}", "name": f"SIC {firm['sic']}", "scheme": "SIC",
                "code": firm["sic"], "parent": f"sic-{major}"}
            codes.append(f"sic-{firm['sic']}")
        if firm["spsectorlabel"]:
            sector = "sp-" + re.sub(r"[^a-z0-9]+", "-", firm["spsectorlabel"].lower())
            industries[sector] = {"id": sector, "name": f"S&P sector: {firm['spsectorlabel']}",
                                  "scheme": "S&P sector", "code": firm["sp1economicsector"],
                                  "parent": ""}
            codes.append(sector)
        company_rows.append({"id": firm["org_key"], "name": names[firm["org_key"]],
                             "industries": ";".join(codes)})
    pd.DataFrame(company_rows).drop_duplicates("id").to_csv(OUT / "companies.csv", index=False)
    pd.DataFrame(sorted(industries.values(), key=lambda r: r["id"])).to_csv(
        OUT / "industries.csv", index=False)

    classes = pd.read_csv(tda / "uspc_classes.csv", dtype=str, keep_default_na=False)
    pd.DataFrame({"id": "uspc-" + classes["class_number"], "scheme": "USPC",
                  "code": classes["class_number"], "title": classes["title"]}).to_csv(
        OUT / "technology_classes.csv", index=False)

    counts = pd.read_csv(tda / "firm_year_uspc_counts.csv", dtype=str)
    counts = counts.merge(matched[["firm_rank", "org_key"]], on="firm_rank")
    parts = []
    for column, origin in (("n_patents_rd", "own"), ("n_patents_ma", "acquired")):
        part = counts[counts[column].astype(int) > 0]
        parts.append(pd.DataFrame({
            "source": part["org_key"], "target": "uspc-" + part["uspc_class"],
            "since": part["year"], "count": part[column], "year": part["year"],
            "origin": origin}))
    holdings = pd.concat(parts).sort_values(["source", "target", "year", "origin"])
    holdings.to_csv(OUT / "holds_patents_in.csv", index=False)

    licence = Path("/usr/share/common-licenses/GPL-3")
    if licence.is_file():
        shutil.copy(licence, OUT / "COPYING")
    print(f"{len(matched)} of {len(firms)} firms matched; {len(holdings)} patent-count rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
