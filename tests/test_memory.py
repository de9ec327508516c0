"""What the stores remember between questions (ecosystem.stores.memory): answers kept on
disk are reused, a write invalidates exactly the answers that read a kind it touched, and
a cache entry that is stale, unreadable or foreign is ignored and rebuilt, never trusted."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner

from ecosystem import EmbeddedStore, NodeKind, RelKind, Store, import_paths, open_store
from ecosystem.cli import cli
from ecosystem.editing import upsert_node, upsert_relationship
from ecosystem.entities.merging import Merge, merge_companies
from ecosystem.stores.memory import DiskCache
from tests.conftest import SMALL, StoreFactory

DAY = dt.date(2024, 1, 1)


class Counted:
    """A build that counts how often it ran and reads what it is told to: relationships
    of one kind, or nodes of one kind."""

    def __init__(self, store: Store, read: RelKind | NodeKind) -> None:
        self.store, self.read, self.runs = store, read, 0

    def __call__(self) -> int:
        self.runs += 1
        if isinstance(self.read, NodeKind):
            return len(self.store.nodes(self.read))
        return len(self.store.relationships(self.read))


def _again(make_store: StoreFactory, store: Store) -> Store:
    """The same store opened afresh, as another process would: nothing in memory."""
    return open_store(store.location)


def test_an_answer_is_reused_by_another_opening_and_survives_unrelated_writes(
        make_store: StoreFactory) -> None:
    store = make_store()
    import_paths(store, [SMALL])
    first = Counted(store, RelKind.MEMBER_OF)
    value = store.cached("members", first, persist=True)
    assert first.runs == 1
    other = _again(make_store, store)
    try:
        second = Counted(other, RelKind.MEMBER_OF)
        assert other.cached("members", second, persist=True) == value
        assert second.runs == 0  # from disk
        # a lifecycle record, a node of another kind: member_of answers still stand
        upsert_node(other, NodeKind.CAPABILITY, {"id": "new-cap", "name": "New"})
        third = Counted(_again(make_store, store), RelKind.MEMBER_OF)
        assert _again(make_store, store).cached("members", third, persist=True) == value
        assert third.runs == 0
        # a membership: the answer is built again
        upsert_relationship(other, RelKind.MEMBER_OF, {
            "source": "siliq", "target": "open-cockpit", "since": "2024-02-01"})
        fresh = _again(make_store, store)
        fourth = Counted(fresh, RelKind.MEMBER_OF)
        assert fresh.cached("members", fourth, persist=True) == value + 1
        assert fourth.runs == 1
    finally:
        other.close()


@pytest.mark.parametrize("write", ["import", "delete", "merge", "lifecycle"])
def test_every_kind_of_write_invalidates_what_it_touches(make_store: StoreFactory,
                                                        write: str, tmp_path: Path) -> None:
    store = make_store()
    import_paths(store, [SMALL])
    reads = {"import": RelKind.PARTNERS_WITH, "delete": RelKind.SUPPLIES,
             "merge": RelKind.MEMBER_OF, "lifecycle": RelKind.PARTNERS_WITH}[write]
    first = Counted(store, reads)
    store.cached(("answer", write), first, persist=True)
    # technology classes: none of these writes touches them
    unrelated = Counted(store, NodeKind.TECHNOLOGY_CLASS)
    store.cached(("unrelated", write), unrelated, persist=True)
    if write == "import":
        (tmp_path / "partners_with.csv").write_text(
            "source,target,since\nsiliq,cortex,2024-03-01\n", encoding="utf-8")
        import_paths(store, [tmp_path / "partners_with.csv"])
    elif write == "delete":
        store.delete_node(NodeKind.COMPANY, "shiplane", cascade=True)
    elif write == "merge":
        merge_companies(store, [Merge("cellix", "siliq")], date=DAY)
    else:
        from ecosystem import lifecycle as lc

        lc.create_partnership(store, "voltra-siliq", "voltra", "siliq", stage="active",
                              date=DAY)
    fresh = _again(make_store, store)
    again, still = Counted(fresh, reads), Counted(fresh, NodeKind.TECHNOLOGY_CLASS)
    fresh.cached(("answer", write), again, persist=True)
    fresh.cached(("unrelated", write), still, persist=True)
    assert again.runs == 1, f"a {write} must invalidate what read {reads.value}"
    assert still.runs == 0, f"a {write} must leave answers about patent classes alone"


def test_a_rebuilt_store_does_not_reuse_the_old_answers(tmp_path: Path) -> None:
    path = tmp_path / "eco.db"
    with EmbeddedStore(path) as store:
        import_paths(store, [SMALL])
        store.cached("members", Counted(store, RelKind.MEMBER_OF), persist=True)
    path.unlink()
    with EmbeddedStore(path) as store:  # a new file at the same place: same generations
        import_paths(store, [SMALL])
        counted = Counted(store, RelKind.MEMBER_OF)
        store.cached("members", counted, persist=True)
        assert counted.runs == 1


def test_unreadable_and_foreign_entries_are_ignored_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with EmbeddedStore(tmp_path / "eco.db") as store:
        import_paths(store, [SMALL])
        store.cached("members", Counted(store, RelKind.MEMBER_OF), persist=True)
    (entry,) = (tmp_path / "eco.db.cache").glob("*.pickle")
    for damage in (b"not a pickle at all", b"\x80\x05K\x07."):  # garbage; a foreign int
        entry.write_bytes(damage)
        with EmbeddedStore(tmp_path / "eco.db") as store, \
                caplog.at_level(logging.WARNING, logger="ecosystem.stores.memory"):
            caplog.clear()
            counted = Counted(store, RelKind.MEMBER_OF)
            assert store.cached("members", counted, persist=True) > 0
            assert counted.runs == 1
            assert "rebuilt" in caplog.text
    with EmbeddedStore(tmp_path / "eco.db") as store:  # and the rebuilt entry is good
        counted = Counted(store, RelKind.MEMBER_OF)
        store.cached("members", counted, persist=True)
        assert counted.runs == 0


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOSYSTEM_CACHE", "off")
    assert DiskCache.for_location(str(tmp_path / "eco.db"), lambda: None) is None  # type: ignore[arg-type, return-value]
    with EmbeddedStore(tmp_path / "eco.db") as store:
        import_paths(store, [SMALL])
        store.cached("members", Counted(store, RelKind.MEMBER_OF), persist=True)
    assert not (tmp_path / "eco.db.cache").exists()


def _run(db: Path, *args: str) -> click.testing.Result:
    result = CliRunner().invoke(cli, ["--store", str(db), *args])
    assert result.exit_code == 0, result.output
    return result


def test_a_command_is_answered_from_disk_until_a_write_touches_what_it_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ecosystem.metrics.report

    db = tmp_path / "eco.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
    first = _run(db, "influence", "--json").output
    out = tmp_path / "map.html"
    _run(db, "view", "map", "--out", str(out))
    page = out.read_text(encoding="utf-8")
    out.unlink()

    def broken(*args: object, **kwargs: object) -> object:
        raise AssertionError("computed again")

    monkeypatch.setattr(ecosystem.metrics.report, "influence_table", broken)
    assert _run(db, "influence", "--json").output == first  # from disk: nothing computed
    _run(db, "view", "map", "--out", str(out))
    assert out.read_text(encoding="utf-8") == page  # the file is written again
    with EmbeddedStore(db) as store:  # a capability: influence does not read capabilities
        upsert_node(store, NodeKind.CAPABILITY, {"id": "new-cap", "name": "New"})
    assert _run(db, "influence", "--json").output == first
    with EmbeddedStore(db) as store:  # a partnership tie: influence reads it
        upsert_relationship(store, RelKind.PARTNERS_WITH, {
            "source": "siliq", "target": "cortex", "since": "2024-03-01"})
    again = CliRunner().invoke(cli, ["--store", str(db), "influence", "--json"])
    assert isinstance(again.exception, AssertionError), "must be computed again"


def test_no_stale_answer_while_another_process_writes(tmp_path: Path) -> None:
    """A writer process adds companies one import at a time; after each commit the reader
    asks `ecosystem info` (answered from the disk cache when nothing changed) and must see
    every company committed so far."""
    db = tmp_path / "eco.db"
    with EmbeddedStore(db) as store:
        import_paths(store, [SMALL])
        start = store.counts()["nodes"]["company"]
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pathlib, tempfile\n"
         "from ecosystem import EmbeddedStore, import_paths\n"
         "folder = pathlib.Path(tempfile.mkdtemp())\n"
         f"with EmbeddedStore({str(db)!r}) as store:\n"
         "    for i in range(8):\n"
         "        path = folder / 'companies.csv'\n"
         "        path.write_text(f'id,name\\nnew{i},New {i}\\n', encoding='utf-8')\n"
         "        import_paths(store, [path])\n"
         "        print(i + 1, flush=True)\n"
         "        sys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert writer.stdin is not None and writer.stdout is not None
    try:
        for _ in range(8):
            committed = int(writer.stdout.readline())
            for _ in range(2):  # the second answer comes from disk: still up to date
                counts = json.loads(_run(db, "info", "--json").output)
                assert counts["nodes"]["company"] == start + committed
            writer.stdin.write("\n")
            writer.stdin.flush()
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert writer.returncode == 0
