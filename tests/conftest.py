"""Shared fixtures: stores of every kind, the small named ecosystem, the real demo store."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecosystem import EmbeddedStore, Store, import_paths
from ecosystem.demo import build_demo
from ecosystem.stores.neo4j import Neo4jStore
from tests.bolt_server import BoltServer, start_arcadedb

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SMALL = DATA / "small"

StoreFactory = Callable[[], Store]

#: Every store implementation the contract tests run against.
STORE_KINDS = ["embedded", "neo4j"]
#: Databases of the test Bolt server; a test can hold this many Neo4j stores at once.
BOLT_DATABASES = ("neo4j", "eco2", "eco3")


def _minutes(item: pytest.Item) -> float:
    mark = item.get_closest_marker("first")
    return float(mark.kwargs.get("minutes", 1)) if mark is not None else 0.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``first(minutes=...)`` run before the rest, longest first: the workers
    take one test at a time in this order (scripts/test.sh), so each starts on one of the
    longest and the short tests fill in around them, instead of one worker running the
    soak test alone at the end."""
    items.sort(key=lambda item: -_minutes(item))


@pytest.fixture(scope="session", autouse=True)
def _cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The disk cache of Neo4j stores goes under a temporary home, not ~/.cache."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """A real Bolt/Cypher server (ArcadeDB), started once for the session and stopped after."""
    server = start_arcadedb(tmp_path_factory.mktemp("arcadedb"), BOLT_DATABASES)
    yield server
    server.stop()


def _embedded_factory(tmp_path: Path) -> StoreFactory:
    counter = iter(range(1_000_000))

    def make() -> Store:
        return EmbeddedStore(tmp_path / f"store-{next(counter)}.db")

    return make


def _neo4j_factory(server: BoltServer) -> StoreFactory:
    databases = iter(server.databases)

    def make() -> Store:
        database = next(databases)  # StopIteration: a test wants more stores than databases
        server.clear(database)  # start empty
        return Neo4jStore(server.uri, user=server.user, password=server.password,
                          database=database)

    return make


@pytest.fixture(params=STORE_KINDS)
def make_store(request: pytest.FixtureRequest, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[StoreFactory]:
    """A factory of new, empty stores of one kind (parametrised over every kind)."""
    opened: list[Store] = []
    if request.param == "neo4j":
        server: BoltServer = request.getfixturevalue("bolt_server")
        # as a user would configure it, so that open_store(store.location) works
        monkeypatch.setenv("ECOSYSTEM_NEO4J_USER", server.user)
        monkeypatch.setenv("ECOSYSTEM_NEO4J_PASSWORD", server.password)
        base = _neo4j_factory(server)
    else:
        base = _embedded_factory(tmp_path)

    def make() -> Store:
        store = base()
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> Store:
    """A new, empty store."""
    return make_store()


@pytest.fixture
def small_store(make_store: StoreFactory) -> Store:
    """A store holding the small named ecosystem of tests/data/small."""
    store = make_store()
    import_paths(store, [SMALL])
    return store


@pytest.fixture
def small_copy(tmp_path: Path) -> Path:
    """A writable copy of the small ecosystem's CSV folder, to break on purpose."""
    target = tmp_path / "small"
    shutil.copytree(SMALL, target)
    return target


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The bundled real demo, built once per session (read-only for tests)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = EmbeddedStore(path)
    build_demo(store)
    yield store
    store.close()


def copy_checkout(target: Path) -> None:
    """Copy the files of the checkout that git knows or would add (no build output, no
    virtual environment) into ``target``."""
    import shutil
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).symlink_to(source.readlink())
        elif source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
