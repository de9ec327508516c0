"""Readers of company lists exported from Crunchbase and PitchBook.

Both give a ``companies`` table (with ``industries``, ``org_type``, ``founded``,
``size_band``, ``homepage``, ``country``, ``aliases`` and ``description`` where the export
has them) and an ``industries`` table of the export's own industry scheme. Company ids
are the export's own (the Crunchbase slug; the PitchBook name as a slug); on import they
are matched to the companies already stored (:mod:`ecosystem.entities.attach`), so an
export enriches the stored Toyota instead of adding a second one.

``--format crunchbase``
    A Crunchbase organisation search exported as CSV (or saved as .xlsx). Used columns:
    ``Organization Name`` (required), ``Organization Name URL`` (the slug), ``Industries``
    and ``Industry Groups`` (comma-separated; scheme ``Crunchbase``, each a sector of its
    own), ``Headquarters Location`` (``City, Region, Country``: the country is kept),
    ``Description`` (or ``Full Description``), ``Founded Date``, ``Number of Employees``
    (Crunchbase's bands, mapped below), ``Company Type`` (``For Profit`` -> company,
    ``Non-profit`` -> non_profit), ``Website``, ``Operating Status`` (``Closed`` adds the
    tag ``closed``), and the acquisition: ``Acquired by``, ``Acquired by URL`` and
    ``Announced Date`` become an ``owns`` relationship (share 1) from the acquirer, which is
    added as a company when it is not in the export.
``--format pitchbook``
    A PitchBook company search exported as .xlsx (the title rows above the header are
    skipped; the header row is the one that starts with ``Company ID``) or as CSV. Used
    columns: ``Company ID`` and ``Companies`` (or ``Company Name``) (required), ``Company
    Former Name``, ``Company Also Known As``, ``Company Legal Name`` (aliases),
    ``Description``, ``Primary Industry Sector`` / ``Group`` / ``Code`` (also under their
    newer names ``Primary PitchBook Industry Sector`` ...; a three-level scheme
    ``PitchBook``), ``Verticals`` (tags), ``Employees`` (a headcount), ``Year Founded``,
    ``Website``, ``HQ Country/Territory`` (or ``HQ Country``, or the last part of ``HQ
    Location``), and ``Ownership Status``, ``Company Financing Status`` and ``Business
    Status``: a not-for-profit status gives org_type non_profit (company otherwise), and
    ``Acquired/Merged`` the tag ``acquired``. PitchBook's company export does not name the
    acquirer, so no ``owns`` relationship is made from it.

Headcount bands map to ``size_band`` (micro < 10, small < 50, medium < 250, large < 5000,
enterprise 5000+); Crunchbase bands straddling a bound go to the band holding most of
their range: 1-10 micro, 11-50 small, 51-100 and 101-250 medium, 251-500, 501-1000 and
1001-5000 large, 5001-10000 and 10001+ enterprise.

Every value the reader cannot read (a date, a band, a year) is a problem naming the file,
row and column; nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import ROW, RawTable
from ecosystem.io.names import slug
from ecosystem.io.tabular import read_csv_strict, unescape_formulas

__all__ = ["CRUNCHBASE_BANDS", "read_crunchbase", "read_pitchbook", "sniff_export"]

#: Crunchbase's headcount bands and the size band each maps to.
CRUNCHBASE_BANDS = {
    "1-10": "micro", "11-50": "small", "51-100": "medium", "101-250": "medium",
    "251-500": "large", "501-1000": "large", "1001-5000": "large",
    "5001-10000": "enterprise", "10001+": "enterprise",
}
_CRUNCHBASE_KEY = "Organization Name"
_PITCHBOOK_KEY = "Company ID"
_MONTHS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%m/%d/%Y", "%d/%m/%Y", "%b %Y", "%B %Y")


def sniff_export(path: Path) -> str | None:
    """``crunchbase`` or ``pitchbook`` when ``path`` is a file in one of their layouts."""
    header = _peek_header(path)
    if {_CRUNCHBASE_KEY, "Organization Name URL"} <= header:
        return "crunchbase"
    if _PITCHBOOK_KEY in header and header & {"Companies", "Company Name"}:
        return "pitchbook"
    return None


def _peek_header(path: Path) -> set[str]:
    """The cells of the first rows of a CSV or workbook file, cheaply; empty if unreadable."""
    import csv

    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
                return {c.strip() for c in next(csv.reader(handle), [])}
        if path.suffix.lower() == ".xlsx" and path.stat().st_size < 50_000_000:
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            try:
                sheet = book.worksheets[0]
                cells = {str(c).strip() for row in sheet.iter_rows(max_row=12, values_only=True)
                         for c in row if c is not None}
            finally:
                book.close()
            return cells
    except Exception:  # any unreadable file is simply not an export
        return set()
    return set()


@dataclass
class _Rows:
    """An export's rows as text, with spreadsheet row numbers, and the problems found."""

    frame: pd.DataFrame
    source: str
    problems: list[Problem] = field(default_factory=list)

    def text(self, row: pd.Series, *columns: str) -> str:
        """The first non-empty cell among ``columns`` (stripped), or ''."""
        for column in columns:
            if column in self.frame.columns:
                value = row[column]
                if value is not None and not (isinstance(value, float) and value != value):
                    text = str(value).strip()
                    if text:
                        return text
        return ""

    def problem(self, row: pd.Series, column: str, value: object, message: str,
                fix: str) -> None:
        self.problems.append(Problem(file=self.source, row=int(row[ROW]), column=column,
                                     value=value, message=message, fix=fix))


