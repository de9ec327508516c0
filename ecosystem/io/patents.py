"""Readers of real patent data: PatentsView bulk tables, Lens.org exports, aggregated counts.

Assignee (applicant, firm) names are matched to the store's companies with
:class:`~ecosystem.io.names.NameIndex` (exact match after normalisation); patents of
assignees that match no company are left out and listed in the import's ``unmatched``
report, with their patent counts, so the user can add the companies and import again.

``--format patentsview``
    A folder with PatentsView's ``g_patent.tsv``, ``g_assignee_disambiguated.tsv`` and
    ``g_cpc_current.tsv`` (tab-separated, as downloaded; ``.tsv.zip`` unzipped). Used
    columns: ``patent_id``, ``patent_date``, ``patent_title``; ``patent_id``,
    ``disambig_assignee_organization``; ``patent_id``, ``cpc_class``, ``cpc_subclass``.
``--format lens``
    A Lens.org patent export CSV. Used columns: ``Lens ID``, ``Publication Date``,
    ``Application Date``, ``Title``, ``Applicants`` and ``CPC Classifications``, whose
    several values are separated by ``;;``.
``--format patent-counts``
    Counts per company, class and year: a folder in the layout of the TDA patents data
    (``firm_year_uspc_counts.csv`` with ``firm_name, year, uspc_class, n_patents_rd,
    n_patents_ma``; optional ``firms.csv`` with ``sic`` and ``spsectorlabel``; optional
    ``uspc_classes.csv`` with ``class_number, title``). Own R&D and acquired counts are
    kept apart (``origin`` own / acquired), and the firms' SIC codes and S&P sectors become
    industries.

Patent-level formats give ``patents``, ``holds_patent`` and ``classified_in`` tables at the
CPC subclass level (``H04L``, parent class ``H04``), plus the ``holds_patents_in`` counts per
company, subclass and grant year that the metrics use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import ROW, RawTable
from ecosystem.io.names import NameIndex, slug
from ecosystem.io.tabular import read_csv_strict
from ecosystem.io.validate import KnownIds
from ecosystem.model import NodeKind

__all__ = ["PatentRead", "read_lens", "read_patent_counts", "read_patentsview"]


@dataclass
class PatentRead:
    """Tables read from a patent source, and the assignees that matched no company."""

    tables: list[RawTable] = field(default_factory=list)
    unmatched: dict[str, int] = field(default_factory=dict)


def _frame(rows: dict[str, Iterable[object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return frame


def _need(frame: pd.DataFrame, columns: Iterable[str], source: str, fix: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ImportRefused([Problem(file=source, row=1, column=c,
                                     message="required column is missing", fix=fix)
                             for c in missing])


def _read(path: Path, sep: str, columns: list[str], fix: str) -> pd.DataFrame:
    if not path.is_file():
        raise ImportRefused([Problem(file=str(path), message="file not found", fix=fix)])
    frame = read_csv_strict(path, sep=sep).drop(columns=[ROW])
    _need(frame, columns, str(path), fix)
    return frame


def _class_tables(subclasses: Iterable[str], source: str) -> list[RawTable]:
    """CPC subclasses (``H04L``) with their classes (``H04``) as parents."""
    subs = sorted({s for s in subclasses if s})
    classes = sorted({s[:3] for s in subs if len(s) > 3})
    ids = [*classes, *subs]
    return [RawTable("technology_classes", source, _frame({
        "id": ids, "scheme": ["CPC"] * len(ids), "code": ids,
        "parent": [("" if len(i) <= 3 else i[:3]) for i in ids]}))]


def _patent_tables(patents: pd.DataFrame, owners: pd.DataFrame, classes: pd.DataFrame,
                   source: str) -> list[RawTable]:
    """patents (id, title, granted, filed), owners (patent, company), classes (patent, cls)."""
    patents = patents[patents["id"].isin(owners["patent"])].drop_duplicates("id")
    classes = classes[classes["patent"].isin(patents["id"])].drop_duplicates()
    owners = owners.drop_duplicates()
    year = patents.set_index("id")["granted"].str[:4]
    counts = (owners.merge(classes, on="patent")
              .assign(year=lambda f: f["patent"].map(year))
              .groupby(["company", "cls", "year"]).size().reset_index(name="count"))
    return [
        *_class_tables(classes["cls"], source),
        RawTable("patents", source, _frame({c: patents[c] for c in patents.columns})),
        RawTable("holds_patent", source, _frame({"source": owners["company"],
                                                 "target": owners["patent"]})),
        RawTable("classified_in", source, _frame({"source": classes["patent"],
                                                  "target": classes["cls"]})),
        RawTable("holds_patents_in", source, _frame({
            "source": counts["company"], "target": counts["cls"],
            "since": counts["year"], "year": counts["year"],
            "count": counts["count"].astype(str), "origin": "own"})),
    ]


def _match(names: pd.Series, index: NameIndex) -> tuple[pd.Series, Counter[str]]:
    unique = {n: index.match(n) for n in names.unique() if n}
    matched = names.map(unique)
    return matched, Counter(n for n in names[matched.isna() & (names != "")])


def read_patentsview(folder: Path, companies: NameIndex, known: KnownIds) -> PatentRead:
    """Read PatentsView bulk tables from ``folder`` (see the module doc)."""
    fix = "Download the table from PatentsView's bulk data and unzip it into the folder."
    patents = _read(folder / "g_patent.tsv", "\t",
                    ["patent_id", "patent_date", "patent_title"], fix)
    assignees = _read(folder / "g_assignee_disambiguated.tsv", "\t",
                      ["patent_id", "disambig_assignee_organization"], fix)
    cpc = _read(folder / "g_cpc_current.tsv", "\t", ["patent_id", "cpc_subclass"], fix)
    company, unmatched = _match(assignees["disambig_assignee_organization"].str.strip(),
                                companies)
    owners = pd.DataFrame({"patent": assignees["patent_id"], "company": company}).dropna()
    classes = pd.DataFrame({"patent": cpc["patent_id"], "cls": cpc["cpc_subclass"].str.strip()})
    frame = pd.DataFrame({"id": patents["patent_id"], "title": patents["patent_title"],
                          "granted": patents["patent_date"]})
    frame["filed"] = ""
    return PatentRead(_patent_tables(frame, owners, classes, str(folder)), dict(unmatched))


def _split(values: pd.Series) -> pd.Series:
    return values.map(lambda v: [p.strip() for p in str(v).split(";;") if p.strip()])


def read_lens(path: Path, companies: NameIndex, known: KnownIds) -> PatentRead:
    """Read a Lens.org patent export CSV (see the module doc)."""
    fix = "Export the search result from Lens.org as CSV with these columns."
    data = _read(path, ",", ["Lens ID", "Publication Date", "Title", "Applicants",
                             "CPC Classifications"], fix)
    applicants = data.assign(applicant=_split(data["Applicants"]))[["Lens ID", "applicant"]]
    applicants = applicants.explode("applicant").dropna()
    company, unmatched = _match(applicants["applicant"], companies)
    owners = pd.DataFrame({"patent": applicants["Lens ID"], "company": company}).dropna()
    cpc = data.assign(code=_split(data["CPC Classifications"]))[["Lens ID", "code"]]
    cpc = cpc.explode("code").dropna()
    classes = pd.DataFrame({"patent": cpc["Lens ID"], "cls": cpc["code"].str[:4]})
    frame = pd.DataFrame({
        "id": data["Lens ID"], "title": data["Title"], "granted": data["Publication Date"],
        "filed": data.get("Application Date", "")})
    return PatentRead(_patent_tables(frame, owners, classes.drop_duplicates(), str(path)),
                      dict(unmatched))


def read_patent_counts(folder: Path, companies: NameIndex, known: KnownIds) -> PatentRead:
    """Read aggregated counts in the TDA patents layout (see the module doc)."""
    fix = ("Give firm_year_uspc_counts.csv with firm_name, year, uspc_class, n_patents_rd "
           "and n_patents_ma columns.")
    counts = _read(folder / "firm_year_uspc_counts.csv", ",",
                   ["firm_name", "year", "uspc_class", "n_patents_rd", "n_patents_ma"], fix)
    firm_names = counts["firm_name"].str.strip()
    company, unmatched_rows = _match(firm_names, companies)
    totals = (pd.to_numeric(counts["n_patents_rd"], errors="coerce").fillna(0)
              + pd.to_numeric(counts["n_patents_ma"], errors="coerce").fillna(0))
    unmatched = Counter({n: int(totals[firm_names == n].sum()) for n in unmatched_rows})
    counts = counts.assign(company=company).dropna(subset=["company"])
    parts = []
    for column, origin in (("n_patents_rd", "own"), ("n_patents_ma", "acquired")):
        part = counts[pd.to_numeric(counts[column], errors="coerce").fillna(1) != 0]
        parts.append(pd.DataFrame({
            "source": part["company"], "target": "uspc-" + part["uspc_class"].str.strip(),
            "since": part["year"], "year": part["year"], "count": part[column],
            "origin": origin}))
    rows = pd.concat(parts, ignore_index=True)
    source = str(folder / "firm_year_uspc_counts.csv")
    titles: dict[str, str] = {}
    if (folder / "uspc_classes.csv").is_file():
        uspc = _read(folder / "uspc_classes.csv", ",", ["class_number", "title"], fix)
        titles = dict(zip("uspc-" + uspc["class_number"].str.strip(), uspc["title"],
                          strict=True))
    class_ids = sorted(set(rows["target"]))
    tables = [
        RawTable("technology_classes", source, _frame({
            "id": class_ids, "scheme": ["USPC"] * len(class_ids),
            "code": [c.removeprefix("uspc-") for c in class_ids],
            "title": [titles.get(c, "") for c in class_ids]})),
        RawTable("holds_patents_in", source, _frame({c: rows[c] for c in rows.columns})),
    ]
    if (folder / "firms.csv").is_file():
        tables += _firm_industries(folder / "firms.csv", companies,
                                   known(NodeKind.INDUSTRY))
    return PatentRead(tables, dict(unmatched))


def _firm_industries(path: Path, companies: NameIndex,
                     stored: set[str] | frozenset[str]) -> list[RawTable]:
    """SIC codes (parent: their 2-digit major group) and S&P sectors of matched firms.

    Industries already stored are linked, not rewritten (their names stay the user's).
    """
    firms = _read(path, ",", ["firm_name"], "Give firms.csv with firm_name, sic and "
                  "spsectorlabel columns.")
    firms = firms.assign(company=firms["firm_name"].str.strip().map(companies.match))
    firms = firms.dropna(subset=["company"]).drop_duplicates("company")
    industries: dict[str, dict[str, str]] = {}
    links: dict[str, list[str]] = {}
    for _, firm in firms.iterrows():
        codes = links.setdefault(str(firm["company"]), [])
        sic = str(firm.get("sic", "")).strip()
        if len(sic) == 4 and sic.isdigit():
            industries[f"sic-{sic[:2]}"] = {"id": f"sic-{sic[:2]}", "scheme": "SIC",
                                            "name": f"SIC major group {sic[:2]}",
                                            "code": sic[:2], "parent": ""}
            industries[f"sic-{sic}"] = {"id": f"sic-{sic}", "scheme": "SIC",
                                        "name": f"SIC {sic}", "code": sic,
                                        "parent": f"sic-{sic[:2]}"}
            codes.append(f"sic-{sic}")
        sector = str(firm.get("spsectorlabel", "")).strip()
        if sector:
            key = "sp-" + slug(sector)
            industries[key] = {"id": key, "scheme": "S&P sector",
                               "name": f"S&P sector: {sector}",
                               "code": str(firm.get("sp1economicsector", "")), "parent": ""}
            codes.append(key)
    rows = sorted((r for r in industries.values() if r["id"] not in stored),
                  key=lambda r: r["id"])
    tables = [RawTable("industries", str(path), _frame(
        {k: [r[k] for r in rows] for k in ("id", "name", "scheme", "code", "parent")}))]
    # only id and industries: the rows update stored companies and leave the rest alone
    tables.append(RawTable("companies", str(path), _frame({
        "id": list(links), "industries": [";".join(v) for v in links.values()]})))
    return tables
