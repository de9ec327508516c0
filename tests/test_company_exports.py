"""Crunchbase and PitchBook company exports, in their real column layouts, imported into a
store: fields mapped, acquisitions kept, stored companies enriched and never overwritten,
bad values refused with the file, row and column."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem import ImportRefused, NodeKind, RelKind, Store, import_paths
from ecosystem.cli import cli
from ecosystem.editing import upsert_node
from ecosystem.entities.sectors import company_sectors
from ecosystem.io.importer import ImportFormat, detect_format
from tests.conftest import DATA

EXPORTS = DATA / "exports"
CRUNCHBASE = EXPORTS / "crunchbase_organizations.csv"
PITCHBOOK = EXPORTS / "pitchbook_companies.csv"


def pitchbook_workbook(path: Path, rows: list[list[str]] | None = None) -> Path:
    """The PitchBook CSV as PitchBook's .xlsx download lays it out: title rows first."""
    from openpyxl import Workbook

    with PITCHBOOK.open(encoding="utf-8", newline="") as handle:
        table = rows or list(csv.reader(handle))
    book = Workbook()
    sheet = book.active
    for title in (["PitchBook Data, Inc."], ["Company Search"], [],
                  ["Downloaded on: 2026-11-30"], [], ["Search Criteria: Companies"], []):
        sheet.append(title)
    for row in table:
        sheet.append(row)
    sheet.append([])
    book.save(path)
    return path


def test_formats_are_detected_from_the_columns(tmp_path: Path) -> None:
    assert detect_format([CRUNCHBASE]) is ImportFormat.CRUNCHBASE
    assert detect_format([PITCHBOOK]) is ImportFormat.PITCHBOOK
    assert detect_format([pitchbook_workbook(tmp_path / "pb.xlsx")]) is ImportFormat.PITCHBOOK
    assert detect_format([DATA / "small" / "companies.csv"]) is ImportFormat.TABULAR


def test_crunchbase_fields_and_acquisitions(store: Store) -> None:
    summary = import_paths(store, [CRUNCHBASE], format="crunchbase")
    red_hat = store.node(NodeKind.COMPANY, "red-hat")
    assert red_hat.name == "Red Hat"
    p = red_hat.properties
    assert (p["country"], p["founded"], p["size_band"], p["org_type"], p["homepage"]) == (
        "United States", 1993, "enterprise", "company", "https://www.redhat.com")
    assert p["industries"] == ["crunchbase:enterprise-software", "crunchbase:open-source",
                               "crunchbase:software"]
    assert p["crunchbase"] == "red-hat"
    assert store.node(NodeKind.INDUSTRY, "crunchbase:open-source").properties["scheme"] == \
        "Crunchbase"
    assert store.node(NodeKind.COMPANY, "linux-foundation").properties["org_type"] == \
        "non_profit"
    assert store.node(NodeKind.COMPANY, "rethink-robotics").properties["tags"] == ["closed"]
    assert store.node(NodeKind.COMPANY, "rethink-robotics").properties["size_band"] == "medium"
    # the acquirers are companies now, and own what they bought from the announcement on
    owns = {(r.source, r.target): (r.since, r.properties["share"])
            for r in store.relationships(RelKind.OWNS)}
    assert owns == {("ibm", "red-hat"): ("2018-10-28", 1.0),
                    ("microsoft", "github"): ("2018-06-04", 1.0),
                    ("intel", "mobileye"): ("2017-03-13", 1.0)}
    assert store.node(NodeKind.COMPANY, "ibm").name == "IBM"
    assert summary.nodes_created["company"] == 9
    # sectors come from the export's industries, with that evidence
    sectors = {a.sector for a in company_sectors(store)["mobileye"]}
    assert sectors == {"crunchbase:automotive", "crunchbase:computer-vision",
                       "crunchbase:machine-learning"}


def test_pitchbook_workbook_with_title_rows(store: Store, tmp_path: Path) -> None:
    import_paths(store, [pitchbook_workbook(tmp_path / "pitchbook.xlsx")])
    rivian = store.node(NodeKind.COMPANY, "rivian-automotive")
    p = rivian.properties
    assert set(p["aliases"]) == {"Mainstream Motors", "Rivian", "Avera Motors",
                                 "Rivian Automotive, Inc."}
    assert (p["founded"], p["size_band"], p["country"], p["homepage"], p["pitchbook"]) == (
        2009, "enterprise", "United States", "https://www.rivian.com", "00000-02")
    assert p["industries"] == ["pitchbook:automotive"]
    chain = [store.node(NodeKind.INDUSTRY, i).properties.get("parent") for i in
             ("pitchbook:automotive", "pitchbook:transportation")]
    assert chain == ["pitchbook:transportation", "pitchbook:consumer-products-and-services-b2c"]
    # the sector is the top of the PitchBook chain
    assert {a.sector for a in company_sectors(store)["rivian-automotive"]} == {
        "pitchbook:consumer-products-and-services-b2c"}
    assert store.node(NodeKind.COMPANY, "mozilla-foundation").properties["org_type"] == \
        "non_profit"
    assert store.node(NodeKind.COMPANY, "stripe").properties["org_type"] == "company"
    assert store.node(NodeKind.COMPANY, "stripe").properties["tags"] == ["FinTech", "SaaS"]
    assert "acquired" in store.node(NodeKind.COMPANY, "red-hat").properties["tags"]
    assert store.node(NodeKind.COMPANY, "mozilla-foundation").properties.get("size_band") \
        is None


