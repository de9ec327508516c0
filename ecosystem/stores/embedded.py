"""The embedded store: one SQLite file, durable and transactional, no server.

Layout: ``nodes(kind, id, props)`` and ``relationships(kind, source, target, since, key,
until, props)``, properties as JSON. The journal is a write-ahead log with
``synchronous=FULL``, so a committed write survives a crash or power loss, and a process
killed mid-write leaves the previous contents. Every write runs in one ``BEGIN IMMEDIATE``
transaction that also validates, so concurrent writers serialise and never see a half
state. Values always travel as query parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ecosystem.dates import AsOf, Window, checked, iso, parse_day
from ecosystem.errors import (
    Conflict,
    ImportRefused,
    NodeNotFound,
    RelationshipNotFound,
    StoreBusy,
    StoreUnavailable,
)
from ecosystem.io.batch import CLEARED, ROW, GraphBatch, RawTable
from ecosystem.io.validate import (
    SOURCE,
    FrozenIds,
    Problems,
    clean_relationships,
    validate_tables,
)
from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Node,
    NodeKind,
    Relationship,
    RelKind,
    node_key,
)
from ecosystem.progress import tqdm
from ecosystem.stores.base import (
    ALL_KINDS,
    RelationshipId,
    WriteSummary,
    check_unreferenced,
    close_ids,
    not_found_message,
    note_nodes,
    note_relationships,
    touched_kinds,
    with_batch,
)
from ecosystem.stores.locking import LockHolder, busy_timeout_seconds
from ecosystem.stores.locking import is_busy as _is_busy
from ecosystem.stores.memory import DiskCache, StoreState, note, read_state
from ecosystem.stores.projection import (
    DERIVED_EDGE_KINDS,
    BipartiteMatrix,
    ProjectionCache,
    build_graph,
    build_matrix,
    weight_field,
)
from ecosystem.stores.staging import (
    INSERT_RELATIONSHIPS,
    ON_STORED_RELATIONSHIP,
    ON_STORED_RELATIONSHIP_UNTIL,
    REOPEN,
    StagedRelationships,
    insert_rows,
    object_rows,
    props_json,
    texts,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["EmbeddedStore"]

log = logging.getLogger(__name__)
T = TypeVar("T")

SCHEMA_VERSION = 1
_CHUNK = 50_000
_CACHE_KIB = 262_144  # the writer's page cache: 256 MiB, grown only as needed
_STREAM_CACHE_KIB = 32_768  # while a streamed import writes: 32 MiB, whatever the file
_READER_CACHE_KIB = 32_768  # each reader connection: 32 MiB
_SORT_CACHE_KIB = 4_096  # while the index by target is built: sorted runs of 4 MiB
_SORT_THREADS = min(os.cpu_count() or 1, 4)  # helper threads of SQLite's sorter
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    props TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relationships (
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    since TEXT NOT NULL,
    key TEXT NOT NULL,
    until TEXT,
    props TEXT NOT NULL,
    PRIMARY KEY (kind, source, target, since, key)
) WITHOUT ROWID;
"""
_TARGET_INDEX = "CREATE INDEX IF NOT EXISTS relationships_by_target ON relationships (target, kind)"
_NODE_INSERT = "INSERT INTO nodes (kind, id, props)"
_ON_STORED_NODE = ("ON CONFLICT (kind, id) DO UPDATE SET "
                   "props = json_patch(nodes.props, excluded.props)")
_ACTIVE = "(since = '' OR since <= :day) AND (until IS NULL OR :day < until)"
_OVERLAPS = ("(since = '' OR :w_until IS NULL OR since < :w_until) "
             "AND (until IS NULL OR :w_since IS NULL OR until > :w_since)")
_REL_IDENTITY = ("source", "target", "since", "key", "until")
NODE_TABLES = {s.table: s for s in NODE_SCHEMAS.values()}


