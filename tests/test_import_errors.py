"""Bad input is refused as a whole, with a message that locates and explains each problem,
and the store is left exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from ecosystem import ImportRefused, Store, import_paths
from ecosystem.errors import Problem


def refused(store: Store, paths: list[Path], **kwargs: object) -> ImportRefused:
    """Import, expect a refusal, and check the store did not change."""
    before = (store.nodes(), store.relationships(), store.generation())
    with pytest.raises(ImportRefused) as info:
        import_paths(store, paths, **kwargs)  # type: ignore[arg-type]
    assert (store.nodes(), store.relationships(), store.generation()) == before
    return info.value


def only(error: ImportRefused) -> Problem:
    assert len(error.problems) == 1, str(error)
    return error.problems[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_misspelled_required_column(store: Store, small_copy: Path) -> None:
    edit(small_copy / "companies.csv", "id,name,country", "id,nmae,country")
    error = refused(store, [small_copy])
    messages = [str(p) for p in error.problems]
    assert any("companies.csv row 1, column 'nmae': unknown column" in m
               and "Did you mean 'name'?" in m for m in messages), messages


def test_missing_id_column(store: Store, small_copy: Path) -> None:
    edit(small_copy / "companies.csv", "id,name,country", "key,name,country")
    messages = [str(p) for p in refused(store, [small_copy]).problems]
    assert any("column 'id': required column is missing" in m for m in messages), messages


def test_new_node_needs_its_required_fields(small_store: Store, tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text("id,country\nvoltra,FR\nnewco,US\n")
    problem = only(refused(small_store, [tmp_path]))
    assert (problem.row, problem.column, problem.value) == (3, "name", "newco")
    assert "new company has no 'name'" in problem.message
    # a row updating a stored company may leave the name out
    (tmp_path / "companies.csv").write_text("id,country\nvoltra,FR\n")
    import_paths(small_store, [tmp_path])
    assert small_store.node("company", "voltra").properties["country"] == "FR"  # type: ignore[arg-type]


def test_misspelled_optional_column(small_store: Store, small_copy: Path) -> None:
    edit(small_copy / "companies.csv", "size_band", "sizeband")
    problem = only(refused(small_store, [small_copy]))
    assert problem.column == "sizeband"
    assert "Did you mean 'size_band'?" in problem.fix


def test_wrong_type(small_store: Store, small_copy: Path) -> None:
    edit(small_copy / "companies.csv", "large,1987", "large,nineteen-eighty-seven")
    problem = only(refused(small_store, [small_copy]))
    assert (problem.file.endswith("companies.csv"), problem.row, problem.column,
            problem.value) == (True, 5, "founded", "nineteen-eighty-seven")
    assert "whole number between 1000 and 2100" in problem.fix


def test_out_of_range_and_enum(small_store: Store, small_copy: Path) -> None:
    edit(small_copy / "owns.csv", "0.3", "30")
    edit(small_copy / "companies.csv", "centralised,prudent", "centralized,prudent")
    error = refused(small_store, [small_copy])
    by_column = {p.column: p for p in error.problems}
    assert "between 0 and 1" in by_column["share"].fix
    assert by_column["decision_style"].value == "centralized"
    assert "centralised, democratic, mixed" in by_column["decision_style"].fix


def test_unparseable_dates(small_store: Store, small_copy: Path) -> None:
    edit(small_copy / "member_of.csv", "2019-03,,Gold", "March 2019,,Gold")
    edit(small_copy / "member_of.csv", "2021,,Platinum", "2021-02-30,,Platinum")
    error = refused(small_store, [small_copy])
    assert [(p.row, p.column, p.value) for p in error.problems] == [
        (2, "since", "March 2019"), (5, "since", "2021-02-30")]
    assert "2024-06-30" in error.problems[0].fix


def test_until_before_since(small_store: Store, small_copy: Path) -> None:
    edit(small_copy / "member_of.csv", "2020-06-15,2023-01", "2020-06-15,2019-01")
    problem = only(refused(small_store, [small_copy]))
    assert (problem.row, problem.column) == (4, "until")


def test_duplicate_ids(small_store: Store, small_copy: Path) -> None:
    with (small_copy / "companies.csv").open("a", encoding="utf-8") as f:
        f.write("cortex,Cortex Again,US,,,,,,,\n")
    problem = only(refused(small_store, [small_copy]))
    assert (problem.row, problem.column, problem.value) == (7, "id", "cortex")
    assert "duplicate company id" in problem.message
    assert "First seen in row 3" in problem.fix


def test_duplicate_relationship(small_store: Store, small_copy: Path) -> None:
    with (small_copy / "owns.csv").open("a", encoding="utf-8") as f:
        f.write("voltra,shiplane,2015-07-01,0.4\n")
    problem = only(refused(small_store, [small_copy]))
    assert problem.row == 3 and "key" in problem.fix


def test_unknown_endpoint(small_store: Store, small_copy: Path) -> None:
    edit(small_copy / "partners_with.csv", "voltra,cortex", "voltra,kortex")
    problem = only(refused(small_store, [small_copy]))
    assert (problem.row, problem.column, problem.value) == (3, "target", "kortex")
    assert "not a known company" in problem.message
    assert "companies" in problem.fix


def test_unknown_reference_in_property(store: Store, small_copy: Path) -> None:
    edit(small_copy / "companies.csv", "sic-3674", "sic-9999")
    problem = only(refused(store, [small_copy]))
    assert (problem.column, problem.value) == ("industries", ["sic-9999"])


def test_references_may_point_at_stored_nodes(store: Store, small_copy: Path) -> None:
    import_paths(store, [small_copy / "companies.csv", small_copy / "industries.csv"])
    import_paths(store, [small_copy / "owns.csv"])  # companies already stored
    assert store.counts()["relationships"] == {"owns": 1}


def test_unknown_table(small_store: Store, small_copy: Path) -> None:
    (small_copy / "partner_of.csv").write_text("source,target\nvoltra,cortex\n")
    problem = only(refused(small_store, [small_copy]))
    assert "unknown table 'partner_of'" in problem.message
    assert "Did you mean 'partners_with'?" in problem.fix


def test_unknown_kind_in_generic_table(small_store: Store, tmp_path: Path) -> None:
    (tmp_path / "relationships.csv").write_text(
        "kind,source,target,tier\nmember_of,cortex,battery-alliance,Silver\n"
        "partner_of,voltra,siliq,\n")
    problem = only(refused(small_store, [tmp_path]))
    assert (problem.row, problem.column, problem.value) == (3, "kind", "partner_of")
    assert "Did you mean 'partners_with'?" in problem.fix


def test_generic_table_is_accepted(small_store: Store, tmp_path: Path) -> None:
    (tmp_path / "relationships.csv").write_text(
        "kind,source,target,tier,share\nmember_of,cortex,battery-alliance,Silver,\n"
        "owns,cellix,siliq,,0.1\n")
    import_paths(small_store, [tmp_path])
    assert small_store.counts()["relationships"]["owns"] == 2


def test_empty_file(small_store: Store, small_copy: Path) -> None:
    (small_copy / "supplies.csv").write_bytes(b"")
    problem = only(refused(small_store, [small_copy]))
    assert problem.file.endswith("supplies.csv") and "empty" in problem.message
    assert "header row" in problem.fix


def test_nothing_to_import(store: Store, tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_text("id,name\n")
    problem = only(refused(store, [tmp_path]))
    assert "no rows" in problem.message


def test_utf8_bom_is_accepted(store: Store, tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_bytes("id,name\nzurich,Zürich Fintech\n"
                                             .encode("utf-8-sig"))
    import_paths(store, [tmp_path])
    assert store.node("company", "zurich").name == "Zürich Fintech"  # type: ignore[arg-type]


def test_utf16_with_bom_is_accepted(store: Store, tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_bytes("id,name\nmalmo,Malmö AB\n".encode("utf-16"))
    import_paths(store, [tmp_path])
    assert store.node("company", "malmo").name == "Malmö AB"  # type: ignore[arg-type]


def test_other_encoding_is_refused_then_accepted_when_named(store: Store,
                                                            tmp_path: Path) -> None:
    (tmp_path / "companies.csv").write_bytes("id,name\nabc,ABC\nsao,São Paulo Tech\n"
                                             .encode("cp1252"))
    problem = only(refused(store, [tmp_path]))
    assert problem.row == 3 and problem.value == "e3 6f 20 50"
    assert "--encoding" in problem.fix
    import_paths(store, [tmp_path], encoding="cp1252")
    assert store.node("company", "sao").name == "São Paulo Tech"  # type: ignore[arg-type]


def test_problems_are_capped_but_counted(store: Store, tmp_path: Path) -> None:
    rows = "\n".join(f"c{i},Company {i},,,,not-a-year" for i in range(500))
    (tmp_path / "companies.csv").write_text(
        "id,name,country,industries,size_band,founded\n" + rows + "\n")
    error = refused(store, [tmp_path])
    assert error.total == 500 and len(error.problems) == 50
    assert "and 450 more" in str(error)


def test_every_problem_is_reported_at_once(small_store: Store, small_copy: Path) -> None:
    edit(small_copy / "companies.csv", "large,1987", "large,1987x")
    edit(small_copy / "member_of.csv", "2019-03,,Gold", "2019-13,,Gold")
    (small_copy / "bogus.csv").write_text("a\n1\n")
    error = refused(small_store, [small_copy])
    assert {p.column for p in error.problems} >= {"founded", "since"}
    assert any("unknown table" in p.message for p in error.problems)


def test_missing_path(store: Store, tmp_path: Path) -> None:
    problem = only(refused(store, [tmp_path / "nope"]))
    assert "no such file" in problem.message


@pytest.mark.parametrize("writer", ["parquet", "xlsx"])
def test_typed_files_are_validated_too(store: Store, tmp_path: Path, writer: str) -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"], "founded": [1990, "soon"]})
    write: dict[str, Callable[[Path], None]] = {
        "parquet": lambda p: frame.astype({"founded": str}).to_parquet(p),
        "xlsx": lambda p: frame.to_excel(p, sheet_name="companies", index=False),
    }
    path = tmp_path / ("companies.parquet" if writer == "parquet" else "book.xlsx")
    write[writer](path)
    problem = only(refused(store, [path]))
    assert (problem.row, problem.column, problem.value) == (3, "founded", "soon")
