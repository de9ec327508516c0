"""Streamed import: a large relationship file is read, validated and staged in chunks, then
written in one transaction, with the same result and the same error report as a whole read.

The chunk size is made tiny here (a few hundred bytes), so that the small files of these
tests are read in many chunks; ``bench/bench_import.py`` measures time and memory on 1M
and 5M rows.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ecosystem import EmbeddedStore, ImportRefused, Store, import_paths
from ecosystem.io import tabular
from ecosystem.io.tabular import read_csv_chunks
from ecosystem.stores import staging

CHUNK = 300  # bytes of CSV text per chunk: about ten rows


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "CHUNK_BYTES", CHUNK)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _partners(count: int = 150) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(count):
        source, target = f"c{i % 20:02d}", f"c{(i * 7 + 3) % 20:02d}"
        if source == target:
            target = f"c{(i + 1) % 20:02d}"
        since = f"20{10 + i // 20:02d}-{1 + i % 12:02d}-01"
        until = f"20{20 + i // 20:02d}-01-01" if i % 3 == 0 else ""
        rows.append([source, target, since, until, 1 + i % 4])
    return rows


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    _write(data / "companies.csv", ["id", "name"], [[f"c{i:02d}", f"Company {i}"]
                                                   for i in range(20)])
    _write(data / "partners_with.csv", ["source", "target", "since", "until", "weight"],
           _partners())
    return data


def _contents(store: Store) -> list[tuple[object, ...]]:
    return [(r.kind.value, r.source, r.target, r.since, r.key, r.until,
             sorted(r.properties.items())) for r in store.relationships()]


def _counted_chunks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of the chunks read from now on."""
    sizes: list[int] = []
    original = tabular.read_csv_chunks

    def counting(*args: object, **kwargs: object) -> Iterator[object]:
        for chunk in original(*args, **kwargs):  # type: ignore[arg-type]
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(tabular, "read_csv_chunks", counting)
    return sizes


def test_a_large_file_is_read_in_chunks_numbered_across_the_file(folder: Path) -> None:
    path = folder / "partners_with.csv"
    chunks = list(read_csv_chunks(path, chunk_bytes=CHUNK))
    assert len(chunks) > 5
    rows = [row for chunk in chunks for row in chunk["__row__"]]
    assert rows == list(range(2, 152))  # spreadsheet rows, header = row 1
    assert chunks[-1]["source"].iloc[-1] == _partners()[-1][0]


