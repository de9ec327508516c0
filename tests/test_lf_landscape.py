"""The demo store holds the real LF ecosystem, mapped as documented."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ecosystem import ImportRefused, NodeKind, RelKind, Store, import_paths
from ecosystem.demo import demo_data_folder
from ecosystem.io.importer import ImportFormat, detect_format

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "lf-landscape"


def test_bundled_copy_is_the_real_data_set() -> None:
    bundled = demo_data_folder()
    members = pd.read_csv(bundled / "memberships.csv", dtype=str)
    assert len(members) == 8574
    assert members["org_key"].nunique() == 5273
    if SHARED.is_dir():  # beside a checkout in this workplace: byte-identical copy
        for name in ("memberships.csv", "landscape_items.csv", "provenance.csv"):
            assert (bundled / name).read_bytes() == (SHARED / name).read_bytes()


def test_detected_as_lf_landscape() -> None:
    assert detect_format([demo_data_folder()]) is ImportFormat.LF_LANDSCAPE


def test_demo_counts(demo_store: Store) -> None:
    import json

    counts = demo_store.counts()
    assert counts["nodes"]["programme"] == 27
    # every membership row is there, or was a copy dropped when two keys of one
    # organisation were merged (each merge record lists what it dropped)
    dropped = [d for m in demo_store.nodes(NodeKind.MERGE)
               for d in json.loads(m.properties["snapshot"])["dropped"]]
    assert counts["relationships"]["member_of"] + sum(
        d[0] == "member_of" for d in dropped) == 8574
    # the member organisations (less merged duplicates) plus vendors that are not members
    assert 5273 - counts["nodes"]["merge"] < counts["nodes"]["company"] < 7573
    assert counts["relationships"]["has_capability"] > 5000


def test_ids_are_the_data_sets_own(demo_store: Store) -> None:
    assert demo_store.node(NodeKind.PROGRAMME, "cncf").name == "Cloud Native Computing Foundation"
    assert demo_store.node(NodeKind.COMPANY, "ibm").name == "IBM"
    name_keyed = [n for n in demo_store.nodes(NodeKind.COMPANY, search="name:")]
    assert name_keyed and all(n.id.startswith("name:") for n in name_keyed)


def test_membership_dates_and_tiers(demo_store: Store) -> None:
    rels = {(r.source, r.target): r for r in demo_store.relationships(RelKind.MEMBER_OF)}
    ibm_cncf = rels[("ibm", "cncf")]
    assert ibm_cncf.since == "2015-11-01" and ibm_cncf.until is None
    assert ibm_cncf.properties["tier"] == "Platinum"
    # a member that left: until is the month after it was last seen
    raw = pd.read_csv(demo_data_folder() / "memberships.csv", dtype=str,
                      keep_default_na=False)
    left = raw[raw["present_at_head"] == "0"].iloc[0]
    rel = rels[(left["org_key"], left["program"])]
    last = pd.Period(left["last_seen_month"], freq="M")
    assert rel.until == (last + 1).to_timestamp().date().isoformat()


def test_membership_grows_over_time(demo_store: Store) -> None:
    cncf = [demo_store.counts(as_of=dt.date(year, 6, 30)) for year in (2017, 2020, 2024)]
    actives = [c["relationships"].get("member_of", 0) for c in cncf]
    assert actives[0] < actives[1] < actives[2]


def test_capability_taxonomy_is_hierarchical(demo_store: Store) -> None:
    G = demo_store.graph()
    sub = "capability:observability-and-analysis/monitoring"
    assert G.nodes[sub]["name"] == "Monitoring"
    assert G.has_edge(sub, "capability:observability-and-analysis", key="part_of")
    caps = [r for r in demo_store.relationships(RelKind.HAS_CAPABILITY)
            if r.target == "observability-and-analysis/monitoring"]
    assert len(caps) > 20
    assert all(r.properties["level"] >= 1 and r.properties["evidence"] for r in caps)


def test_broken_lf_folder_is_refused(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "lf"
    folder.mkdir()
    for name in ("memberships.csv", "landscape_items.csv"):
        shutil.copy(demo_data_folder() / name, folder / name)
    text = (folder / "memberships.csv").read_text()
    (folder / "memberships.csv").write_text(text.replace("org_key", "org", 1))
    with pytest.raises(ImportRefused) as info:
        import_paths(store, [folder], format="lf-landscape")
    assert info.value.problems[0].column == "org_key"
    assert store.counts() == {"nodes": {}, "relationships": {}}
