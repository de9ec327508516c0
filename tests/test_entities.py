"""Organisations as they are: types, duplicates merged and unmerged, sectors with evidence,
and the scan proposing companies with scores that separate (issue: credible candidates)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecosystem import (
    Conflict,
    EmbeddedStore,
    ImportRefused,
    InvalidValue,
    NodeKind,
    NodeNotFound,
    RelKind,
    Store,
    import_paths,
)
from ecosystem.cli import cli
from ecosystem.demo import demo_data_folder
from ecosystem.editing import upsert_node, upsert_relationship
from ecosystem.entities.evaluation import merge_scores, sector_scores, type_scores
from ecosystem.entities.merging import Merge, merge_companies, merge_plan, merges, unmerge
from ecosystem.entities.organisation_types import organisation_types
from ecosystem.entities.resolution import find_duplicates, read_review, write_review
from ecosystem.entities.sectors import company_sectors, compare
from ecosystem.scanning.axes import Axis
from ecosystem.scanning.needs import read_needs_file
from ecosystem.scanning.scan import scan_partners
from tests.conftest import DATA, ROOT

LABELS = DATA / "labels"


def _labels(name: str) -> list[dict[str, str]]:
    with (LABELS / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _state(store: Store) -> tuple[object, object]:
    return store.nodes(), store.relationships()


@pytest.fixture
def twins(small_store: Store) -> Store:
    """The small ecosystem plus a duplicate of Cellix under another id, with a membership
    of its own, one it shares with Cellix, and a programme it owns."""
    upsert_node(small_store, NodeKind.COMPANY, {"id": "name:cellix-batteries",
                                                "name": "Cellix Batteries Co., Ltd.",
                                                "country": "KR", "homepage": "https://cellix.kr"})
    upsert_node(small_store, NodeKind.PROGRAMME, {"id": "cell-forum", "name": "Cell Forum",
                                                  "owner": "name:cellix-batteries"})
    for target, since in (("open-cockpit", "2023-02"), ("battery-alliance", "2018")):
        upsert_relationship(small_store, RelKind.MEMBER_OF, {
            "source": "name:cellix-batteries", "target": target, "since": since,
            "tier": "General"})
    upsert_relationship(small_store, RelKind.SUPPLIES, {
        "source": "name:cellix-batteries", "target": "cellix", "product": "itself"})
    return small_store


def test_duplicates_are_found_with_their_evidence(twins: Store) -> None:
    pairs = find_duplicates(twins)
    (pair,) = [p for p in pairs if {p.a.id, p.b.id} == {"cellix", "name:cellix-batteries"}]
    assert (pair.keep.id, pair.other.id) == ("cellix", "name:cellix-batteries")
    assert pair.score >= 0.9 and "legal forms" in "; ".join(pair.evidence)
    assert all(p.score < 0.9 for p in pairs if "cellix" not in {p.a.id, p.b.id})


def test_a_division_is_not_its_parent(store: Store) -> None:
    for id, name in (("google", "Google LLC"), ("google-cloud", "Google Cloud"),
                     ("crane-4016", "Crane"), ("crane-co", "Crane Co.")):
        upsert_node(store, NodeKind.COMPANY, {"id": id, "name": name})
    scores = {frozenset((p.a.id, p.b.id)): p.score for p in find_duplicates(store, minimum=0)}
    assert scores.get(frozenset(("google", "google-cloud")), 0) < 0.9
    assert scores[frozenset(("crane-4016", "crane-co"))] >= 0.9  # same name: one to review
    upsert_node(store, NodeKind.COMPANY, {"id": "crane-co", "country": "US"})
    upsert_node(store, NodeKind.COMPANY, {"id": "crane-4016", "country": "CN"})
    scores = {frozenset((p.a.id, p.b.id)): p.score for p in find_duplicates(store, minimum=0)}
    assert scores[frozenset(("crane-4016", "crane-co"))] < 0.9  # different countries


def test_merge_moves_everything_and_unmerge_restores_it(twins: Store) -> None:
    before = _state(twins)
    (record,) = merge_companies(twins, [Merge("cellix", "name:cellix-batteries", 0.95,
                                              "same name")], date=dt.date(2026, 12, 1))
    assert "name:cellix-batteries" not in twins.ids(NodeKind.COMPANY)
    cellix = twins.node(NodeKind.COMPANY, "cellix")
    assert cellix.properties["aliases"] == ["name:cellix-batteries",
                                            "Cellix Batteries Co., Ltd."]
    assert cellix.properties["homepage"] == "https://cellix.kr"  # a gap filled
    assert cellix.properties["country"] == "KR"
    assert twins.node(NodeKind.PROGRAMME, "cell-forum").properties["owner"] == "cellix"
    memberships = {(r.target, r.since) for r in twins.relationships(RelKind.MEMBER_OF)
                   if r.source == "cellix"}
    assert ("open-cockpit", "2023-02-01") in memberships  # moved, date kept
    snapshot = json.loads(twins.node(NodeKind.MERGE, record).properties["snapshot"])
    dropped = {d[0] for d in snapshot["dropped"]}
    assert dropped == {"member_of", "supplies"}  # a copy of Cellix's own; a self-loop
    assert unmerge(twins, record, date=dt.date(2026, 12, 2)).id == "name:cellix-batteries"
    assert twins.node(NodeKind.MERGE, record).properties["undone"] == "2026-12-02"
    nodes, rels = _state(twins)
    assert [n for n in nodes if n.kind is not NodeKind.MERGE] == before[0]  # type: ignore[union-attr]
    assert rels == before[1]
    with pytest.raises(Conflict, match="undone"):
        unmerge(twins, record)


def test_merges_are_refused_whole_when_wrong(twins: Store, tmp_path: Path) -> None:
    before = _state(twins)
    with pytest.raises(InvalidValue, match="kept and merged"):
        merge_companies(twins, [Merge("cellix", "cellix")])
    with pytest.raises(NodeNotFound):
        merge_companies(twins, [Merge("cellix", "no-such-company")])
    with pytest.raises(NodeNotFound):  # a programme is not a company: no merge across kinds
        merge_companies(twins, [Merge("cellix", "battery-alliance")])
    with pytest.raises(InvalidValue, match="circle"):
        merge_plan([Merge("a", "b"), Merge("b", "a")])
    review = tmp_path / "review.csv"
    review.write_text("keep,merge,decision\ncellix,name:cellix-batteries,maybe\n"
                      "voltra,voltra,accept\ncortex,,accept\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        read_review(review)
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (2, "decision"), (3, "merge"), (4, "merge")]
    assert _state(twins) == before


def test_unmerge_waits_for_a_later_merge(twins: Store) -> None:
    (first,) = merge_companies(twins, [Merge("cellix", "name:cellix-batteries")])
    (second,) = merge_companies(twins, [Merge("siliq", "cellix")])
    with pytest.raises(Conflict, match=second):
        unmerge(twins, first)
    unmerge(twins, second)
    unmerge(twins, first)
    assert {"cellix", "name:cellix-batteries", "siliq"} <= twins.ids(NodeKind.COMPANY)


def test_review_table_round_trip_and_cli(twins: Store, tmp_path: Path) -> None:
    store_path = tmp_path / "cli.db"
    with EmbeddedStore(store_path) as store:
        import_paths(store, [DATA / "small"])
        upsert_node(store, NodeKind.COMPANY, {"id": "name:cellix-batteries",
                                              "name": "Cellix Batteries Ltd"})
    runner = CliRunner()
    review = tmp_path / "review.xlsx"
    done = runner.invoke(cli, ["--store", str(store_path), "resolve", "--out", str(review),
                               "--accept-from", "0.9"])
    assert done.exit_code == 0, done.output
    assert [(d.keep, d.merge, d.accepted) for d in read_review(review)] == [
        ("cellix", "name:cellix-batteries", True)]
    done = runner.invoke(cli, ["--store", str(store_path), "merge", str(review)])
    assert done.exit_code == 0 and "Merged 1 company" in done.output
    listed = runner.invoke(cli, ["--store", str(store_path), "merges", "--json"])
    (record,) = json.loads(listed.output)
    done = runner.invoke(cli, ["--store", str(store_path), "unmerge", record["id"]])
    assert done.exit_code == 0 and "is back" in done.output
    bad = tmp_path / "bad.csv"
    bad.write_text("keep,merge,decision\ncellix,name:cellix-batteries,perhaps\n")
    done = runner.invoke(cli, ["--store", str(store_path), "merge", str(bad)])
    assert done.exit_code == 1 and "row 2, column 'decision'" in done.output
    write_review(find_duplicates(twins), tmp_path / "again.csv")
    assert read_review(tmp_path / "again.csv")[0].accepted is None  # left to decide


def test_a_reimport_names_the_kept_company(twins: Store, tmp_path: Path) -> None:
    merge_companies(twins, [Merge("cellix", "name:cellix-batteries")])
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / "companies.csv").write_text("id,name\nname:cellix-batteries,Cellix again\n")
    (folder / "holds_patents_in.csv").write_text(
        "source,target,count,year,origin\nname:cellix-batteries,uspc-320,3,2004,own\n"
        "name:cellix-batteries,uspc-320,4,2004,acquired\n")
    (folder / "technology_classes.csv").write_text("id,scheme,code\nuspc-320,USPC,320\n")
    summary = import_paths(twins, [folder])
    assert "name:cellix-batteries" not in twins.ids(NodeKind.COMPANY)
    assert any("merged into others" in note for note in summary.notes)
    counts = {r.properties["origin"]: r.properties["count"]
              for r in twins.relationships(RelKind.HOLDS_PATENTS_IN)
              if r.source == "cellix" and r.properties.get("year") == 2004}
    assert counts == {"own": 3, "acquired": 4}  # parallel rows are not copies


# -- the real demo ------------------------------------------------------------------------

def test_demo_duplicates_are_merged_with_their_history(demo_store: Store) -> None:
    companies = demo_store.ids(NodeKind.COMPANY)
    assert {"toyota", "google"} <= companies
    assert not {"name:toyota", "name:google"} & companies
    assert len({"boeing-7321", "the-boeing-company"} & companies) == 1
    toyota = demo_store.node(NodeKind.COMPANY, "toyota")
    assert "name:toyota" in toyota.properties["aliases"]
    record = next(m for m in merges(demo_store) if m.properties["merged"] == "name:toyota")
    moved = json.loads(record.properties["snapshot"])["moved"]
    assert moved and all(m[1] == "toyota" or m[2] == "toyota" for m in moved)
    rels = demo_store.relationships(node=(NodeKind.COMPANY, "toyota"))
    assert any(r.kind is RelKind.USES_CAPABILITY for r in rels)  # came from name:toyota


def test_demo_types_and_sectors_match_the_labels(demo_store: Store) -> None:
    organisations = _labels("organisations.csv")
    assert len(organisations) >= 150
    types = type_scores(organisation_types(demo_store), organisations)
    assert types["company"].precision is not None and types["company"].precision >= 0.9
    assert types["academic"].precision == 1.0 and types["project"].precision >= 0.7  # type: ignore[operator]
    sectors = sector_scores(company_sectors(demo_store), organisations)
    assert sectors.precision is not None and sectors.precision >= 0.85


def test_demo_merges_match_the_labelled_pairs(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "raw.db") as raw:
        import_paths(raw, [demo_data_folder()], format="lf-landscape")
        scores = merge_scores(find_duplicates(raw), _labels("duplicate_pairs.csv"))
    assert scores["merged"].predicted == 60 and scores["review"].predicted == 30
    assert scores["merged"].precision is not None and scores["merged"].precision >= 0.95


def test_adopters_are_users_and_look_alike_letters_are_folded(demo_store: Store) -> None:
    capabilities = demo_store.ids(NodeKind.CAPABILITY)
    assert not [c for c in capabilities if not c.isascii() or "ad-pter" in c]
    adopters = [r for r in demo_store.relationships(RelKind.HAS_CAPABILITY)
                if "adopter" in r.target]
    assert adopters == []
    assert any("adopter" in r.target for r in demo_store.relationships(RelKind.USES_CAPABILITY))


def test_demo_organisation_types(demo_store: Store) -> None:
    types = organisation_types(demo_store)
    assert {types[i].type for i in ("keras", "fast-ai", "catalyst-team", "apache")} == \
        {"project"}
    assert types["eclipse-foundation"].type == "non_profit"
    assert types["ibm"].type == "company" and types["toyota"].type == "company"
    assert types["monash-university"].type == "academic"
    assert "Associate" in types["name:lfca-umweltschutz-e-v"].evidence or \
        types["name:lfca-umweltschutz-e-v"].source == "name"


def test_sectors_come_with_evidence_and_unknown_stays_unknown(demo_store: Store) -> None:
    sectors = company_sectors(demo_store)
    assert {a.sector for a in sectors["toyota"]} == {"sic-37"}
    assert sectors["toyota"][0].source == "wikidata"
    assert "sic-73" in {a.sector for a in sectors["ibm"]}
    assert any(a.source == "industries" for a in sectors["ibm"])  # TDA's SIC code
    assert sectors["bmw"] == []  # nothing says what BMW does in these data
    assert compare(sectors["toyota"], sectors["bmw"]) is None


@pytest.mark.parametrize(("focal", "needs_file"), [
    ("toyota", "needs_toyota.yaml"), ("ibm", None), ("bmw", "needs_bmw.yaml"),
    ("jpmorgan-chase-co", "needs_jpmorgan.yaml")])
def test_demo_scans_propose_companies_with_spread_scores(demo_store: Store, focal: str,
                                                         needs_file: str | None) -> None:
    needs = read_needs_file(ROOT / "examples" / needs_file) if needs_file else None
    result = scan_partners(demo_store, focal, needs=needs, top=10)
    candidates = result.candidates
    assert len(candidates) == 10
    types = organisation_types(demo_store)
    assert {types[c.company].type for c in candidates} == {"company"}
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True) and scores[0] - scores[-1] >= 0.1
    sectors = company_sectors(demo_store)
    for c in candidates:
        if c.axis is Axis.CROSS_INDUSTRY:
            assert sectors[c.company] and sectors[focal]
            assert compare(sectors[focal], sectors[c.company]) is False


def test_include_widens_the_pool(demo_store: Store) -> None:
    types = organisation_types(demo_store)
    narrow = scan_partners(demo_store, "ibm", top=1000)
    wider = scan_partners(demo_store, "ibm", top=1000, include=["non_profit", "project"])
    assert wider.considered > narrow.considered
    assert {types[c.company].type for c in wider.candidates} >= {"company", "non_profit",
                                                                  "project"}
    with pytest.raises(InvalidValue, match="not an organisation type"):
        scan_partners(demo_store, "ibm", include=["charity"])


def test_scan_json_carries_type_and_sectors(demo_store: Store) -> None:
    result = scan_partners(demo_store, "ibm", top=3)
    data = result.candidates[0].as_dict()
    assert data["org_type"]["type"] == "company" and data["org_type"]["evidence"]
    assert all({"sector", "source", "confidence", "evidence"} <= set(s)
                for s in data["sectors"])
    assert data["decided_by"]