def test_an_export_enriches_the_stored_company_and_keeps_its_values(store: Store) -> None:
    upsert_node(store, NodeKind.INDUSTRY, {"id": "sic-73", "name": "Business Services"})
    upsert_node(store, NodeKind.COMPANY, {
        "id": "rh", "name": "Red Hat, Inc.", "homepage": "https://example.org/redhat",
        "industries": ["sic-73"], "aliases": ["RHAT"]})
    summary = import_paths(store, [CRUNCHBASE])
    assert "red-hat" not in store.ids(NodeKind.COMPANY)  # matched, not a second Red Hat
    p = store.node(NodeKind.COMPANY, "rh").properties
    assert p["homepage"] == "https://example.org/redhat"  # the stored value is kept
    assert p["founded"] == 1993  # an empty field is filled
    assert p["industries"][0] == "sic-73" and "crunchbase:open-source" in p["industries"]
    assert set(p["aliases"]) == {"RHAT", "Red Hat"}
    assert store.node(NodeKind.COMPANY, "rh").name == "Red Hat, Inc."
    assert {(r.source, r.target) for r in store.relationships(RelKind.OWNS)} >= {("ibm", "rh")}
    assert any("red-hat -> rh" in note for note in summary.notes)
    assert any("rh: homepage" in note for note in summary.notes)


def test_a_near_match_is_imported_new_and_named_for_review(store: Store) -> None:
    upsert_node(store, NodeKind.COMPANY, {"id": "mobileye-vision", "name": "Mobileye Vision "
                                          "Technologies Ltd.",
                                          "homepage": "https://www.mobileye.com/"})
    summary = import_paths(store, [CRUNCHBASE])
    assert "mobileye" in store.ids(NodeKind.COMPANY)
    assert any(n.startswith("mobileye (Mobileye) looks like the stored mobileye-vision")
               for n in summary.notes)


def test_two_pitchbook_companies_of_one_name_stay_two(store: Store, tmp_path: Path) -> None:
    with PITCHBOOK.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    twin = list(rows[3])
    twin[0], twin[16] = "00000-99", "www.stripe.example"
    path = tmp_path / "pb.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([*rows, twin])
    import_paths(store, [path], format="pitchbook")
    ids = {n.properties.get("pitchbook"): n.id for n in store.nodes(NodeKind.COMPANY)}
    assert ids["00000-03"] == "stripe" and ids["00000-99"] == "stripe-00000-99"


@pytest.mark.parametrize(("column", "bad", "message"), [
    ("Number of Employees", "10-20", "not a Crunchbase headcount band"),
    ("Announced Date", "sometime in 2018", "not a date"),
    ("Company Type", "Cooperative", "not a Crunchbase company type"),
    ("Founded Date", "long ago", "no year in the date"),
])
def test_bad_crunchbase_values_are_refused_and_change_nothing(
        store: Store, tmp_path: Path, column: str, bad: str, message: str) -> None:
    with CRUNCHBASE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[1][column] = bad  # Red Hat, on spreadsheet row 3
    path = tmp_path / "organizations.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = store.counts()
    with pytest.raises(ImportRefused) as caught:
        import_paths(store, [path], format="crunchbase")
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        str(path), 3, column, bad)
    assert message in problem.message and problem.fix
    assert store.counts() == before


def test_a_bad_headcount_in_a_workbook_names_the_sheet_row(store: Store,
                                                           tmp_path: Path) -> None:
    with PITCHBOOK.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[2][17] = "about 16k"  # Rivian's Employees
    path = pitchbook_workbook(tmp_path / "pb.xlsx", rows)
    with pytest.raises(ImportRefused) as caught:
        import_paths(store, [path], format="pitchbook")
    problem = caught.value.problems[0]
    # seven title rows, the header on row 8, Toyota row 9, Rivian row 10
    assert (problem.row, problem.column, problem.value) == (10, "Employees", "about 16k")
    assert store.counts()["nodes"].get("company", 0) == 0


def test_the_wrong_format_says_what_is_missing(store: Store) -> None:
    with pytest.raises(ImportRefused) as caught:
        import_paths(store, [PITCHBOOK], format="crunchbase")
    problem = caught.value.problems[0]
    assert problem.column == "Organization Name"
    assert "not a Crunchbase export" in problem.message and "Company ID" in problem.message


def test_cli_imports_an_export_and_reports_what_it_did(tmp_path: Path) -> None:
    db = tmp_path / "eco.db"
    runner = CliRunner()
    shutil.copy(CRUNCHBASE, tmp_path / "organizations.csv")
    first = runner.invoke(cli, ["--store", str(db), "import", str(tmp_path / "organizations.csv"),
                                "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["store"]["relationships"]["owns"] == 3
    again = runner.invoke(cli, ["--store", str(db), "import", str(PITCHBOOK)])
    assert again.exit_code == 0, again.output
    assert "matched stored ones" in again.output or "updated" in again.output
    shown = runner.invoke(cli, ["--store", str(db), "show", "company", "red-hat"])
    assert "<- owns             ibm" in shown.output
