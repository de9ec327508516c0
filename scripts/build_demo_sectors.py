"""Build ecosystem/demo_data/sectors: SIC sectors of LF organisations from Wikidata.

Reads ../shared/data/wikidata-ownership (Wikidata companies and their industries, CC0)
and writes, for the LF ecosystem as the demo builds it (``build_lf_ecosystem``):

- ``companies.csv``: each LF company matched to one Wikidata item (its ``wikidata`` id);
- ``in_sector.csv``: the SIC sectors its Wikidata industries stand for, with their
  provenance, a confidence of 0.8 and the evidence (item, industry id and label).

Matching: exact equality of ``ecosystem.io.names.normalise`` of the LF name (or one of
its aliases) and the Wikidata name, and only when every Wikidata item so matched is the
same item (a name two items share matches neither). Industries are mapped by
:data:`INDUSTRIES`, a table of the Wikidata industry ids the matched companies carry
most, each with its English label (as Wikidata gives it) and the SIC major group or
division it belongs to; an industry not in the table says nothing.

Run: ``python scripts/build_demo_sectors.py [SHARED_DATA_DIR]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

from ecosystem import EmbeddedStore, NodeKind
from ecosystem.demo import build_lf_ecosystem
from ecosystem.io.names import normalise

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "ecosystem" / "demo_data" / "sectors"

#: Wikidata industry (P452) id -> (SIC sector id, English label of the industry).
INDUSTRIES: dict[str, tuple[str, str]] = {
    "Q880371": ("sic-73", "software industry"),
    "Q638608": ("sic-73", "software development"),
    "Q7397": ("sic-73", "software"),
    "Q11661": ("sic-73", "information technology"),
    "Q1481411": ("sic-73", "IT service management"),
    "Q1540863": ("sic-73", "information technology consulting"),
    "Q483639": ("sic-73", "cloud computing"),
    "Q75": ("sic-73", "Internet"),
    "Q3510521": ("sic-73", "computer security"),
    "Q11660": ("sic-73", "artificial intelligence"),
    "Q941594": ("sic-73", "video game industry"),
    "Q39809": ("sic-73", "marketing"),
    "Q484847": ("sic-59", "e-commerce"),
    "Q126793": ("sic-G", "retail"),
    "Q837171": ("sic-H", "financial services"),
    "Q29584334": ("sic-H", "financial service activities except insurance"),
    "Q16319025": ("sic-H", "fintech"),
    "Q806718": ("sic-60", "economics of banking"),
    "Q22687": ("sic-60", "bank"),
    "Q43183": ("sic-63", "insurance"),
    "Q2518196": ("sic-63", "insurance industry"),
    "Q1660132": ("sic-65", "real estate industry"),
    "Q418": ("sic-48", "telecommunications"),
    "Q2401742": ("sic-48", "telecommunications industry"),
    "Q56598901": ("sic-36", "mobile phone industry"),
    "Q2986369": ("sic-36", "semiconductor industry"),
    "Q5358497": ("sic-36", "electronics industry"),
    "Q11650": ("sic-36", "electronics"),
    "Q1326885": ("sic-36", "electrical industry"),
    "Q43035": ("sic-36", "electrical engineering"),
    "Q101333": ("sic-35", "mechanical engineering"),
    "Q187939": ("sic-D", "industrial manufacturing"),
    "Q1786253": ("sic-35", "power plant technology"),
    "Q190117": ("sic-37", "automotive industry"),
    "Q786820": ("sic-37", "automobile manufacturer"),
    "Q609131": ("sic-37", "powertrain technology"),
    "Q3477363": ("sic-37", "aerospace industry"),
    "Q1415395": ("sic-78", "film industry"),
    "Q932586": ("sic-78", "film production"),
    "Q31207": ("sic-80", "health care"),
    "Q507443": ("sic-28", "pharmaceutical industry"),
    "Q207652": ("sic-28", "chemical industry"),
    "Q6554101": ("sic-38", "medical device"),
    "Q327092": ("sic-38", "biomedical engineering"),
    "Q862571": ("sic-29", "petroleum industry"),
    "Q1304795": ("sic-49", "energy sector"),
    "Q2151621": ("sic-49", "energy industry"),
    "Q383973": ("sic-49", "electricity generation"),
    "Q1341477": ("sic-49", "energy supply"),
    "Q385378": ("sic-C", "construction"),
    "Q44497": ("sic-B", "mining"),
    "Q177777": ("sic-42", "logistics"),
    "Q8434": ("sic-82", "education"),
    "Q136822": ("sic-82", "higher education"),
}
CONFIDENCE = 0.8


def main(shared: Path) -> None:
    wiki = shared / "wikidata-ownership"
    items = pd.read_csv(wiki / "companies.csv", dtype=str, keep_default_na=False)
    items = items.drop_duplicates("company_qid")
    items["key"] = items["company_name"].map(normalise)
    by_name = items.groupby("key")["company_qid"].agg(set)
    names = dict(zip(items["company_qid"], items["company_name"], strict=True))
    facts = pd.read_csv(wiki / "company_properties.csv", dtype=str, keep_default_na=False)
    industries = facts[facts["property"] == "INDUSTRY"].assign(
        value=lambda f: f["value"].str.strip()).drop_duplicates(["company_qid", "value"])
    industry_of = industries.groupby("company_qid")["value"].agg(list)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedStore(Path(tmp) / "lf.db") as store:
        build_lf_ecosystem(store)
        companies = store.nodes(NodeKind.COMPANY)
    matched, sectors = [], []
    for company in companies:
        known = {normalise(n) for n in (company.name, *(company.properties.get("aliases")
                                                          or [])) if not n.startswith("name:")}
        qids = set().union(*(by_name.get(k, set()) for k in known))
        if len(qids) != 1:
            continue
        (qid,) = qids
        matched.append({"id": company.id, "wikidata": qid})
        seen = set()
        for industry in industry_of.get(qid, []):
            if industry not in INDUSTRIES:
                continue
            sector, label = INDUSTRIES[industry]
            if sector in seen:
                continue
            seen.add(sector)
            sectors.append({
                "source": company.id, "target": sector, "key": "wikidata",
                "provenance": "wikidata", "confidence": CONFIDENCE,
                "evidence": f"Wikidata {qid} ({names[qid]}): industry {industry} ({label})",
            })
    OUT.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(matched).to_csv(OUT / "companies.csv", index=False)
    frame = pd.DataFrame(sectors)
    frame.to_csv(OUT / "in_sector.csv", index=False)
    print(f"{len(matched)} LF companies matched to a Wikidata item; {len(frame)} sector "
          f"assignments for {frame['source'].nunique()} of them")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
