"""What only the Neo4j store has: query files, connection errors, moving data between stores.

The shared behaviour is in tests/contract, which runs against the same real server.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase

from ecosystem import EmbeddedStore, InvalidInput, StoreUnavailable, export_store, import_paths
from ecosystem.cli import cli
from ecosystem.stores.cypher import load_query, parameters_of, query_names
from ecosystem.stores.neo4j import Neo4jStore
from tests.bolt_server import BoltServer
from tests.conftest import ROOT, SMALL

# Sample values for every parameter name used in cypher/, so that each file can be run.
SAMPLES: dict[str, object] = {
    "rows": [], "kind": "company", "uid": "company:voltra", "uids": ["company:voltra"],
    "search": "volt", "skip": 0, "limit": 10, "types": ["MEMBER_OF"], "day": "2020-01-01",
    "source": "company:voltra", "target": "company:shiplane", "type": "OWNS",
    "since": "2015-07-01", "key": "", "kinds": {"g_company": 1}, "store_id": "0" * 32,
}


@pytest.fixture
def neo4j_store(bolt_server: BoltServer) -> Neo4jStore:
    bolt_server.clear("neo4j")
    store = Neo4jStore(bolt_server.uri, user=bolt_server.user, password=bolt_server.password)
    import_paths(store, [SMALL])
    return store


def test_query_files_have_headers_and_only_parameters() -> None:
    names = query_names()
    assert len(names) >= 30
    for name in names:
        text = load_query(name).text
        header = [line for line in text.splitlines() if line.startswith("//")]
        assert header, name
        assert any("Parameters:" in line for line in header), name
        assert any("Returns:" in line for line in header), name
        assert not re.search(r"\{[a-z_]+\}", _code(text)), f"{name} looks templated"
        assert re.fullmatch(r"[a-z]+_[a-z_]+\.cypher", name), name


def _code(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("//"))


def test_generated_upserts_are_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_cypher",
                                                  ROOT / "scripts" / "make_cypher.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, text in module.generated().items():
        assert (ROOT / "cypher" / name).read_text(encoding="utf-8") == text, name


def test_parameters_are_checked_at_call_time() -> None:
    query = load_query("read_node.cypher")
    assert query.parameters == {"uid"}
    query.check({"uid": "company:x"})
    with pytest.raises(InvalidInput, match=r"missing: \['uid'\], unexpected: \['id'\]"):
        query.check({"id": "company:x"})
    assert parameters_of("// $ignored\nRETURN '$notme', $yes") == {"yes"}


def test_every_query_file_runs(neo4j_store: Neo4jStore, bolt_server: BoltServer) -> None:
    with (GraphDatabase.driver(bolt_server.uri,
                               auth=(bolt_server.user, bolt_server.password)) as driver,
          driver.session(database="neo4j") as session):
        for name in query_names():
            query = load_query(name)
            params = {p: SAMPLES[p] for p in query.parameters}
            session.run(query.text, params).consume()  # raises on any error


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match=r"Cannot reach a Neo4j server at bolt://127"):
        Neo4jStore("bolt://127.0.0.1:1")


def test_wrong_password_is_named_but_not_echoed(bolt_server: BoltServer) -> None:
    with pytest.raises(StoreUnavailable) as info:
        Neo4jStore(bolt_server.uri, user="root", password="not-the-password-42")
    message = str(info.value)
    assert "refused the credentials of user 'root'" in message
    assert "not-the-password-42" not in message


def test_uri_credentials_are_stripped_from_location(bolt_server: BoltServer) -> None:
    uri = bolt_server.uri.replace("bolt://", f"bolt://root:{bolt_server.password}@") + "/neo4j"
    with Neo4jStore(uri) as store:
        assert bolt_server.password not in store.location
        assert bolt_server.password not in repr(store)


def test_cli_on_neo4j(neo4j_store: Neo4jStore, bolt_server: BoltServer,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOSYSTEM_NEO4J_USER", bolt_server.user)
    monkeypatch.setenv("ECOSYSTEM_NEO4J_PASSWORD", bolt_server.password)
    result = CliRunner().invoke(cli, ["--store", bolt_server.uri, "info", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["nodes"]["company"] == 5
    shown = CliRunner().invoke(cli, ["--store", bolt_server.uri, "show", "company", "voltr"])
    assert shown.exit_code == 1 and "Did you mean 'voltra'?" in shown.output


def test_move_between_stores_losslessly(neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    """embedded -> files -> Neo4j -> files -> embedded gives back the same ecosystem."""
    with EmbeddedStore(tmp_path / "a.db") as embedded:
        import_paths(embedded, [SMALL])
        original = (embedded.nodes(), embedded.relationships())
    export_store(neo4j_store, tmp_path / "from-neo4j")
    with EmbeddedStore(tmp_path / "b.db") as again:
        import_paths(again, [tmp_path / "from-neo4j"])
        assert (again.nodes(), again.relationships()) == original


def test_same_graph_and_matrices_as_embedded(neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    from ecosystem import RelKind

    with EmbeddedStore(tmp_path / "a.db") as embedded:
        import_paths(embedded, [SMALL])
        for as_of in (None, dt.date(2019, 6, 1)):
            G1, G2 = embedded.graph(as_of=as_of), neo4j_store.graph(as_of=as_of)
            assert dict(G1.nodes(data=True)) == dict(G2.nodes(data=True))
            assert sorted(G1.edges(keys=True, data=True)) == sorted(G2.edges(keys=True,
                                                                            data=True))
        for kind in (RelKind.HOLDS_PATENTS_IN, RelKind.HAS_CAPABILITY):
            m1, m2 = embedded.matrix(kind), neo4j_store.matrix(kind)
            assert (m1.rows, m1.columns) == (m2.rows, m2.columns)
            assert (m1.matrix != m2.matrix).nnz == 0
