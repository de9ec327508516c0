"""Shared fixtures: stores of every kind, the small named ecosystem, the real demo store."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecosystem import EmbeddedStore, Store, import_paths
from ecosystem.demo import build_demo

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SMALL = DATA / "small"

StoreFactory = Callable[[], Store]

#: Every store implementation the contract tests run against. The Neo4j store joins here.
STORE_KINDS = ["embedded"]


def _embedded_factory(tmp_path: Path) -> StoreFactory:
    counter = iter(range(1_000_000))

    def make() -> Store:
        return EmbeddedStore(tmp_path / f"store-{next(counter)}.db")

    return make


@pytest.fixture(params=STORE_KINDS)
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """A factory of new, empty stores of one kind (parametrised over every kind)."""
    opened: list[Store] = []
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
