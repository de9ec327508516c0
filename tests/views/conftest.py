"""Fixtures for the view tests: an ecosystem whose names attack the page, and Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecosystem import EmbeddedStore, Store, import_paths
from ecosystem.editing import upsert_node, upsert_relationship
from ecosystem.model import NodeKind, RelKind
from tests.conftest import SMALL
from tests.views.pages import CHROMIUM, CHROMIUM_ARGS

#: Names that would run script if any view put them into the page unescaped.
HOSTILE = {
    "voltra": "<img src=x onerror=alert(1)>",
    "cortex": "</script><script>alert(1)</script>",
    "cellix": "\"><svg onload=alert(1)>{{7*7}} $x$ ' OR 1=1 //",
    "siliq": "Siliq\u2028</style><iframe src=javascript:alert(1)>",
}
HOSTILE_TIER = "<b onmouseover=alert(1)>Gold</b>"


def make_hostile(store: Store) -> Store:
    """Give the small ecosystem hostile company names and a hostile membership tier."""
    for id, name in HOSTILE.items():
        upsert_node(store, NodeKind.COMPANY, {"id": id, "name": name})
    upsert_relationship(store, RelKind.MEMBER_OF,
                        {"source": "voltra", "target": "battery-alliance", "since": "2019-03",
                         "tier": HOSTILE_TIER})
    return store


@pytest.fixture
def hostile_store(small_store: Store) -> Store:
    """The hostile small ecosystem, in every kind of store."""
    return make_hostile(small_store)


@pytest.fixture
def hostile_embedded(tmp_path: Path) -> Iterator[Store]:
    """The hostile small ecosystem in an embedded store (for the browser tests)."""
    store = EmbeddedStore(tmp_path / "hostile.db")
    import_paths(store, [SMALL])
    yield make_hostile(store)
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("Chromium is not installed: run `bash scripts/test.sh`, which installs "
                    "Debian's chromium package, or `apt-get install chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM if CHROMIUM.exists()
                                                         else shutil.which("chromium")),
                                     args=CHROMIUM_ARGS)
        yield instance
        instance.close()