class EmbeddedStore:
    """The default store: an ecosystem in one SQLite file.

    Parameters
    ----------
    path
        The database file; created with its schema if it does not exist.

    Raises
    ------
    StoreUnavailable
        If the file is not an ecosystem store, is from a newer version, or its folder
        does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "eco.db") as store:
    ...     store.counts()
    {'nodes': {}, 'relationships': {}}
    """

    def __init__(self, path: Path, *, busy_timeout: float | None = None) -> None:
        self._path = Path(path)
        if not self._path.parent.exists():
            raise StoreUnavailable(
                f"Cannot create the store {str(self._path)!r}: folder "
                f"{str(self._path.parent)!r} does not exist. Create it first."
            )
        self._busy_timeout = busy_timeout_seconds() if busy_timeout is None else busy_timeout
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._holder = LockHolder(Path(f"{self._path}-writer.json"))
        try:
            self._writer = self._connect()
            self._initialise()
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise self._busy() from exc
            raise self._not_a_store(exc) from exc
        except sqlite3.DatabaseError as exc:
            raise self._not_a_store(exc) from exc
        self._cache = ProjectionCache(self.generation)
        self._disk = DiskCache.for_location(str(self._path), self.state)

    def _not_a_store(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(
            f"{str(self._path)!r} is not an ecosystem store ({exc}). Point --store at "
            "a new file name, or at a store made by `ecosystem import`.")

    def _busy(self) -> StoreBusy:
        return StoreBusy(str(self._path), self._holder.read(), self._busy_timeout)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False,
                             timeout=self._busy_timeout)
        with self._connections_lock:
            self._connections.append(db)
        db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
        # Switching to WAL needs a moment of exclusive access; a store already in WAL
        # (every store made here) is opened without any lock, even while another
        # process writes to it.
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        # Bulk upserts touch B-tree pages at random; a large page cache (grown only as
        # needed, up to 256 MiB) keeps them in memory until the commit.
        db.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        return db

    def _db(self) -> sqlite3.Connection:
        """The connection for this thread: the writer's inside a write, else the thread's
        own reader (WAL readers see the last commit and never wait for a writer)."""
        if getattr(self._local, "writing", False):
            return self._writer
        db: sqlite3.Connection | None = getattr(self._local, "reader", None)
        if db is None:
            db = self._connect()
            db.execute("PRAGMA query_only = 1")
            # readers rely on the system's file cache; a scan (counting every row) must not
            # fill a page cache of the writer's size in every thread
            db.execute(f"PRAGMA cache_size = -{_READER_CACHE_KIB}")
            self._local.reader = db
        return db

    def _initialise(self) -> None:
        tables = {r[0] for r in self._writer.execute("SELECT name FROM sqlite_master")}
        if tables and "meta" not in tables:
            raise StoreUnavailable(
                f"{str(self._path)!r} is a SQLite database of another application. "
                "Point --store at a new file name."
            )
        if "meta" not in tables or "relationships" not in tables:
            with self._transaction():  # a new store: create the schema
                for statement in [*_SCHEMA.split(";"), _TARGET_INDEX]:
                    if statement.strip():
                        self._writer.execute(statement)
                self._writer.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?), "
                    "('generation', '0')", (str(SCHEMA_VERSION),))
        if self._writer.execute("SELECT 1 FROM meta WHERE key = 'store_id'").fetchone() is None:
            with self._transaction():  # made once: tells a rebuilt file from the old one
                self._writer.execute("INSERT OR IGNORE INTO meta VALUES ('store_id', ?)",
                                     (uuid.uuid4().hex,))
        (version,) = self._writer.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if int(version) > SCHEMA_VERSION:
            raise StoreUnavailable(
                f"{str(self._path)!r} was written by a newer ecosystem (schema {version}); "
                "upgrade ecosystem to open it."
            )

    # -- life cycle ---------------------------------------------------------------------

    @property
    def location(self) -> str:
        return str(self._path)

    def close(self) -> None:
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self._path)!r})"

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: writers of this process queue on a lock, those of other
        processes on SQLite's; either wait at most the busy timeout, then StoreBusy."""
        if not self._write_lock.acquire(timeout=self._busy_timeout):
            raise self._busy()
        try:
            try:
                self._writer.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_busy(exc):
                    raise self._busy() from exc
                raise
            self._local.writing = True
            self._holder.claim()
            try:
                yield
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise
            finally:
                self._local.writing = False
                self._holder.release()
            self._writer.execute("COMMIT")
        finally:
            self._write_lock.release()

    def _bump_generation(self, kinds: set[str]) -> None:
        """Advance the generation of all data and of each kind in ``kinds``."""
        self._writer.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
        )
        self._writer.executemany(
            "INSERT INTO meta VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET "
            "value = CAST(value AS INTEGER) + 1", [(f"generation:{k}",) for k in sorted(kinds)])

    def generation(self) -> int:
        (value,) = self._db().execute(
            "SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(value)

    def state(self) -> StoreState:
        return read_state(self._db())

    # -- writes ---------------------------------------------------------------------------

    def write(self, tables: Sequence[RawTable], *, progress: bool = False,
              delete_nodes: Sequence[tuple[NodeKind, str]] = (),
              delete_relationships: Sequence[RelationshipId] = ()) -> WriteSummary:
        gone = {(NodeKind(k), i) for k, i in delete_nodes}
        if gone or delete_relationships:  # a merge: small, validated as one batch
            tables = [t.gathered() for t in tables]
        streamed = [t for t in tables if t.rest is not None]
        if streamed:  # hold the page cache (and SQLite's sorter) to a size of its own
            self._writer.execute(f"PRAGMA cache_size = -{_STREAM_CACHE_KIB}")
        try:
            return self._write(tables, streamed, gone, delete_relationships, progress)
        finally:
            if streamed:
                self._writer.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")

    def _write(self, tables: Sequence[RawTable], streamed: Sequence[RawTable],
               gone: set[tuple[NodeKind, str]], delete_relationships: Sequence[RelationshipId],
               progress: bool) -> WriteSummary:
        with self._transaction():
            problems = Problems()
            try:
                batch: GraphBatch | None = validate_tables(
                    tables, lambda kind: self.ids(kind) - {i for k, i in gone if k is kind},
                    stored=lambda kind: [n for n in self.nodes(kind)
                                         if (kind, n.id) not in gone],
                    allow_empty=bool(gone or delete_relationships), keep_rows=bool(streamed))
            except ImportRefused as refused:
                if not streamed:
                    raise
                problems.absorb(refused)  # the rest is still read, to report every problem
                batch = None
            if batch is not None and gone:
                check_unreferenced(sorted(gone), with_batch(self.nodes, batch, gone))
            for rid in delete_relationships:
                self._delete_relationship(rid)
            for kind, id in sorted(gone):
                self.node(kind, id)  # NodeNotFound
                self._writer.execute(f"DELETE FROM relationships WHERE "
                                     f"{self._touching_clause(kind)}", {"id": id})
                self._writer.execute("DELETE FROM nodes WHERE kind = ? AND id = ?",
                                     (kind.value, id))
            before = self._count_rows()
            summary = WriteSummary()
            rows = sum(len(f) for f in batch.relationships.values()) if batch else 0
            # Rebuilding the target index after a large write is much faster than updating
            # it row by row; DDL is transactional in SQLite, so a crash restores the old one.
            rebuild = bool(streamed) or rows > max(_CHUNK, sum(before["relationships"].values())
                                                   // 2)
            if rebuild:
                self._writer.execute("DROP INDEX IF EXISTS relationships_by_target")
            if streamed:
                self._write_streamed(batch, tables, streamed, before, problems, summary, progress)
            elif batch is not None:
                total = sum(len(f) for f in (*batch.nodes.values(),
                                             *batch.relationships.values()))
                with tqdm(total=total, unit="row", desc="writing", disable=not progress,
                          leave=False, unit_scale=True) as bar:
                    self._write_batch(batch, summary, bar)
            problems.raise_if_any()
            if rebuild:
                self._rebuild_target_index()
            # (a fresh streamed write knows what it created: counting would read every row)
            after = self._count_rows(relationships=bool(
                summary.relationships_written.keys() - summary.relationships_created.keys()))
            for section, written, created in (
                    ("nodes", summary.nodes_written, summary.nodes_created),
                    ("relationships", summary.relationships_written,
                     summary.relationships_created)):
                for name in written.keys() - created.keys():
                    created[name] = after[section].get(name, 0) - before[section].get(name, 0)
            self._bump_generation(touched_kinds(batch, sorted(gone), delete_relationships)
                                  | set(summary.relationships_written))
        log.info("wrote %s to %s", summary.as_dict(), self._path)
        return summary

    def _rebuild_target_index(self) -> None:
        """Build the index by target in one sort. SQLite's sorter runs faster with helper
        threads and runs of a few MiB that stay in the processor's cache than with the
        whole page cache as one run (1M relationships: 0.7 s against 1.6 s), so both are
        set for the build and the cache size is put back after."""
        (cache,) = self._writer.execute("PRAGMA cache_size").fetchone()
        self._writer.execute(f"PRAGMA threads = {_SORT_THREADS}")
        self._writer.execute(f"PRAGMA cache_size = -{_SORT_CACHE_KIB}")
        try:
            self._writer.execute(_TARGET_INDEX)
        finally:
            self._writer.execute(f"PRAGMA cache_size = {int(cache)}")
            self._writer.execute("PRAGMA threads = 0")

    def _write_streamed(self, batch: GraphBatch | None, tables: Sequence[RawTable],
                        streamed: Sequence[RawTable],
                        before: dict[str, dict[str, int]], problems: Problems,
                        summary: WriteSummary, progress: bool) -> None:
        """Write a batch whose large tables come in chunks (:attr:`RawTable.rest`): nodes
        at once, relationships staged chunk by chunk, then written in key order
        (:mod:`ecosystem.stores.staging`). The page cache is held to a fixed size meanwhile,
        so that memory does not grow with the file."""
        staged = StagedRelationships(self._writer)
        try:
            with tqdm(unit="row", desc="reading", disable=not progress, leave=False,
                      unit_scale=True) as bar:
                if batch is not None:
                    staged.add(batch)
                    self._write_batch(GraphBatch(nodes={
                        k: f.drop(columns=[ROW, SOURCE]) for k, f in batch.nodes.items()}),
                        summary, bar)
                    bar.update(sum(len(f) for f in batch.relationships.values()))
                self._stage_rest(streamed, staged, problems, bar,
                                 also_known=[] if batch is not None else tables)
            if not problems.total:
                with tqdm(total=sum(staged.written.values()), desc="writing in key order",
                          unit="row", unit_scale=True, disable=not progress,
                          leave=False) as bar:
                    fresh = not set(staged.written) & set(before["relationships"])
                    staged.write(fresh=fresh, problems=problems, done=bar.update)
                    summary.relationships_written.update(staged.written)
                    if fresh:  # plain inserts, each of a key met once: every row is new
                        summary.relationships_created.update(staged.written)
        finally:
            staged.drop()

    def _stage_rest(self, streamed: Sequence[RawTable], staged: StagedRelationships,
                    problems: Problems, bar: tqdm[Any], also_known: Sequence[RawTable]
                    ) -> None:
        """Validate the further chunks of streamed tables and stage their rows, one chunk
        at a time. After a problem, chunks are still validated (to report every problem,
        up to the cap) but no longer staged; the caller then rolls back. References may
        name the stored nodes (the import's own are written by now) and the ids of the
        node tables in ``also_known`` (those of a first part that was refused)."""
        known = {kind: self.ids(kind) for kind in NodeKind}  # nodes are never streamed
        for table in also_known:
            schema = NODE_TABLES.get(table.name.strip().lower())
            if schema is not None and "id" in table.frame.columns:
                known[schema.kind] |= set(table.frame["id"].astype(str).str.strip())
        frozen = {kind: FrozenIds(ids) for kind, ids in known.items()}
        for table in streamed:
            for chunk in table.rest or ():
                part = RawTable(table.name, table.source, chunk, table.columns)
                clean = clean_relationships(part, frozen.__getitem__)
                if clean is not None:  # the common case, checked in Arrow
                    if not problems.total:
                        staged.add_clean(clean)
                    bar.update(len(chunk))
                    continue
                try:
                    batch = validate_tables([part], frozen.__getitem__, keep_rows=True,
                                            allow_empty=True)
                except ImportRefused as refused:
                    problems.absorb(refused)
                    continue
                if not problems.total:
                    staged.add(batch)
                bar.update(len(chunk))
            table.rest = None

    def _write_batch(self, batch: GraphBatch, summary: WriteSummary, bar: tqdm[Any]) -> None:
        for kind, frame in batch.nodes.items():
            props = props_json(frame.drop(columns=["id"]), GraphBatch.cleared(frame))
            rows = object_rows(kind.value, texts(frame, "id"), props)
            self._insert_chunks(_NODE_INSERT, _ON_STORED_NODE, rows, bar)
            summary.nodes_written[kind.value] = (summary.nodes_written.get(kind.value, 0)
                                                 + len(frame))
        for rkind, frame in batch.relationships.items():
            # Rows in primary-key order append to the B-tree instead of splitting it.
            frame = frame.sort_values(["source", "target", "since", "key"])
            has_until = "until" in frame.columns
            until = (frame["until"].astype(object).where(frame["until"].notna(), None)
                     .tolist() if has_until else None)
            cleared = GraphBatch.cleared(frame)
            props = props_json(frame.drop(columns=[c for c in _REL_IDENTITY
                                                    if c in frame.columns]), cleared)
            identity = [texts(frame, c) for c in ("source", "target", "since", "key")]
            rows = object_rows(rkind.value, *identity, until, props)
            conflict = ON_STORED_RELATIONSHIP_UNTIL if has_until else ON_STORED_RELATIONSHIP
            self._insert_chunks(INSERT_RELATIONSHIPS, conflict, rows, bar)
            if CLEARED in frame.columns:
                reopened = [(rkind.value, *key) for *key, fields in zip(
                    *identity, cleared, strict=True) if "until" in fields]
                self._writer.executemany(REOPEN, reopened)
            summary.relationships_written[rkind.value] = (
                summary.relationships_written.get(rkind.value, 0) + len(frame))

    def _insert_chunks(self, insert: str, conflict: str, rows: np.ndarray,
                       bar: tqdm[Any]) -> None:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            insert_rows(self._writer, insert, conflict, chunk)
            bar.update(len(chunk))

    def delete_node(self, kind: NodeKind, id: str, *, cascade: bool = False) -> int:
        return self.delete_nodes([(kind, id)], cascade=cascade)

    def delete_nodes(self, nodes: Sequence[tuple[NodeKind, str]], *,
                     cascade: bool = False) -> int:
        linked_total = 0
        with self._transaction():
            check_unreferenced(nodes, self.nodes)
            for kind, id in nodes:
                kind = NodeKind(kind)
                self.node(kind, id)
                touching = self._touching_clause(kind)
                (linked,) = self._writer.execute(
                    f"SELECT count(*) FROM relationships WHERE {touching}", {"id": id}
                ).fetchone()
                if linked and not cascade:
                    raise Conflict(
                        f"{kind.value} {id!r} has {linked} relationship(s). Delete them "
                        "first, or delete with cascade (CLI: --cascade)."
                    )
                self._writer.execute(f"DELETE FROM relationships WHERE {touching}", {"id": id})
                self._writer.execute("DELETE FROM nodes WHERE kind = ? AND id = ?",
                                 (kind.value, id))
                linked_total += int(linked)
            self._bump_generation(touched_kinds(None, nodes))
        return linked_total

    @staticmethod
    def _ends(kind: NodeKind, only: RelKind | None) -> list[tuple[RelKind, str]]:
        """The (relationship kind, end) pairs at which a node of ``kind`` can stand."""
        return [(rel.kind, end) for rel in RELATIONSHIP_SCHEMAS.values()
                if only is None or rel.kind is RelKind(only)
                for end, at in (("source", rel.source), ("target", rel.target)) if at is kind]

    @staticmethod
    def _touching_clause(kind: NodeKind) -> str:
        """SQL matching relationships with node ``:id`` of ``kind`` at either end.

        Only enum values are placed in the text; the id is a parameter.
        """
        ends = [f"(kind = '{rel.value}' AND {end} = :id)"
                for rel, end in EmbeddedStore._ends(kind, None)]
        return "(" + " OR ".join(ends or ["0"]) + ")"

    def delete_relationship(
        self, kind: RelKind, source: str, target: str, *, since: str | None = None, key: str = ""
    ) -> None:
        day = parse_day(since, field="since").isoformat() if since else ""
        rid = RelationshipId(RelKind(kind), source, target, day, key)
        with self._transaction():
            self._delete_relationship(rid)
            self._bump_generation(touched_kinds(None, (), [rid]))

    def _delete_relationship(self, rid: RelationshipId) -> None:
        cursor = self._writer.execute(
            "DELETE FROM relationships WHERE kind = ? AND source = ? AND target = ? "
            "AND since = ? AND key = ?",
            (RelKind(rid.kind).value, rid.source, rid.target, rid.since, rid.key),
        )
        if cursor.rowcount == 0:
            raise RelationshipNotFound(not_found_message(rid))

    # -- reads ----------------------------------------------------------------------------

    def ids(self, kind: NodeKind) -> set[str]:
        note_nodes(kind)
        rows = self._db().execute("SELECT id FROM nodes WHERE kind = ?", (NodeKind(kind).value,))
        return {r[0] for r in rows}

    def node(self, kind: NodeKind, id: str) -> Node:
        kind = NodeKind(kind)
        note_nodes(kind)
        row = self._db().execute(
                "SELECT props FROM nodes WHERE kind = ? AND id = ?", (kind.value, id)
            ).fetchone()
        if row is None:
            raise NodeNotFound(kind.value, id, self._suggest(kind, id))
        return Node(kind, id, _props(row[0]))

    def _suggest(self, kind: NodeKind, id: str) -> list[str]:
        return close_ids(self.ids(kind), id)

    def nodes(
        self,
        kind: NodeKind | None = None,
        *,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Node]:
        note_nodes(kind)
        clauses: list[str] = ["1"]
        params: dict[str, object] = {}
        if kind is not None:
            clauses.append("kind = :kind")
            params["kind"] = NodeKind(kind).value
        if search:
            clauses.append(
                "(instr(lower(id), :q) OR instr(lower(coalesce(json_extract(props, '$.name'), "
                "json_extract(props, '$.title'), '')), :q))"
            )
            params["q"] = search.lower()
        sql = f"SELECT kind, id, props FROM nodes WHERE {' AND '.join(clauses)} " \
              "ORDER BY kind, id LIMIT :limit OFFSET :offset"
        params |= {"limit": -1 if limit is None else limit, "offset": offset}
        rows = self._db().execute(sql, params).fetchall()
        return [Node(NodeKind(k), i, _props(p)) for k, i, p in rows]

    def relationships(
        self,
        kind: RelKind | None = None,
        *,
        as_of: AsOf = None,
        node: tuple[NodeKind, str] | None = None,
    ) -> list[Relationship]:
        note_relationships(kind)
        clauses: list[str] = ["1"]
        params: dict[str, object] = {}
        if kind is not None:
            clauses.append("kind = :kind")
            params["kind"] = RelKind(kind).value
        if checked(as_of) is not None:
            clauses.append(_ACTIVE)
            params["day"] = iso(as_of)
        columns = "SELECT kind, source, target, since, key, until, props FROM relationships"
        if node is None:
            sql = f"{columns} WHERE {' AND '.join(clauses)}"
        else:  # one indexed search per end the node can be at (an OR would scan the kind)
            params["id"] = node[1]
            sql = " UNION ".join(
                f"{columns} WHERE {' AND '.join(clauses)} AND kind = '{rel.value}' "
                f"AND {end} = :id"
                for rel, end in self._ends(NodeKind(node[0]), kind)) or f"{columns} WHERE 0"
        rows = self._db().execute(
            f"{sql} ORDER BY kind, source, target, since, key", params).fetchall()
        return [
            Relationship(RelKind(k), s, t, since or None, until, key, _props(p))
            for k, s, t, since, key, until, p in rows
        ]

    def _count_rows(self, as_of: AsOf = None, *, relationships: bool = True
                    ) -> dict[str, dict[str, int]]:
        note(ALL_KINDS)
        db = self._db()
        nodes = dict(db.execute("SELECT kind, count(*) FROM nodes GROUP BY kind"))
        if not relationships:
            return {"nodes": nodes, "relationships": {}}
        if checked(as_of) is None:
            rels = db.execute("SELECT kind, count(*) FROM relationships GROUP BY kind")
        else:
            rels = db.execute(
                f"SELECT kind, count(*) FROM relationships WHERE {_ACTIVE} GROUP BY kind",
                {"day": iso(as_of)},
            )
        return {"nodes": nodes, "relationships": dict(rels)}

    def counts(self, *, as_of: AsOf = None) -> dict[str, dict[str, int]]:
        return self._count_rows(as_of)

    def neighbours(
        self, node: tuple[NodeKind, str], *, hops: int = 1, as_of: AsOf = None
    ) -> set[str]:
        import networkx as nx

        start = node_key(NodeKind(node[0]), node[1])
        G = self.graph(as_of=as_of)
        if start not in G:
            return set()
        stored = nx.subgraph_view(  # stored relationships only, not derived hierarchy edges
            G, filter_edge=lambda u, v, k: G.edges[u, v, k]["kind"] not in DERIVED_EDGE_KINDS)
        reach = nx.single_source_shortest_path_length(stored.to_undirected(as_view=True),
                                                      start, cutoff=hops)
        return {key for key, depth in reach.items() if depth > 0}

    def cached(self, key: Hashable, build: Callable[[], T], *, persist: bool = False) -> T:
        return self._cache.derived(key, build, self._disk if persist else None)

    def graph(self, *, as_of: AsOf = None) -> nx.MultiDiGraph:
        day = checked(as_of)
        return self._cache.get(
            ("graph", day),
            lambda: build_graph(self.nodes(), self.relationships(as_of=day)),
        )

    def matrix(self, kind: RelKind, *, as_of: AsOf = None,
               window: Window = None) -> BipartiteMatrix:
        kind = RelKind(kind)
        day = checked(as_of)
        schema = RELATIONSHIP_SCHEMAS[kind]
        return self._cache.get(
            ("matrix", kind, day, window),
            lambda: build_matrix(kind, self.ids(schema.source), self.ids(schema.target),
                                 self._weighted_edges(kind, day, window)),
        )

    def _weighted_edges(self, kind: RelKind, day: dt.date | None,
                        window: Window) -> list[tuple[str, str, float]]:
        """(source, target, weight) straight from SQL: no per-row Python objects."""
        note_relationships(kind)
        path = f"$.{weight_field(kind)}"
        sql = ("SELECT source, target, coalesce(json_extract(props, :path), "
               "json_extract(props, '$.weight'), 1.0) FROM relationships WHERE kind = :kind")
        params: dict[str, object] = {"kind": kind.value, "path": path}
        if day is not None:
            sql += f" AND {_ACTIVE}"
            params["day"] = iso(day)
        if window is not None:
            sql += f" AND {_OVERLAPS}"
            params["w_since"], params["w_until"] = iso(window[0]), iso(window[1])
        return self._db().execute(sql, params).fetchall()


def _props(text: str) -> dict[str, Any]:
    """Stored properties; a null (a cleared cell in a fresh row) means absent."""
    if text == "{}":
        return {}
    return {k: v for k, v in json.loads(text).items() if v is not None}
