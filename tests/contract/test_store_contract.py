"""The behaviour every Store must have. Parametrised over every store kind (conftest)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from ecosystem import (
    Conflict,
    ImportRefused,
    InvalidValue,
    NodeKind,
    NodeNotFound,
    Relationship,
    RelationshipNotFound,
    RelKind,
    Store,
    import_paths,
)
from ecosystem.editing import upsert_node
from ecosystem.io.batch import ROW, RawTable
from ecosystem.stores.base import RelationshipId
from tests.conftest import SMALL, StoreFactory


def table(name: str, rows: list[dict[str, object]], source: str = "test") -> RawTable:
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(name, source, frame)


def snapshot(store: Store) -> tuple[list[object], list[object]]:
    return store.nodes(), store.relationships()


def test_new_store_is_empty(store: Store) -> None:
    assert store.counts() == {"nodes": {}, "relationships": {}}
    assert store.nodes() == []
    assert store.relationships() == []
    assert store.graph().number_of_nodes() == 0


def test_counts_of_small_ecosystem(small_store: Store) -> None:
    assert small_store.counts() == {
        "nodes": {"capability": 7, "company": 5, "industry": 7, "programme": 2,
                  "technology_class": 4},
        "relationships": {"has_capability": 5, "holds_patents_in": 5, "member_of": 5,
                          "owns": 1, "partners_with": 2, "supplies": 2},
    }


def test_node_properties_are_typed(small_store: Store) -> None:
    voltra = small_store.node(NodeKind.COMPANY, "voltra")
    assert voltra.name == "Voltra Motors"
    assert voltra.properties["founded"] == 1998
    assert voltra.properties["strategy_horizon_years"] == 5.0
    assert voltra.properties["industries"] == ["sic-3711"]
    assert voltra.properties["tags"] == ["ev", "automotive"]
    assert "risk_appetite" in voltra.properties
    shiplane = small_store.node(NodeKind.COMPANY, "shiplane")
    assert "decision_style" not in shiplane.properties  # empty cells store nothing


def test_dates_are_normalised(small_store: Store) -> None:
    rels = {r.source: r for r in small_store.relationships(RelKind.MEMBER_OF)
            if r.target == "battery-alliance"}
    assert rels["voltra"].since == "2019-03-01"  # YYYY-MM
    assert rels["cellix"].since == "2018-01-01"  # YYYY
    assert rels["siliq"].since == "2020-06-15"
    assert rels["siliq"].until == "2023-01-01"
    assert rels["voltra"].until is None


@pytest.mark.parametrize(
    ("as_of", "members"),
    [
        (dt.date(2017, 12, 31), set()),
        (dt.date(2018, 1, 1), {"cellix"}),
        (dt.date(2020, 6, 15), {"cellix", "voltra", "siliq"}),
        (dt.date(2022, 12, 31), {"cellix", "voltra", "siliq"}),
        (dt.date(2023, 1, 1), {"cellix", "voltra"}),  # until: the first day it no longer holds
    ],
)
def test_as_of_filters_relationships(small_store: Store, as_of: dt.date,
                                     members: set[str]) -> None:
    found = small_store.relationships(RelKind.MEMBER_OF, as_of=as_of)
    assert {r.source for r in found if r.target == "battery-alliance"} == members


def test_as_of_counts_and_graph_agree(small_store: Store) -> None:
    counts = small_store.counts(as_of=dt.date(2019, 6, 1))["relationships"]
    G = small_store.graph(as_of=dt.date(2019, 6, 1))
    kinds = [d["kind"] for _, _, d in G.edges(data=True)]
    for kind, n in counts.items():
        assert kinds.count(kind) == n


def test_relationships_touching_a_node(small_store: Store) -> None:
    rels = small_store.relationships(node=(NodeKind.COMPANY, "shiplane"))
    assert {(r.kind, r.source, r.target) for r in rels} == {
        (RelKind.OWNS, "voltra", "shiplane"),
        (RelKind.SUPPLIES, "shiplane", "voltra"),
    }


def test_missing_node_suggests_close_ids(small_store: Store) -> None:
    with pytest.raises(NodeNotFound) as info:
        small_store.node(NodeKind.COMPANY, "voltr")
    assert info.value.suggestions == ["voltra"]
    assert "Did you mean 'voltra'" in str(info.value)


def test_search_matches_name_and_id(small_store: Store) -> None:
    assert [n.id for n in small_store.nodes(NodeKind.COMPANY, search="batter")] == ["cellix"]
    assert [n.id for n in small_store.nodes(NodeKind.COMPANY, search="SILIQ")] == ["siliq"]
    page = small_store.nodes(NodeKind.COMPANY, limit=2, offset=1)
    assert [n.id for n in page] == ["cortex", "shiplane"]


def test_reimport_updates_in_place(small_store: Store) -> None:
    before = small_store.counts()
    summary = import_paths(small_store, [SMALL])
    assert small_store.counts() == before
    assert sum(summary.nodes_created.values()) == 0
    assert sum(summary.relationships_created.values()) == 0
    assert sum(summary.nodes_written.values()) == 25


def test_upsert_merges_given_columns_only(small_store: Store) -> None:
    small_store.write([table("companies", [{"id": "voltra", "name": "Voltra AG",
                                            "country": "", "tags": ""}])])
    voltra = small_store.node(NodeKind.COMPANY, "voltra")
    assert voltra.name == "Voltra AG"
    assert voltra.properties["country"] == "DE"  # an empty cell leaves the value alone
    assert voltra.properties["tags"] == ["ev", "automotive"]
    assert voltra.properties["founded"] == 1998  # so does an absent column


def test_empty_required_cell_keeps_the_stored_value(small_store: Store) -> None:
    small_store.write([table("companies", [{"id": "voltra", "name": ""}])])
    assert small_store.node(NodeKind.COMPANY, "voltra").name == "Voltra Motors"


def test_clear_token_clears_optional_fields_only(small_store: Store) -> None:
    small_store.write([table("companies", [
        {"id": "voltra", "country": "#clear", "tags": " #CLEAR ", "founded": "#clear"},
        {"id": "cellix", "country": "KR"}])])
    voltra = small_store.node(NodeKind.COMPANY, "voltra")
    assert {"country", "tags", "founded"}.isdisjoint(voltra.properties)
    assert voltra.properties["size_band"] == "enterprise"
    assert small_store.node(NodeKind.COMPANY, "cellix").properties["country"] == "KR"
    before = snapshot(small_store)
    with pytest.raises(ImportRefused) as refused:
        small_store.write([table("companies", [{"id": "voltra", "name": "#clear"}])])
    (problem,) = refused.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "name", "#clear")
    assert "cannot be cleared" in problem.message
    assert snapshot(small_store) == before


def test_until_is_kept_when_empty_and_reopened_by_clear(small_store: Store) -> None:
    def siliq() -> Relationship:
        (rel,) = [r for r in small_store.relationships(RelKind.MEMBER_OF)
                  if r.source == "siliq"]
        return rel

    assert siliq().until == "2023-01-01"
    row = {"source": "siliq", "target": siliq().target, "since": siliq().since}
    small_store.write([table("member_of", [row | {"until": "", "tier": "Gold"}])])
    assert (siliq().until, siliq().properties["tier"]) == ("2023-01-01", "Gold")
    small_store.write([table("member_of", [row | {"until": "#clear", "tier": "#clear"}])])
    assert siliq().until is None
    assert "tier" not in siliq().properties


def test_relationship_until_can_be_set_later(small_store: Store) -> None:
    small_store.write([table("member_of", [{"source": "voltra", "target": "open-cockpit",
                                            "since": "2022-09", "until": "2025-01"}])])
    (rel,) = [r for r in small_store.relationships(RelKind.MEMBER_OF)
              if (r.source, r.target) == ("voltra", "open-cockpit")]
    assert rel.until == "2025-01-01"
    assert rel.properties["tier"] == "General"


def test_refused_write_changes_nothing(small_store: Store) -> None:
    before = snapshot(small_store)
    generation = small_store.generation()
    with pytest.raises(ImportRefused):
        small_store.write([
            table("companies", [{"id": "newco", "name": "New Co"}]),
            table("member_of", [{"source": "newco", "target": "no-such-programme"}]),
        ])
    assert snapshot(small_store) == before
    assert small_store.generation() == generation


def test_generation_moves_on_every_write(small_store: Store) -> None:
    first = small_store.generation()
    small_store.write([table("companies", [{"id": "x1", "name": "X"}])])
    second = small_store.generation()
    small_store.delete_node(NodeKind.COMPANY, "x1")
    assert first != second != small_store.generation()


def test_graph_is_cached_until_data_change(small_store: Store) -> None:
    G1 = small_store.graph()
    assert small_store.graph() is G1
    small_store.write([table("companies", [{"id": "newco", "name": "New Co"}])])
    G2 = small_store.graph()
    assert G2 is not G1
    assert "company:newco" in G2 and "company:newco" not in G1


def test_graph_structure(small_store: Store) -> None:
    G = small_store.graph()
    assert isinstance(G, nx.MultiDiGraph)
    voltra = G.nodes["company:voltra"]
    assert voltra["kind"] == "company" and voltra["name"] == "Voltra Motors"
    edges = G.get_edge_data("company:voltra", "programme:battery-alliance")
    (data,) = edges.values()
    assert data["kind"] == "member_of" and data["tier"] == "Gold"
    assert data["since"] == "2019-03-01"
    # derived edges: hierarchy, industries, programme owner
    assert G.has_edge("capability:autonomy/fusion", "capability:autonomy", key="part_of")
    assert G.has_edge("company:voltra", "industry:sic-3711", key="in_industry")
    assert G.has_edge("company:cellix", "programme:battery-alliance", key="runs")
    patents = G.get_edge_data("company:voltra", "technology_class:B60L")
    assert [d["weight"] for d in patents.values()] == [120.0]


def test_matrix_sums_weights(small_store: Store) -> None:
    m = small_store.matrix(RelKind.HOLDS_PATENTS_IN)
    assert m.rows == ("cellix", "cortex", "shiplane", "siliq", "voltra")
    assert m.columns == ("B60L", "B60L53", "G06N", "H01M")
    dense = m.matrix.toarray()
    assert dense[m.row_index()["cellix"], m.column_index()["H01M"]] == 400
    assert dense[m.row_index()["voltra"]].sum() == 150
    assert dense.sum() == 645
    caps = small_store.matrix(RelKind.HAS_CAPABILITY, as_of=dt.date(2019, 6, 1))
    assert caps.matrix.toarray().sum() == 2 + 4 + 5 + 4  # cortex's perception came in 2020


def test_matrix_in_a_window(small_store: Store) -> None:
    members = small_store.matrix(RelKind.MEMBER_OF,
                                 window=(dt.date(2023, 1, 1), dt.date(2024, 1, 1)))
    held = {(members.rows[i], members.columns[j])
            for i, j in zip(*members.matrix.nonzero(), strict=True)}
    assert ("siliq", "battery-alliance") not in held  # left on 2023-01-01
    assert ("voltra", "open-cockpit") in held
    early = small_store.matrix(RelKind.MEMBER_OF, window=(None, dt.date(2019, 1, 1)))
    assert early.matrix.sum() == 1  # only cellix had joined


def test_delete_node_refuses_when_linked(small_store: Store) -> None:
    with pytest.raises(Conflict, match="cascade"):
        small_store.delete_node(NodeKind.COMPANY, "shiplane")
    assert small_store.delete_node(NodeKind.COMPANY, "shiplane", cascade=True) == 2
    with pytest.raises(NodeNotFound):
        small_store.node(NodeKind.COMPANY, "shiplane")
    assert not small_store.relationships(node=(NodeKind.COMPANY, "shiplane"))


def test_delete_nodes_is_all_or_nothing(small_store: Store) -> None:
    upsert_node(small_store, NodeKind.CAPABILITY, {"id": "spare", "name": "Spare"})
    before = small_store.counts()
    with pytest.raises(NodeNotFound):
        small_store.delete_nodes([(NodeKind.CAPABILITY, "spare"), (NodeKind.COMPANY, "nope")])
    with pytest.raises(Conflict, match="relationship"):
        small_store.delete_nodes([(NodeKind.CAPABILITY, "spare"),
                                  (NodeKind.COMPANY, "shiplane")])
    assert small_store.counts() == before
    small_store.delete_nodes([(NodeKind.COMPANY, "shiplane")], cascade=True)
    assert "shiplane" not in small_store.ids(NodeKind.COMPANY)


def test_delete_refuses_a_node_another_node_refers_to(small_store: Store) -> None:
    before = small_store.counts()
    # voltra's industries name sic-3711; sic-3711's parent is sic-37; cellix owns a programme
    for kind, id, field in ((NodeKind.INDUSTRY, "sic-3711", "industries"),
                            (NodeKind.INDUSTRY, "sic-37", "parent"),
                            (NodeKind.COMPANY, "cellix", "owner")):
        with pytest.raises(Conflict, match=f"field '{field}'"):
            small_store.delete_node(kind, id, cascade=True)
    assert small_store.counts() == before
    # deleting the referrer in the same call is fine
    small_store.delete_nodes([(NodeKind.INDUSTRY, "sic-3711"), (NodeKind.INDUSTRY, "sic-37"),
                              (NodeKind.COMPANY, "voltra")], cascade=True)
    assert "voltra" not in small_store.ids(NodeKind.COMPANY)


def test_delete_relationship(small_store: Store) -> None:
    small_store.delete_relationship(RelKind.OWNS, "voltra", "shiplane", since="2015-07")
    assert small_store.relationships(RelKind.OWNS) == []
    with pytest.raises(RelationshipNotFound):
        small_store.delete_relationship(RelKind.OWNS, "voltra", "shiplane", since="2015-07")


def test_data_persist_across_reopening(make_store: StoreFactory, tmp_path: Path) -> None:
    store = make_store()
    import_paths(store, [SMALL])
    before = snapshot(store)
    location = store.location
    store.close()
    from ecosystem import open_store

    with open_store(location) as again:
        assert snapshot(again) == before


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    """Many threads upserting at once: every accepted write is there afterwards."""
    store.write([table("programmes", [{"id": "p", "name": "P"}])])
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                store.write([
                    table("companies", [{"id": f"c{n}-{i}", "name": f"C {n} {i}"}]),
                    table("member_of", [{"source": f"c{n}-{i}", "target": "p"}]),
                ])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counts() == {"nodes": {"company": 80, "programme": 1},
                              "relationships": {"member_of": 80}}


def test_neighbours(small_store: Store) -> None:
    assert small_store.neighbours((NodeKind.COMPANY, "shiplane")) == {"company:voltra"}
    two = small_store.neighbours((NodeKind.COMPANY, "shiplane"), hops=2)
    assert {"company:cellix", "programme:battery-alliance", "technology_class:B60L"} <= two
    assert "company:shiplane" not in two
    # as of 2011 nothing touched shiplane yet (it started supplying in 2012)
    early = dt.date(2011, 6, 1)
    assert small_store.neighbours((NodeKind.COMPANY, "shiplane"), as_of=early) == set()
    assert small_store.neighbours((NodeKind.COMPANY, "nobody")) == set()


def test_hostile_text_round_trips_unchanged(store: Store) -> None:
    """Quotes, backticks, braces, comments, parameters, keywords and long strings are data."""
    hostile = [
        "O'Brien \"Quoted\" `tick`", "{brace} [bracket] (paren)", "// comment /* block */",
        "$param ${x} $$", "line one\nline two\r\nthree", "MATCH (n) DETACH DELETE n",
        "'); DROP TABLE nodes; --", "<script>alert(1)</script>", "x" * 10_000, "ünïcødé 日本 🚀",
    ]
    store.write([table("companies", [{"id": f"h{i}", "name": name, "description": name}
                                     for i, name in enumerate(hostile)]),
                 table("programmes", [{"id": "p`}", "name": hostile[1]}]),
                 table("member_of", [{"source": f"h{i}", "target": "p`}", "tier": name}
                                     for i, name in enumerate(hostile)])])
    for i, name in enumerate(hostile):
        node = store.node(NodeKind.COMPANY, f"h{i}")
        assert node.name == name and node.properties["description"] == name
    tiers = {r.source: r.properties["tier"] for r in store.relationships(RelKind.MEMBER_OF)}
    assert tiers == {f"h{i}": name for i, name in enumerate(hostile)}
    assert store.counts() == {"nodes": {"company": len(hostile), "programme": 1},
                              "relationships": {"member_of": len(hostile)}}
    assert [n.id for n in store.nodes(NodeKind.COMPANY, search="drop table")] == ["h6"]


def test_a_write_can_move_relationships_and_delete_a_node_at_once(small_store: Store) -> None:
    """What a merge does: cellix's relationships move to siliq, the programme it owns is
    re-pointed, and cellix goes, all in one transaction."""
    moved = [r for r in small_store.relationships(node=(NodeKind.COMPANY, "cellix"))]
    assert moved
    rows: dict[RelKind, list[dict[str, object]]] = {}
    for rel in moved:
        source = "siliq" if rel.source == "cellix" else rel.source
        target = "siliq" if rel.target == "cellix" else rel.target
        rows.setdefault(rel.kind, []).append({"source": source, "target": target,
                                              "since": rel.since, "key": rel.key,
                                              **rel.properties})
    tables = [table(kind.value, list(found)) for kind, found in rows.items()]
    tables.append(table("programmes", [{"id": "battery-alliance", "owner": "siliq"}]))
    small_store.write(tables, delete_nodes=[(NodeKind.COMPANY, "cellix")])
    assert "cellix" not in small_store.ids(NodeKind.COMPANY)
    assert small_store.node(NodeKind.PROGRAMME, "battery-alliance").properties["owner"] == \
        "siliq"
    assert not [r for r in small_store.relationships() if "cellix" in (r.source, r.target)]
    assert len(small_store.relationships(node=(NodeKind.COMPANY, "siliq"))) >= len(moved)


def test_a_refused_write_deletes_nothing(small_store: Store) -> None:
    before = snapshot(small_store)
    # the programme still names cellix as its owner: deleting cellix would leave it dangling
    with pytest.raises(Conflict, match="battery-alliance"):
        small_store.write([table("companies", [{"id": "siliq", "country": "TW"}])],
                          delete_nodes=[(NodeKind.COMPANY, "cellix")])
    # a relationship to the node being deleted is refused like one to an unknown node
    with pytest.raises(ImportRefused, match="not a known company"):
        small_store.write([table("partners_with", [{"source": "siliq", "target": "cellix"}])],
                          delete_nodes=[(NodeKind.COMPANY, "cellix")])
    with pytest.raises(RelationshipNotFound):
        small_store.write([], delete_relationships=[
            RelationshipId(RelKind.PARTNERS_WITH, "voltra", "siliq")])
    assert snapshot(small_store) == before


def test_a_write_can_replace_a_relationship(small_store: Store) -> None:
    (old,) = [r for r in small_store.relationships(RelKind.PARTNERS_WITH)
              if r.target == "cortex"]
    small_store.write([table("partners_with", [{"source": "voltra", "target": "cortex",
                                                "since": "2024-01", "scope": "renewed"}])],
                      delete_relationships=[RelationshipId.of(old)])
    (new,) = [r for r in small_store.relationships(RelKind.PARTNERS_WITH)
              if r.target == "cortex"]
    assert (new.since, new.properties["scope"]) == ("2024-01-01", "renewed")


def test_as_of_is_a_day_not_text(small_store: Store) -> None:
    # text is parsed where it comes in (CLI, API, readers); below that, days only
    with pytest.raises(InvalidValue, match="parse_day"):
        small_store.relationships(RelKind.MEMBER_OF, as_of="2020-01-01")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match=r"datetime\.date"):
        small_store.matrix(RelKind.MEMBER_OF, as_of="2020")  # type: ignore[arg-type]


#: Numbers a JSON writer that rounds (to 10 decimals, no exponent) would change, and two
#: it writes exactly; all between 0 and 100 (a company's strategy horizon).
EXACT_NUMBERS = [1e-12, 0.123456789012345, 1 / 3, 2.5e-300, 99.99999999999999, 0.1, 3.0]


def test_numbers_are_stored_exactly(store: Store) -> None:
    """A weight or horizon given with many digits, or a tiny one, reads back unchanged
    from CSV text and from typed cells, on nodes and relationships."""
    large = [1.7976931348623157e308, 123456789.12345679, 4e15 + 0.5]
    store.write([
        table("companies", [{"id": f"c{i}", "name": f"C{i}", "strategy_horizon_years": value}
                            for i, value in enumerate(EXACT_NUMBERS)]),
        table("partners_with", [{"source": f"c{i}", "target": "c0", "since": "2020",
                                 "weight": repr(value) if i % 2 else value}
                                for i, value in enumerate(EXACT_NUMBERS + large) if i
                                and i < len(EXACT_NUMBERS)] + [
            {"source": "c0", "target": f"c{i}", "since": "2021", "weight": value}
            for i, value in enumerate(large, start=1)]),
    ])
    for i, value in enumerate(EXACT_NUMBERS):
        assert store.node(NodeKind.COMPANY, f"c{i}").properties[
            "strategy_horizon_years"] == value
    weights = {(r.source, r.target): r.properties["weight"]
               for r in store.relationships(RelKind.PARTNERS_WITH)}
    assert weights == {**{(f"c{i}", "c0"): value for i, value in enumerate(EXACT_NUMBERS)
                          if i},
                       **{("c0", f"c{i}"): value for i, value in enumerate(large, start=1)}}
    assert all(isinstance(w, float) for w in weights.values())
