"""Patent readers on small files written in each real format, matched to stored companies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem import ImportRefused, NodeKind, RelKind, Store, import_paths
from ecosystem.cli import cli
from ecosystem.io.names import NameIndex, normalise
from tests.conftest import DATA, ROOT

PATENTS = DATA / "patents"


def holdings(store: Store) -> dict[tuple[str, str, str], int]:
    return {(r.source, r.target, r.key): int(r.properties["count"])
            for r in store.relationships(RelKind.HOLDS_PATENTS_IN)}


def test_patentsview(small_store: Store) -> None:
    summary = import_paths(small_store, [PATENTS / "patentsview"], format="patentsview")
    assert summary.unmatched == {"Unknown Charging GmbH": 1}
    owners = {(r.source, r.target) for r in small_store.relationships(RelKind.HOLDS_PATENT)}
    assert owners == {("cellix", "10000001"), ("voltra", "10000002"),
                      ("cortex", "10000002"), ("cortex", "10000003")}
    assert "10000004" not in small_store.ids(NodeKind.PATENT)  # its assignee matched nobody
    patent = small_store.node(NodeKind.PATENT, "10000003")
    assert patent.properties["title"] == "Neural network accelerator"
    assert patent.properties["granted"] == "2020-11-10"
    assert small_store.node(NodeKind.TECHNOLOGY_CLASS, "G06N").properties["parent"] == "G06"
    counts = holdings(small_store)
    assert counts[("cortex", "G06N", "2020:own")] == 1
    assert counts[("cortex", "G06N", "2019:own")] == 1
    assert counts[("cellix", "Y02E", "2018:own")] == 1
    assert counts[("cortex", "G06N", "2021:own")] == 80  # the small data's own count stays


def test_lens(small_store: Store) -> None:
    summary = import_paths(small_store, [PATENTS / "lens.csv"], format="lens")
    assert summary.unmatched == {"NOBODY WE KNOW LLC": 1}
    owners = {(r.source, r.target) for r in small_store.relationships(RelKind.HOLDS_PATENT)}
    assert owners == {("cortex", "000-111-222-333-44X"), ("voltra", "000-111-222-333-44X"),
                      ("cellix", "000-111-222-333-55Y")}
    classes = {r.target for r in small_store.relationships(RelKind.CLASSIFIED_IN)
               if r.source == "000-111-222-333-44X"}
    assert classes == {"G06N", "G10L", "B60W"}


def test_patent_counts_keep_own_and_acquired_apart(small_store: Store) -> None:
    summary = import_paths(small_store, [PATENTS / "counts"], format="patent-counts")
    assert summary.unmatched == {"Acme Widgets Corp": 3}
    counts = holdings(small_store)
    assert counts[("cellix", "uspc-429", "2005:own")] == 55
    assert counts[("cellix", "uspc-429", "2005:acquired")] == 5
    assert counts[("cellix", "uspc-320", "2005:acquired")] == 7
    assert ("cellix", "uspc-320", "2005:own") not in counts  # a zero is not a holding
    assert counts[("siliq", "uspc-438", "2003:own")] == 12
    title = small_store.node(NodeKind.TECHNOLOGY_CLASS, "uspc-429").properties["title"]
    assert title.startswith("Chemistry")
    cellix = small_store.node(NodeKind.COMPANY, "cellix")
    assert cellix.properties["industries"] == ["sic-3691", "sp-capital-goods"]
    assert cellix.name == "Cellix Batteries"  # only industries were updated
    # an industry the user already had keeps its name
    assert small_store.node(NodeKind.INDUSTRY, "sic-3691").name == "Storage Batteries"
    assert small_store.node(NodeKind.INDUSTRY, "sic-3674").name.startswith("Semiconductors")


def test_real_tda_layout_reads_as_it_is(tmp_path: Path) -> None:
    """The real TDA files, read as they are against the demo's LF companies (with the
    reviewed near misses as aliases), give exactly the demo's matched portfolios
    (data/tdapatents, built by scripts/build_demo_patents.py)."""
    import pandas as pd

    from ecosystem import EmbeddedStore
    from ecosystem.demo import build_lf_ecosystem
    from ecosystem.editing import upsert_node

    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "tdapatents"
    if not shared.is_dir():
        pytest.fail(f"the shared TDA patents data is missing at {shared}")
    folder = tmp_path / "tda"
    shutil.copytree(shared, folder)
    reviewed = pd.read_csv(ROOT / "data" / "tdapatents" / "_reviewed_matches.csv", dtype=str)
    with EmbeddedStore(tmp_path / "lf.db") as store:
        build_lf_ecosystem(store)
        before = import_paths(store, [folder], format="patent-counts")
        assert before.suggestions["Cisco Systems Inc"][0] == "cisco"  # a near miss, reported
        for row in reviewed[reviewed["decision"] == "accept"].itertuples():
            aliases = store.node(NodeKind.COMPANY, row.company).properties.get("aliases") or []
            upsert_node(store, NodeKind.COMPANY, {"id": row.company,
                                                  "aliases": [*aliases, row.firm_name]})
        summary = import_paths(store, [folder], format="patent-counts")
        expected = pd.read_csv(ROOT / "data" / "tdapatents" / "holds_patents_in.csv",
                               dtype=str)
        got = holdings(store)
        assert got == {(r.source, r.target, f"{r.year}:{r.origin}"): int(r.count)
                       for r in expected.itertuples()}
        matched = {source for source, _, _ in got}
        assert len(matched) == 61 and len(summary.unmatched) == 333 - 61
        assert {"ibm", "intel", "microsoft", "google", "cisco", "apple"} <= matched
        assert "Cisco Systems Inc" not in summary.unmatched


def test_nothing_matched_is_refused(small_store: Store, tmp_path: Path) -> None:
    (tmp_path / "firm_year_uspc_counts.csv").write_text(
        "firm_rank,firm_name,year,uspc_class,n_patents_rd,n_patents_ma\n"
        "1,Nobody Inc,2001,2,1,0\n")
    with pytest.raises(ImportRefused, match="none of the 1 assignee names matched"):
        import_paths(small_store, [tmp_path], format="patent-counts")


def test_missing_files_and_columns(small_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match=r"g_patent\.tsv: file not found"):
        import_paths(small_store, [tmp_path], format="patentsview")
    (tmp_path / "lens.csv").write_text("Lens ID,Title\nx,y\n")
    with pytest.raises(ImportRefused) as info:
        import_paths(small_store, [tmp_path / "lens.csv"], format="lens")
    assert {p.column for p in info.value.problems} == {"Publication Date", "Applicants",
                                                       "CPC Classifications"}


def test_cli_reports_unmatched(small_store: Store) -> None:
    result = CliRunner().invoke(cli, ["--store", small_store.location, "import",
                                      str(PATENTS / "lens.csv"), "--format", "lens"])
    assert result.exit_code == 0, result.output
    assert "1 name(s) matched no company" in result.output
    assert "NOBODY WE KNOW LLC" in result.output
    again = CliRunner().invoke(cli, ["--store", small_store.location, "import", "--json",
                                     str(PATENTS / "lens.csv"), "--format", "lens"])
    assert json.loads(again.output)["unmatched"] == {"NOBODY WE KNOW LLC": 1}


@pytest.mark.parametrize(("name", "expected"), [
    ("CELLIX BATTERIES CO., LTD.", "cellix batteries"),
    ("The Walt Disney Company", "walt disney"),
    ("AT&T Inc.", "at and t"),
    ("Corp", "corp"),  # a name that is only a legal form keeps it
])
def test_normalise(name: str, expected: str) -> None:
    assert normalise(name) == expected


def test_ambiguous_names_do_not_match() -> None:
    index = NameIndex.of([("goog", "Google LLC"), ("google-cloud", "Google Cloud"),
                          ("alphabet-google", "Google Inc.")])
    assert index.match("Google Inc") is None  # two names normalise to 'google'
    assert index.match("Google Cloud") == "google-cloud"
    assert index.match("GOOG") == "goog"  # the id is matched first