def _read(path: Path, key: str, layout: str, encoding: str | None) -> _Rows:
    """The export's rows: a CSV whose first line is the header, or the first sheet of a
    workbook whose header row is the first one holding ``key`` (title rows above it are
    skipped)."""
    source = str(path)
    if not path.is_file():
        raise ImportRefused([Problem(file=source, message="file not found",
                                     fix=f"Name the {layout} export file (.csv or .xlsx).")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame = read_csv_strict(path, encoding=encoding)
        if key not in frame.columns:
            raise ImportRefused([_no_key(source, key, layout, frame.columns)])
        return _Rows(frame, source)
    if suffix != ".xlsx":
        raise ImportRefused([Problem(file=source, message=f"unsupported file type "
                                     f"'{path.suffix}'",
                                     fix=f"Export from {layout} as .csv or .xlsx.")])
    from ecosystem.io.tabular import _check_workbook

    _check_workbook(path, source)
    try:
        raw = pd.read_excel(path, sheet_name=0, header=None, dtype=object,
                            engine="openpyxl", keep_default_na=False, na_values=[])
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise ImportRefused([Problem(
            file=source, message=f"not a readable Excel workbook ({type(exc).__name__})",
            fix="Save it from Excel or LibreOffice as .xlsx.")]) from exc
    starts = [i for i in range(min(len(raw), 30))
              if key in {str(v).strip() for v in raw.iloc[i]}]
    if not starts:
        raise ImportRefused([_no_key(source, key, layout, [])])
    start = starts[0]
    header = [str(v).strip() for v in raw.iloc[start]]
    frame = raw.iloc[start + 1:].copy()
    frame.columns = header
    frame = frame.loc[:, [c for c in header if c]]
    frame[ROW] = [i + 1 for i in range(start + 1, len(raw))]
    for column in frame.columns:
        if column != ROW:
            frame[column] = unescape_formulas(frame[column].map(
                lambda v: "" if v is None else v if isinstance(v, str) else
                str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
    filled = frame[key].astype(str).str.strip() != ""
    return _Rows(frame[filled].reset_index(drop=True), source)


def _no_key(source: str, key: str, layout: str, columns: Iterable[str]) -> Problem:
    seen = [c for c in columns if c != ROW][:6]
    return Problem(
        file=source, row=1, column=key,
        message=f"not a {layout} export: no '{key}' column"
        + (f" (found {', '.join(repr(c) for c in seen)} ...)" if seen else ""),
        fix=f"Export the list from {layout} with its default columns, keep the header row "
        "as exported (a CSV must start with it), or pick the right --format.")


def _split(text: str) -> list[str]:
    """A comma-separated cell as a list (the exports separate values with ', ')."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _year(rows: _Rows, row: pd.Series, column: str, text: str) -> int | None:
    hit = re.search(r"\b(1[0-9]{3}|20[0-9]{2}|2100)\b", text)
    if text and hit is None:
        rows.problem(row, column, text, "no year in the date",
                     "Write the date as YYYY, YYYY-MM-DD or as Crunchbase exports it "
                     "('Mar 5, 2007'), or leave the cell empty.")
    return int(hit.group(1)) if hit else None


def _date(rows: _Rows, row: pd.Series, column: str, text: str) -> str | None:
    """``text`` as YYYY, YYYY-MM or YYYY-MM-DD, or None (a problem when it is no date)."""
    if not text:
        return None
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return text
    head = text.split(" ")[0] if re.match(r"\d{4}-\d{2}-\d{2}[ T]", text) else None
    if head:
        return head
    for pattern in _MONTHS:
        try:
            day = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return day.strftime("%Y-%m" if "%d" not in pattern else "%Y-%m-%d")
    rows.problem(row, column, text, "not a date",
                 "Write it as YYYY-MM-DD (or as Crunchbase exports it, 'Mar 5, 2007').")
    return None


def _country(location: str) -> str:
    """The country of a ``City, Region, Country`` location."""
    return location.rsplit(",", 1)[-1].strip() if location else ""


def _size_of_headcount(count: int) -> str:
    for bound, band in ((10, "micro"), (50, "small"), (250, "medium"), (5000, "large")):
        if count < bound:
            return band
    return "enterprise"


def _homepage(url: str) -> str:
    return url if not url or re.match(r"[a-z][a-z0-9+.-]*://", url, re.I) else f"https://{url}"


def _tables(rows: _Rows, companies: list[dict[str, object]],
            industries: dict[str, dict[str, object]], owns: list[dict[str, object]],
            columns: dict[str, str]) -> list[RawTable]:
    if rows.problems:
        raise ImportRefused(rows.problems[:50], total=len(rows.problems))
    if not companies:
        raise ImportRefused([Problem(file=rows.source, message="the export holds no company",
                                     fix="Export a list with at least one row.")])
    tables = []
    if industries:
        tables.append(RawTable("industries", rows.source, _frame(list(industries.values()))))
    tables.append(RawTable("companies", rows.source, _frame(companies), columns=columns))
    if owns:
        tables.append(RawTable("owns", rows.source, _frame(owns), columns=columns))
    return tables


def _frame(records: list[dict[str, object]]) -> pd.DataFrame:
    """Records as a raw table; rows carry the export's row number where they have one."""
    frame = pd.DataFrame.from_records(records).astype(object)
    frame = frame.where(frame.notna(), "")
    if ROW not in frame.columns:
        frame[ROW] = range(2, len(frame) + 2)
    frame[ROW] = frame[ROW].astype(int)
    return frame


def _joined(values: Iterable[str]) -> str:
    """A list cell: ';'-separated, without the separator inside values, no repeats."""
    return ";".join(dict.fromkeys(v.replace(";", ",").strip() for v in values if v.strip()))


def read_crunchbase(path: Path, *, encoding: str | None = None) -> list[RawTable]:
    """Read a Crunchbase organisation export (see the module text for the columns)."""
    rows = _read(Path(path), _CRUNCHBASE_KEY, "Crunchbase", encoding)
    companies: list[dict[str, object]] = []
    industries: dict[str, dict[str, object]] = {}
    owns: list[dict[str, object]] = []
    in_file: set[str] = set()
    acquirers: dict[str, dict[str, object]] = {}
    for _, row in rows.frame.iterrows():
        name = rows.text(row, _CRUNCHBASE_KEY)
        if not name:
            rows.problem(row, _CRUNCHBASE_KEY, "", "the organisation has no name",
                         "Fill in the name or delete the row.")
            continue
        cb = _crunchbase_slug(rows.text(row, "Organization Name URL")) or slug(name)
        record: dict[str, object] = {ROW: int(row[ROW]), "id": cb, "name": name,
                                     "crunchbase": cb}
        found = []
        for column in ("Industries", "Industry Groups"):
            for label in _split(rows.text(row, column)):
                key = f"crunchbase:{slug(label)}"
                industries.setdefault(key, {"id": key, "name": label, "scheme": "Crunchbase"})
                found.append(key)
        record["industries"] = _joined(found)
        record["country"] = _country(rows.text(row, "Headquarters Location"))
        record["description"] = rows.text(row, "Description", "Full Description")
        founded = rows.text(row, "Founded Date")
        record["founded"] = _year(rows, row, "Founded Date", founded) or ""
        band = rows.text(row, "Number of Employees")
        if band and band not in CRUNCHBASE_BANDS:
            rows.problem(row, "Number of Employees", band, "not a Crunchbase headcount band",
                         "Use one of " + ", ".join(CRUNCHBASE_BANDS) + ", or leave it empty.")
        record["size_band"] = CRUNCHBASE_BANDS.get(band, "")
        kind = rows.text(row, "Company Type").lower().replace("-", " ").replace("_", " ")
        types = {"for profit": "company", "non profit": "non_profit", "nonprofit": "non_profit"}
        if kind and kind not in types:
            rows.problem(row, "Company Type", rows.text(row, "Company Type"),
                         "not a Crunchbase company type",
                         "Use 'For Profit' or 'Non-profit', or leave it empty.")
        record["org_type"] = types.get(kind, "")
        record["homepage"] = _homepage(rows.text(row, "Website"))
        status = rows.text(row, "Operating Status").lower()
        record["tags"] = "closed" if status == "closed" else ""
        companies.append(record)
        in_file.add(cb)
        buyer = rows.text(row, "Acquired by")
        if buyer:
            buyer_id = _crunchbase_slug(rows.text(row, "Acquired by URL")) or slug(buyer)
            acquirers.setdefault(buyer_id, {ROW: int(row[ROW]), "id": buyer_id, "name": buyer,
                                            "crunchbase": buyer_id})
            owns.append({ROW: int(row[ROW]), "source": buyer_id, "target": cb, "share": "1",
                         "since": _date(rows, row, "Announced Date",
                                        rows.text(row, "Announced Date")) or "",
                         "note": "acquisition (Crunchbase)"})
    extra = [a for key, a in acquirers.items() if key not in in_file]
    columns = {"id": "Organization Name URL", "name": _CRUNCHBASE_KEY,
               "industries": "Industries", "country": "Headquarters Location",
               "founded": "Founded Date", "size_band": "Number of Employees",
               "org_type": "Company Type", "homepage": "Website", "tags": "Operating Status",
               "source": "Acquired by URL", "since": "Announced Date"}
    return _tables(rows, companies + extra, industries, owns, columns)


def _crunchbase_slug(url: str) -> str:
    """``toyota`` from ``https://www.crunchbase.com/organization/toyota``."""
    hit = re.search(r"crunchbase\.com/organi[sz]ation/([^/?#\s]+)", url)
    return hit.group(1).lower() if hit else ""


def read_pitchbook(path: Path, *, encoding: str | None = None) -> list[RawTable]:
    """Read a PitchBook company export (see the module text for the columns)."""
    rows = _read(Path(path), _PITCHBOOK_KEY, "PitchBook", encoding)
    companies: list[dict[str, object]] = []
    industries: dict[str, dict[str, object]] = {}
    seen: dict[str, str] = {}
    for _, row in rows.frame.iterrows():
        pbid = rows.text(row, _PITCHBOOK_KEY)
        name = rows.text(row, "Companies", "Company Name")
        if not name:
            rows.problem(row, "Companies", "", "the company has no name",
                         "Fill in the name or delete the row.")
            continue
        key = slug(name) or slug(pbid)
        if seen.get(key, pbid) != pbid:  # two companies of one name: tell them apart
            key = f"{key}-{slug(pbid)}"
        seen[key] = pbid
        record: dict[str, object] = {ROW: int(row[ROW]), "id": key, "name": name,
                                     "pitchbook": pbid}
        aliases = [rows.text(row, "Company Former Name"), rows.text(row, "Company Legal Name"),
                   *_split(rows.text(row, "Company Also Known As"))]
        record["aliases"] = _joined(a for a in aliases if a and a != name)
        record["description"] = rows.text(row, "Description")
        chain: list[str] = []
        for level in ("Sector", "Group", "Code"):
            label = rows.text(row, f"Primary Industry {level}",
                              f"Primary PitchBook Industry {level}")
            if not label:
                break
            ident = f"pitchbook:{slug(label)}"
            industries.setdefault(ident, {"id": ident, "name": label, "scheme": "PitchBook",
                                          "parent": chain[-1] if chain else ""})
            chain.append(ident)
        record["industries"] = chain[-1] if chain else ""
        record["tags"] = _joined(_split(rows.text(row, "Verticals")))
        employees = rows.text(row, "Employees").replace(",", "")
        if employees and not re.fullmatch(r"\d+(\.0+)?", employees):
            rows.problem(row, "Employees", employees, "not a headcount",
                         "Give the number of employees as a whole number, or leave it empty.")
            employees = ""
        record["size_band"] = _size_of_headcount(int(float(employees))) if employees else ""
        founded = rows.text(row, "Year Founded")
        record["founded"] = _year(rows, row, "Year Founded", founded) or ""
        record["homepage"] = _homepage(rows.text(row, "Website"))
        record["country"] = (rows.text(row, "HQ Country/Territory", "HQ Country")
                             or _country(rows.text(row, "HQ Location")))
        statuses = " ".join(rows.text(row, c) for c in (
            "Ownership Status", "Company Financing Status", "Business Status")).lower()
        record["org_type"] = ("non_profit" if re.search(r"not[- ]for[- ]profit|non[- ]?profit",
                                                        statuses) else "company")
        if "acquired/merged" in statuses:
            record["tags"] = _joined([*str(record["tags"]).split(";"), "acquired"])
        companies.append(record)
    columns = {"id": "Companies", "name": "Companies", "aliases": "Company Also Known As",
               "industries": "Primary Industry Code", "size_band": "Employees",
               "founded": "Year Founded", "homepage": "Website",
               "country": "HQ Country/Territory", "org_type": "Ownership Status",
               "pitchbook": _PITCHBOOK_KEY}
    return _tables(rows, companies, industries, [], columns)


#: The readers by format name.
READERS: dict[str, Callable[..., list[RawTable]]] = {
    "crunchbase": read_crunchbase, "pitchbook": read_pitchbook}