def test_streamed_import_writes_what_a_whole_read_writes(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with EmbeddedStore(tmp_path / "whole.db") as whole:
        expected = import_paths(whole, [folder])
        want = _contents(whole)
    sizes = _counted_chunks(monkeypatch)
    monkeypatch.setattr(tabular, "CHUNK_BYTES", CHUNK)
    with EmbeddedStore(tmp_path / "streamed.db") as streamed:
        summary = import_paths(streamed, [folder])
        assert len(sizes) > 5, "the file was not streamed"
        assert _contents(streamed) == want
        assert summary.relationships_written == expected.relationships_written == {
            "partners_with": 150}
        assert summary.relationships_created == expected.relationships_created
        assert summary.nodes_created == expected.nodes_created == {"company": 20}
        # the relationships are found by their target too (the index was rebuilt)
        assert streamed.neighbours(("company", "c03"))


def test_streamed_update_of_stored_rows_merges_fields_and_reopens(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    update = tmp_path / "update" / "partners_with.csv"
    rows = _partners()
    changed = [[s, t, since, "#clear" if until else "", w * 10]
               for s, t, since, until, w in rows]
    changed.append(["c01", "c05", "2030-01-01", "", 2])  # a new one among the updates
    _write(update, ["source", "target", "since", "until", "weight"], changed)
    results = []
    for name, chunk in (("whole", 10**9), ("streamed", CHUNK)):
        monkeypatch.setattr(tabular, "CHUNK_BYTES", 10**9)
        with EmbeddedStore(tmp_path / f"{name}.db") as store:
            import_paths(store, [folder])
            monkeypatch.setattr(tabular, "CHUNK_BYTES", chunk)
            summary = import_paths(store, [update])
            results.append((_contents(store), summary.relationships_created))
    (whole, whole_created), (streamed, streamed_created) = results
    assert streamed == whole
    assert streamed_created == whole_created == {"partners_with": 1}
    assert all(until is None for *_, until, _ in streamed)  # '#clear' reopened them
    assert {dict(props)["weight"] for *_, props in streamed} >= {10.0, 40.0}


@pytest.fixture
def tiny_buckets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Buckets of at most 8 rows, first split from 3 ranges: every bucket of the 150-row
    file is split (some twice) before it is read; the bucket files go to a folder of the
    test's own, returned."""
    monkeypatch.setattr(staging, "BUCKET_ROWS", 8)
    monkeypatch.setattr(staging, "_FIRST_BUCKETS", 3)
    monkeypatch.setattr(staging, "_SAMPLE", 5)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    return temporary


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("order", ["as made", "by source", "backwards"])
def test_split_buckets_write_what_a_whole_read_writes_in_any_input_order(
        order: str, folder: Path, tmp_path: Path, tiny_buckets: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _partners()
    # a first chunk unlike the rest: its quantiles make poor ranges, so buckets are
    # split again, some more than once
    rows = {"as made": rows, "by source": sorted(rows), "backwards": sorted(rows)[::-1]
            }[order]
    _write(folder / "partners_with.csv", ["source", "target", "since", "until", "weight"],
           rows)
    monkeypatch.setattr(tabular, "CHUNK_BYTES", 10**9)
    with EmbeddedStore(tmp_path / "whole.db") as whole:
        import_paths(whole, [folder])
        want = _contents(whole)
    monkeypatch.setattr(tabular, "CHUNK_BYTES", CHUNK)
    splits: list[int] = []
    original = staging.StagedRelationships._split_bucket

    def counted(self: staging.StagedRelationships, bucket: object) -> object:
        splits.append(bucket.rows)  # type: ignore[attr-defined]
        return original(self, bucket)  # type: ignore[arg-type]

    monkeypatch.setattr(staging.StagedRelationships, "_split_bucket", counted)
    with EmbeddedStore(tmp_path / "streamed.db") as streamed:
        import_paths(streamed, [folder])
        assert _contents(streamed) == want
    assert splits and max(splits) > 8, "no bucket was split"
    assert not list(tiny_buckets.iterdir()), "bucket files were left behind"


@pytest.mark.usefixtures("small_chunks")
def test_duplicates_in_split_buckets_are_reported_in_file_order_up_to_the_cap(
        folder: Path, tmp_path: Path, tiny_buckets: Path) -> None:
    rows = _partners()
    # every row again, backwards: 150 duplicates spread over every bucket
    path = _write(folder / "partners_with.csv", ["source", "target", "since", "until",
                                                 "weight"], rows + rows[::-1])
    with EmbeddedStore(tmp_path / "s.db") as store:
        refused = _refused(store, [folder])
    assert refused.total == 150
    shown = [(p.row, p.fix.rsplit("First seen in ", 1)[1]) for p in refused.problems]
    # rows 152.. repeat rows 151, 150, ... (row r of the copy repeats row 303 - r)
    assert shown == [(r, f"row {303 - r}.") for r in range(152, 152 + len(shown))]
    assert len(shown) == 50  # the problem cap
    assert {p.file for p in refused.problems} == {str(path)}
    assert not list(tiny_buckets.iterdir())


@pytest.mark.usefixtures("small_chunks")
def test_a_bucket_of_one_repeated_key_is_read_whole_and_refused(
        folder: Path, tmp_path: Path, tiny_buckets: Path) -> None:
    row = ["c01", "c02", "2020-01-01", "", 1]
    _write(folder / "partners_with.csv", ["source", "target", "since", "until", "weight"],
           [row] * 30)
    with EmbeddedStore(tmp_path / "s.db") as store:
        refused = _refused(store, [folder])
    assert refused.total == 29
    assert all(p.fix.endswith("First seen in row 2.") for p in refused.problems)


def _refused(store: Store, paths: list[Path]) -> ImportRefused:
    before = _contents(store), store.counts()
    with pytest.raises(ImportRefused) as refused:
        import_paths(store, paths)
    assert (_contents(store), store.counts()) == before, "a refused import changed the store"
    return refused.value


@pytest.mark.usefixtures("small_chunks")
def test_a_duplicate_in_a_later_chunk_is_refused_naming_both_rows(
        folder: Path, tmp_path: Path) -> None:
    rows = _partners()
    rows[140] = list(rows[3])  # row 142 repeats row 5, many chunks later
    path = _write(folder / "partners_with.csv", ["source", "target", "since", "until",
                                                 "weight"], rows)
    with EmbeddedStore(tmp_path / "s.db") as store:
        refused = _refused(store, [folder])
        assert refused.total == 1
        (problem,) = refused.problems
        assert (problem.file, problem.row) == (str(path), 142)
        assert "duplicate 'partners_with'" in problem.message
        assert "First seen in row 5" in problem.fix


@pytest.mark.usefixtures("small_chunks")
def test_a_duplicate_across_chunks_is_found_when_the_store_holds_rows_already(
        folder: Path, tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "s.db") as store:
        import_paths(store, [folder])
        rows = _partners()
        rows.append(list(rows[0]))
        path = _write(tmp_path / "again" / "partners_with.csv",
                      ["source", "target", "since", "until", "weight"], rows)
        refused = _refused(store, [path])
        assert [(p.row, "First seen in row 2" in p.fix) for p in refused.problems] == [
            (152, True)]


@pytest.mark.usefixtures("small_chunks")
def test_problems_in_several_chunks_are_all_reported_and_nothing_is_written(
        folder: Path, tmp_path: Path) -> None:
    rows = _partners()
    rows[2][4] = "heavy"  # row 4, first chunk
    rows[120][4] = "many"  # row 122
    rows[148][1] = "nobody"  # row 150, last chunk
    path = _write(folder / "partners_with.csv", ["source", "target", "since", "until",
                                                 "weight"], rows)
    with EmbeddedStore(tmp_path / "s.db") as store:
        refused = _refused(store, [folder])
        found = sorted((p.row, p.column, p.value) for p in refused.problems)
        assert found == [(4, "weight", "heavy"), (122, "weight", "many"),
                         (150, "target", "nobody")]
        assert {p.file for p in refused.problems} == {str(path)}
        assert store.counts() == {"nodes": {}, "relationships": {}}


@pytest.mark.usefixtures("small_chunks")
def test_a_ragged_row_late_in_the_file_refuses_the_import(
        folder: Path, tmp_path: Path) -> None:
    path = folder / "partners_with.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[130] += ",extra"  # row 131
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with EmbeddedStore(tmp_path / "s.db") as store:
        refused = _refused(store, [folder])
        assert [p.row for p in refused.problems] == [131]
        assert "6 cells but the header has 5" in refused.problems[0].message


@pytest.mark.usefixtures("small_chunks")
def test_streamed_rows_naming_a_merged_company_go_to_the_kept_one(
        folder: Path, tmp_path: Path) -> None:
    from ecosystem.entities.merging import Merge, merge_companies

    with EmbeddedStore(tmp_path / "s.db") as store:
        import_paths(store, [folder])
        merge_companies(store, [Merge("c00", "c19")], source="test")
        summary = import_paths(store, [folder / "partners_with.csv"])
        assert "c19" not in {r.source for r in store.relationships()} | {
            r.target for r in store.relationships()}
        assert any("merged into others" in note for note in summary.notes)


def test_the_neo4j_store_takes_a_streamed_table_whole(
        make_store: Callable[[], Store], folder: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with EmbeddedStore(tmp_path / "whole.db") as whole:
        import_paths(whole, [folder])
        want = _contents(whole)
    monkeypatch.setattr(tabular, "CHUNK_BYTES", CHUNK)
    store = make_store()
    import_paths(store, [folder])
    assert _contents(store) == want


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 250])
def test_rows_inserted_many_to_a_statement_match_rows_inserted_one_by_one(count: int) -> None:
    """insert_rows puts ROWS_PER_STATEMENT rows in one statement, and the rest in a shorter
    one; a conflict clause applies to each row in turn, also against a row of the same
    statement (the later one's fields are patched in)."""
    import sqlite3

    def table() -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", isolation_level=None)
        db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, props TEXT NOT NULL)")
        db.execute("INSERT INTO t VALUES ('x3', '{\"a\": 0, \"b\": 0}')")
        return db

    conflict = "ON CONFLICT (id) DO UPDATE SET props = json_patch(t.props, excluded.props)"
    # every fifth row repeats an earlier id; 'x3' is stored already
    ids = [f"x{i // 5 * 5 if i % 5 == 4 else i}" for i in range(count)]
    props = [f'{{"a": {i}}}' for i in range(count)]
    many, one = table(), table()
    staging.insert_rows(many, "INSERT INTO t (id, props)", conflict,
                        staging.object_rows(ids, props))
    for row in zip(ids, props, strict=True):
        one.execute(f"INSERT INTO t (id, props) VALUES (?, ?) {conflict}", row)
    rows = many.execute("SELECT * FROM t ORDER BY id").fetchall()
    assert rows == one.execute("SELECT * FROM t ORDER BY id").fetchall()
    assert len(rows) == len(set(ids) | {"x3"})
    if count > 4:
        assert dict(rows)["x0"] == '{"a":4}'  # row 4 repeats row 0's id: its value wins
    if count > 3:
        assert dict(rows)["x3"] == '{"a":3,"b":0}'  # the stored 'b' is kept


def test_object_rows_repeats_a_single_value_on_every_row() -> None:
    rows = staging.object_rows("kind", ["a", "b"], None, [1, 2])
    assert rows.tolist() == [["kind", "a", None, 1], ["kind", "b", None, 2]]


def test_a_streamed_import_shows_its_writing_as_a_bar_of_rows(
        folder: Path, tmp_path: Path, small_chunks: None) -> None:
    """The key-order write of a streamed import counts its rows against their total (the
    bar is redrawn at most ten times a second, so a small import shows its first frame)."""
    from click.testing import CliRunner

    from ecosystem.cli import cli

    shown = CliRunner().invoke(cli, ["--store", str(tmp_path / "s.db"), "--progress",
                                     "import", str(folder)])
    assert shown.exit_code == 0, shown.output
    frames = shown.stderr.replace("\r", "\n").splitlines()
    writing = [f for f in frames if f.startswith("writing in key order")]
    assert writing, shown.stderr
    assert all("/150 [" in f and "row/s" in f for f in writing), writing


def test_props_json_writes_every_number_exactly_and_leaves_text_alone() -> None:
    """Numbers of every size read back equal (pandas' JSON writer alone rounds to ten
    decimals: 1e-12 would be 0.0); a text cell that looks like a spelled number, or like
    the member being unquoted, stays text; empty cells are left out; cleared are null."""
    import json

    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    numbers = np.concatenate([rng.random(200) * 10.0 ** rng.integers(-300, 300, 200),
                              rng.integers(0, 2**40, 50) / 1024, [np.nan, 0.0, 5.0]])
    text = [f'","weight":"{i}' if i % 3 else str(n) for i, n in enumerate(numbers)]
    frame = pd.DataFrame({"weight": numbers, "note": text, "count": range(len(numbers))})
    cleared = [("note",) if i == 1 else () for i in range(len(numbers))]
    rows = [json.loads(line) for line in staging.props_json(frame, cleared)]
    for i, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        if np.isnan(number):
            assert "weight" not in row
        else:
            assert row["weight"] == number and isinstance(row["weight"], float)
        assert row["note"] == (None if i == 1 else text[i])
        assert row["count"] == i


#: Clean tables of several kinds, in the shapes users write: padded cells, months and
#: years for days, empty optional cells, text with quotes, slashes and other scripts.
CLEAN_TABLES = {
    "partners_with": (["source", "target", "since", "until", "weight", "scope", "note"], [
        [f" c{i % 20:02d}", f"c{(i + 1 + i % 3) % 20:02d} ",
         "" if i == 5 else [f"{1900 + i}", f"{1900 + i}-03", f" {1900 + i}-02-28 "][i % 3],
         ["", "2060", "2061-07-31"][i % 3],
         ["", "1", " 2.5", "0.1", "1e-12", "3.0000000001"][i % 6],
         ["", "cloud", 'He said "hi" / \\ ü 日本'][i % 3], ["", " spaced "][i % 2]]
        for i in range(150)]),
    "member_of": (["source", "target", "since", "key", "tier"], [
        [f"c{i % 20:02d}", f"p{i % 3}", f"20{10 + i // 20:02d}", ["", "a", " b "][i % 3],
         ["", "gold"][i % 2]] for i in range(150)]),
    "owns": (["source", "target", "share", "since"], [
        [f"c{i % 20:02d}", f"c{(i + 1) % 20:02d}", ["0", "1", "0.25", ""][i % 4],
         f"{1990 + i}-01"] for i in range(150)]),
    "in_sector": (["source", "target", "provenance", "confidence", "since"], [
        [f"c{i % 20:02d}", f"s{i % 5}", f"source {i}", ["", "0.75"][i % 2], f"{1900 + i}"]
        for i in range(150)]),
}


def _known(folder: Path) -> None:
    _write(folder / "programmes.csv", ["id", "name"], [[f"p{i}", f"P{i}"] for i in range(3)])
    _write(folder / "industries.csv", ["id", "name"], [[f"s{i}", f"S{i}"] for i in range(5)])


def _relationship_rows(path: Path) -> list[tuple[object, ...]]:
    """The stored rows as SQLite holds them (properties as their JSON text)."""
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("SELECT * FROM relationships ORDER BY kind, source, target, "
                          "since, key").fetchall()


@pytest.mark.parametrize("name", sorted(CLEAN_TABLES))
def test_clean_chunks_checked_in_arrow_are_stored_as_the_general_way_stores_them(
        name: str, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check of clean chunks in Arrow (the common case of a streamed import) stores
    the very rows, values and property text that validation through pandas stores."""
    from ecosystem.stores import embedded

    header, rows = CLEAN_TABLES[name]
    (folder / "partners_with.csv").unlink()
    _write(folder / f"{name}.csv", header, rows)
    _known(folder)
    monkeypatch.setattr(tabular, "CHUNK_BYTES", CHUNK)
    taken: list[bool] = []
    check = embedded.clean_relationships

    def spied(*args: Any) -> Any:
        clean = check(*args)
        taken.append(clean is not None)
        return clean

    monkeypatch.setattr(embedded, "clean_relationships", spied)
    with EmbeddedStore(tmp_path / "arrow.db") as store:
        summary = import_paths(store, [folder])
    assert len(taken) > 5 and all(taken), "every chunk after the first is clean"
    monkeypatch.setattr(embedded, "clean_relationships", lambda *args: None)
    with EmbeddedStore(tmp_path / "pandas.db") as store:
        assert import_paths(store, [folder]) == summary
    fast = _relationship_rows(tmp_path / "arrow.db")
    assert _relationship_rows(tmp_path / "pandas.db") == fast
    assert len(fast) == len(rows)


@pytest.mark.parametrize(("column", "value"), [
    ("weight", "-1"), ("weight", "heavy"), ("weight", "nan"), ("weight", "inf"),
    ("since", "2024-02-30"), ("since", "24-01-01"), ("until", "2000-01-01"),
    ("target", "nobody"), ("source", " "), ("weight", "#clear"), ("note", " #CLEAR "),
    ("note", "nul\x00byte"),
])
def test_a_chunk_with_a_cell_to_report_or_clear_goes_the_general_way(
        column: str, value: str, tmp_path: Path) -> None:
    """One such cell anywhere in a chunk and the Arrow check declines it; validation
    through pandas then reports the problem (or clears the field)."""
    from ecosystem.io.batch import RawTable
    from ecosystem.io.validate import FrozenIds, clean_relationships
    from ecosystem.model import NodeKind

    header = ["source", "target", "since", "until", "weight", "note"]
    rows = [["c01", "c02", "2010", "2020", "1", "x"] for _ in range(30)]
    path = _write(tmp_path / "partners_with.csv", header, rows)
    known = {kind: FrozenIds({"c01", "c02"} if kind is NodeKind.COMPANY else ())
             for kind in NodeKind}
    (chunk,) = read_csv_chunks(path)
    table = RawTable("partners_with", str(path), chunk)
    assert clean_relationships(table, known.__getitem__) is not None
    chunk.loc[17, column] = value
    assert clean_relationships(table, known.__getitem__) is None


def test_a_chunk_of_a_kind_with_a_derived_key_or_a_renamed_column_goes_the_general_way(
        tmp_path: Path) -> None:
    from ecosystem.io.batch import RawTable
    from ecosystem.io.validate import FrozenIds, clean_relationships
    from ecosystem.model import NodeKind

    known = {kind: FrozenIds({"c01", "t1", "c02"}) for kind in NodeKind}
    patents = _write(tmp_path / "holds_patents_in.csv", ["source", "target", "count"],
                     [["c01", "t1", "3"]])
    (chunk,) = read_csv_chunks(patents)
    assert clean_relationships(RawTable("holds_patents_in", "p", chunk),
                               known.__getitem__) is None
    partners = _write(tmp_path / "partners_with.csv", ["source", "target"], [["c01", "c02"]])
    (chunk,) = read_csv_chunks(partners)
    assert clean_relationships(RawTable("partners_with", "p", chunk), known.__getitem__)
    assert clean_relationships(RawTable("partners_with", "p", chunk, {"source": "from"}),
                               known.__getitem__) is None
    assert clean_relationships(RawTable("relationships", "p", chunk),
                               known.__getitem__) is None


def test_props_of_numbers_alone_are_written_in_arrow_one_object_per_row() -> None:
    """Every row gets its object, a row of missing numbers too (the last row as well:
    pyarrow 26 drops it when it is told to skip nulls), each number exactly, whole ones
    as floats; the Arrow column and the list agree."""
    import json

    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"weight": [1.0, np.nan, 0.1, 1e-12, 2.5e300, 7.0, np.nan],
                          "level": [np.nan, np.nan, 3.0, 1e22, 123456789.12345679, np.nan,
                                    np.nan]})
    lines = staging.props_json(frame, [()] * len(frame))
    assert staging.props_column(frame, [()] * len(frame)).to_pylist() == lines
    rows = [json.loads(line) for line in lines]
    assert rows == [{"weight": 1.0}, {}, {"weight": 0.1, "level": 3.0},
                    {"weight": 1e-12, "level": 1e22},
                    {"weight": 2.5e300, "level": 123456789.12345679}, {"weight": 7.0}, {}]
    assert all(isinstance(v, float) for row in rows for v in row.values())
