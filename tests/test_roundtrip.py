"""Export and import again gives back the same ecosystem, in every export format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecosystem import EmbeddedStore, InvalidValue, Store, export_store, import_paths
from ecosystem.io.batch import ROW, RawTable
from tests.conftest import StoreFactory


def contents(store: Store) -> tuple[list[object], list[object]]:
    return store.nodes(), store.relationships()


@pytest.mark.parametrize(("fmt", "name"), [("csv", "out"), ("parquet", "out"),
                                           ("xlsx", "out.xlsx"), ("graphml", "out.graphml")])
def test_round_trip_is_lossless(small_store: Store, make_store: StoreFactory, tmp_path: Path,
                                fmt: str, name: str) -> None:
    written = export_store(small_store, tmp_path / name, format=fmt)
    assert written
    again = make_store()
    import_paths(again, [tmp_path / name])
    assert contents(again) == contents(small_store)


def test_export_is_stable(small_store: Store, tmp_path: Path) -> None:
    first = export_store(small_store, tmp_path / "a")
    import_paths(small_store, [tmp_path / "a"])
    second = export_store(small_store, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_demo_round_trips(demo_store: Store, tmp_path: Path) -> None:
    export_store(demo_store, tmp_path / "demo")
    with EmbeddedStore(tmp_path / "again.db") as again:
        import_paths(again, [tmp_path / "demo"])
        assert again.counts() == demo_store.counts()
        assert contents(again) == contents(demo_store)


# Text a cell can hold: no surrogates or NUL; import trims surrounding blanks, so generated
# values are trimmed and non-empty. Some start like a formula (=, +, -, @, after apostrophes).
_cell = st.builds(
    lambda prefix, text: (prefix + text).strip(),
    st.sampled_from(["", "", "=", "+", "-", "@", "'", "'=", "''-", "=HYPERLINK(\"x\")"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=40),
).filter(bool)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_cell, min_size=1, max_size=5), tags=st.lists(
    _cell.filter(lambda t: ";" not in t), max_size=3))
def test_any_text_round_trips(tmp_path_factory: pytest.TempPathFactory, names: list[str],
                              tags: list[str]) -> None:
    folder = tmp_path_factory.mktemp("hyp")
    import pandas as pd

    frame = pd.DataFrame({
        "id": [f"n{i}" for i in range(len(names))],
        "name": names,
        "description": names[::-1],
        "tags": [";".join(tags)] * len(names),
        ROW: range(2, len(names) + 2),
    }, dtype=object)
    with EmbeddedStore(folder / "a.db") as a:
        a.write([RawTable("companies", "generated", frame)])
        xml_safe = not any(re.search("[\x00-\x08\x0b-\x1f\ufffe\uffff]", n) for n in names)
        formats = ["csv", "parquet", "xlsx"] + (["graphml"] if xml_safe else [])
        for fmt in formats:
            target = folder / {"graphml": "out.graphml", "xlsx": "out.xlsx"}.get(fmt, fmt)
            export_store(a, target, format=fmt)
            with EmbeddedStore(folder / f"{fmt}.db") as b:
                import_paths(b, [target])
                assert contents(b) == contents(a), fmt
            import_paths(a, [target])  # into the same store: nothing changes
            assert contents(a)[0][0].name == names[0]
        stored = a.node("company", "n0")  # type: ignore[arg-type]
        assert stored.name == names[0]
        assert stored.properties.get("tags", []) == [t.strip() for t in tags if t.strip()]


def test_graphml_refuses_text_xml_cannot_hold(store: Store, tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"id": ["bell"], "name": ["Bell\x07 Labs"], ROW: [2]}, dtype=object)
    store.write([RawTable("companies", "generated", frame)])
    with pytest.raises(InvalidValue, match=r"company 'bell': 'name' .* U\+0007"):
        export_store(store, tmp_path / "out.graphml", format="graphml")
