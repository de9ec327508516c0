"""The Neo4j store: the same ecosystem on a Neo4j 5 (or Bolt-compatible) server.

Graph layout: every node is ``(:Entity:<Label> {uid, kind, id, ...properties})`` with
``uid = "<kind>:<id>"`` unique (``Company``, ``Industry``, ``Capability``,
``TechnologyClass``, ``Patent``, ``Programme``); every relationship has the type of its kind
in capitals (``MEMBER_OF`` ...) and carries ``since`` (``''`` when undated), ``key``,
``until`` and its properties. A ``(:EcosystemMeta {id: 'meta'})`` node holds the data
generation. Queries are the files of ``cypher/``, always with ``$parameters``.

Writes validate and upsert in one managed transaction (``UNWIND $rows`` batches), which the
driver retries on transient errors; a refused or failed write leaves the database as it was.
The password is never logged, echoed or put in an error message.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

import networkx as nx

from ecosystem.dates import AsOf, Window, checked, iso, overlaps, parse_day
from ecosystem.errors import (
    Conflict,
    NodeNotFound,
    RelationshipNotFound,
    StoreUnavailable,
)
from ecosystem.io.batch import GraphBatch, RawTable
from ecosystem.io.validate import validate_tables
from ecosystem.model import (
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
from ecosystem.stores.cypher import (
    constraint_file,
    create_node_file,
    load_query,
    relationship_type,
    upsert_relationship_file,
)
from ecosystem.stores.memory import DiskCache, StoreState, note
from ecosystem.stores.projection import (
    BipartiteMatrix,
    ProjectionCache,
    build_graph,
    build_matrix,
    weighted_edges,
)
from ecosystem.stores.staging import props_json

try:  # the driver is an optional dependency: pip install 'ecosystem[neo4j]'
    import neo4j
    from neo4j import exceptions as neo4j_errors
except ImportError:  # pragma: no cover - exercised only without the extra
    neo4j = None  # type: ignore[assignment]

__all__ = ["Neo4jStore", "parse_neo4j_uri"]

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 5_000
# "No limit" for LIMIT $limit. ArcadeDB fails on 2**31 - 1 and returns nothing above it
# (Neo4j takes any 64-bit value); a billion rows is beyond any page anyone asks for.
NO_LIMIT = 1_000_000_000
_RESERVED = ("uid", "kind", "id")
_TYPE_TO_KIND = {relationship_type(k): k for k in RelKind}


def parse_neo4j_uri(uri: str) -> tuple[str, str | None, str | None, str | None]:
    """Split ``bolt://user:password@host:port/database`` into (uri, user, password, database).

    The returned URI has no credentials and no path, so it is safe to show.

    Examples
    --------
    >>> parse_neo4j_uri("neo4j://me:s3cret@db.example:7687/sales")
    ('neo4j://db.example:7687', 'me', 's3cret', 'sales')
    """
    parts = urlsplit(uri)
    host = parts.hostname or "localhost"
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    clean = urlunsplit((parts.scheme, netloc, "", "", ""))
    database = parts.path.strip("/") or None
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return clean, user, password, database


class Neo4jStore:
    """An ecosystem in a Neo4j 5 database (or another Bolt/Cypher server).

    Parameters
    ----------
    uri
        ``bolt://``, ``neo4j://`` (or their ``+s``/``+ssc`` forms), optionally with
        ``user:password@`` and a ``/database`` path.
    user, password, database
        Override what the URI says; default ``neo4j`` user and database.

    Raises
    ------
    StoreUnavailable
        If the server cannot be reached or refuses the credentials.
    """

    def __init__(self, uri: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None) -> None:
        if neo4j is None:  # pragma: no cover
            raise StoreUnavailable(
                "The Neo4j store needs the neo4j driver: pip install 'ecosystem[neo4j]'."
            )
        clean, uri_user, uri_password, uri_database = parse_neo4j_uri(uri)
        self._uri = clean
        self._database = database or uri_database or "neo4j"
        auth = (user or uri_user or "neo4j", password or uri_password or "")
        try:
            self._driver = neo4j.GraphDatabase.driver(clean, auth=auth)
            self._driver.verify_connectivity()
            self._setup()
        except neo4j_errors.AuthError as exc:
            self._close_quietly()
            raise StoreUnavailable(
                f"The server at {clean} refused the credentials of user {auth[0]!r}. Check "
                "ECOSYSTEM_NEO4J_USER and ECOSYSTEM_NEO4J_PASSWORD (or the URI)."
            ) from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            self._close_quietly()
            raise StoreUnavailable(
                f"Cannot reach a Neo4j server at {clean} ({type(exc).__name__}). Is it "
                "running and listening for Bolt there?"
            ) from exc
        except neo4j_errors.Neo4jError as exc:
            self._close_quietly()
            raise StoreUnavailable(
                f"The server at {clean} refused to open database {self._database!r}: "
                f"{exc.message or exc}"
            ) from exc
        self._cache = ProjectionCache(self.generation)
        self._disk = DiskCache.for_location(self.location, self.state)

    def _close_quietly(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()

    def _setup(self) -> None:
        for name in ("setup_uid_constraint.cypher", *map(constraint_file, NodeKind),
                     "setup_kind_index.cypher"):
            self._run_write(name)
        self._run_write("setup_meta.cypher", store_id=uuid.uuid4().hex)

    # -- plumbing ---------------------------------------------------------------------------

    def _run(self, name: str, **parameters: Any) -> list[dict[str, Any]]:
        """Run one read-only query file in a managed transaction (retried when transient)."""
        with self._driver.session(database=self._database) as session:
            rows: list[dict[str, Any]] = session.execute_read(
                lambda tx: self._tx_run(tx, name, **parameters))
        return rows

    def _run_write(self, name: str, **parameters: Any) -> list[dict[str, Any]]:
        """Run one writing query file in a managed transaction (retried when transient)."""
        with self._driver.session(database=self._database) as session:
            rows: list[dict[str, Any]] = session.execute_write(
                lambda tx: self._tx_run(tx, name, **parameters))
        return rows

    @staticmethod
    def _tx_run(tx: Any, name: str, **parameters: Any) -> list[dict[str, Any]]:
        query = load_query(name)
        query.check(parameters)
        result: list[dict[str, Any]] = tx.run(query.text, parameters).data()
        return result

    # -- life cycle ---------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return f"{self._uri}/{self._database}"

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.location!r})"

    def generation(self) -> int:
        rows = self._run("read_generation.cypher")
        return int(rows[0]["generation"]) if rows else 0

    def state(self) -> StoreState:
        rows = self._run("read_meta.cypher")
        meta: dict[str, Any] = dict(rows[0]["meta"]) if rows else {}
        return StoreState(str(meta.get("store_id", "")), int(meta.get("generation", 0)),
                          {k[2:]: int(v) for k, v in meta.items() if k.startswith("g_")})

    def _tx_bump_generation(self, tx: Any, kinds: set[str]) -> None:
        """Advance the generation of all data and of each kind in ``kinds``."""
        rows = self._tx_run(tx, "read_meta.cypher")
        meta: dict[str, Any] = dict(rows[0]["meta"]) if rows else {}
        self._tx_run(tx, "bump_generation.cypher", kinds={
            f"g_{k}": int(meta.get(f"g_{k}", 0)) + 1 for k in sorted(kinds)})

    # -- writes --------------------------------------------------------------------------------

    def write(self, tables: Sequence[RawTable], *, progress: bool = False,
              delete_nodes: Sequence[tuple[NodeKind, str]] = (),
              delete_relationships: Sequence[RelationshipId] = ()) -> WriteSummary:
        gone = {(NodeKind(k), i) for k, i in delete_nodes}
        # A streamed table is gathered here: the driver may run `work` again on a
        # transient error, and Neo4j holds a transaction in server memory anyway.
        tables = [t.gathered() for t in tables]

        def work(tx: Any) -> WriteSummary:
            known: dict[NodeKind, set[str]] = {}

            def ids(kind: NodeKind) -> set[str]:
                if kind not in known:
                    known[kind] = {r["id"] for r in self._tx_run(tx, "read_ids.cypher",
                                                                 kind=kind.value)}
                return known[kind] - {i for k, i in gone if k is kind}

            def stored(kind: NodeKind) -> list[Node]:
                return [n for n in self._tx_nodes(tx, kind) if (kind, n.id) not in gone]

            batch = validate_tables(tables, ids, stored=stored,
                                    allow_empty=bool(gone or delete_relationships))
            if gone:
                check_unreferenced(sorted(gone), with_batch(
                    lambda kind: self._tx_nodes(tx, kind), batch, gone))
            for rid in delete_relationships:
                self._tx_delete_relationship(tx, rid)
            for kind, id in sorted(gone):
                if not self._tx_run(tx, "read_node.cypher", uid=node_key(kind, id)):
                    raise NodeNotFound(kind.value, id, self._suggest(kind, id))
                self._tx_run(tx, "delete_node.cypher", uid=node_key(kind, id))
            known.clear()  # the batch's new nodes are told apart from stored ones below
            before = self._tx_counts(tx, None)
            summary = WriteSummary()
            self._write_batch(tx, batch, summary, progress, ids)
            after = self._tx_counts(tx, None)
            counts = batch.counts()
            for section, created in (("nodes", summary.nodes_created),
                                     ("relationships", summary.relationships_created)):
                for name in counts[section]:
                    created[name] = after[section].get(name, 0) - before[section].get(name, 0)
            self._tx_bump_generation(tx, touched_kinds(batch, sorted(gone),
                                                       delete_relationships))
            return summary

        with self._driver.session(database=self._database) as session:
            summary: WriteSummary = session.execute_write(work)
        log.info("wrote %s to %s", summary.as_dict(), self.location)
        return summary

    def _write_batch(self, tx: Any, batch: GraphBatch, summary: WriteSummary,
                     progress: bool, ids: Callable[[NodeKind], set[str]]) -> None:
        total = sum(len(f) for f in (*batch.nodes.values(), *batch.relationships.values()))
        with tqdm(total=total, unit="row", desc="writing", disable=not progress,
                  leave=False) as bar:
            for kind, frame in batch.nodes.items():
                stored = ids(kind)
                new: list[dict[str, Any]] = []
                old: list[dict[str, Any]] = []
                for record in _records(frame):
                    (old if record["id"] in stored else new).append(
                        {"uid": node_key(kind, record["id"]),
                         "props": {**record, "kind": kind.value}})
                self._write_rows(tx, create_node_file(kind), new, bar)
                self._write_rows(tx, "update_nodes.cypher", old, bar)
                summary.nodes_written[kind.value] = len(new) + len(old)
            for rkind, frame in batch.relationships.items():
                schema = RELATIONSHIP_SCHEMAS[rkind]
                rows = []
                for record in _records(frame):
                    source, target = record.pop("source"), record.pop("target")
                    since, key = record.pop("since"), record.pop("key")
                    rows.append({"source": node_key(schema.source, source),
                                 "target": node_key(schema.target, target),
                                 "since": since, "key": key, "props": record})
                self._write_rows(tx, upsert_relationship_file(rkind), rows, bar)
                summary.relationships_written[rkind.value] = len(rows)

    def _tx_nodes(self, tx: Any, kind: NodeKind) -> list[Node]:
        """Every node of ``kind``, read inside the transaction ``tx``."""
        return [_node(r["props"]) for r in self._tx_run(
            tx, "list_nodes.cypher", kind=kind.value, search=None, skip=0, limit=NO_LIMIT)]

    def _write_rows(self, tx: Any, name: str, rows: list[dict[str, Any]], bar: Any) -> None:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start:start + BATCH]
            self._tx_run(tx, name, rows=chunk)
            bar.update(len(chunk))

    def delete_node(self, kind: NodeKind, id: str, *, cascade: bool = False) -> int:
        return self.delete_nodes([(kind, id)], cascade=cascade)

    def delete_nodes(self, nodes: Sequence[tuple[NodeKind, str]], *,
                     cascade: bool = False) -> int:
        def work(tx: Any) -> int:
            total = 0
            check_unreferenced(nodes, lambda kind: self._tx_nodes(tx, kind))
            for kind, id in nodes:
                kind = NodeKind(kind)
                uid = node_key(kind, id)
                if not self._tx_run(tx, "read_node.cypher", uid=uid):
                    raise NodeNotFound(kind.value, id, self._suggest(kind, id))
                linked = int(self._tx_run(tx, "count_node_relationships.cypher",
                                          uid=uid)[0]["count"])
                if linked and not cascade:
                    raise Conflict(
                        f"{kind.value} {id!r} has {linked} relationship(s). Delete them "
                        "first, or delete with cascade (CLI: --cascade)."
                    )
                self._tx_run(tx, "delete_node.cypher", uid=uid)
                total += linked
            self._tx_bump_generation(tx, touched_kinds(None, nodes))
            return total

        with self._driver.session(database=self._database) as session:
            linked: int = session.execute_write(work)
        return linked

    def delete_relationship(self, kind: RelKind, source: str, target: str, *,
                            since: str | None = None, key: str = "") -> None:
        kind = RelKind(kind)
        RELATIONSHIP_SCHEMAS[kind]
        day = parse_day(since, field="since").isoformat() if since else ""

        rid = RelationshipId(kind, source, target, day, key)

        def work(tx: Any) -> None:
            self._tx_delete_relationship(tx, rid)
            self._tx_bump_generation(tx, touched_kinds(None, (), [rid]))

        with self._driver.session(database=self._database) as session:
            session.execute_write(work)

    def _tx_delete_relationship(self, tx: Any, rid: RelationshipId) -> None:
        schema = RELATIONSHIP_SCHEMAS[RelKind(rid.kind)]
        deleted = self._tx_run(tx, "delete_relationship.cypher",
                               source=node_key(schema.source, rid.source),
                               target=node_key(schema.target, rid.target),
                               type=relationship_type(rid.kind), since=rid.since, key=rid.key)
        if not deleted or not deleted[0]["deleted"]:
            raise RelationshipNotFound(not_found_message(rid))

    # -- reads ---------------------------------------------------------------------------------

    def ids(self, kind: NodeKind) -> set[str]:
        note_nodes(kind)
        return {r["id"] for r in self._run("read_ids.cypher", kind=NodeKind(kind).value)}

    def node(self, kind: NodeKind, id: str) -> Node:
        kind = NodeKind(kind)
        note_nodes(kind)
        rows = self._run("read_node.cypher", uid=node_key(kind, id))
        if not rows:
            raise NodeNotFound(kind.value, id, self._suggest(kind, id))
        return _node(rows[0]["props"])

    def _suggest(self, kind: NodeKind, id: str) -> list[str]:
        return close_ids(self.ids(kind), id)

    def nodes(self, kind: NodeKind | None = None, *, search: str | None = None,
              limit: int | None = None, offset: int = 0) -> list[Node]:
        note_nodes(kind)
        rows = self._run("list_nodes.cypher",
                         kind=NodeKind(kind).value if kind is not None else None,
                         search=search.lower() if search else None,
                         skip=offset, limit=limit if limit is not None else NO_LIMIT)
        return [_node(r["props"]) for r in rows]

    def relationships(self, kind: RelKind | None = None, *, as_of: AsOf = None,
                      node: tuple[NodeKind, str] | None = None) -> list[Relationship]:
        note_relationships(kind)
        types = [relationship_type(RelKind(kind))] if kind is not None else None
        day = iso(checked(as_of))
        if node is None:
            rows = self._run("list_relationships.cypher", types=types, day=day)
        else:
            rows = self._run("list_node_relationships.cypher",
                             uid=node_key(NodeKind(node[0]), node[1]), types=types, day=day)
            rows = [r for r in rows if _touches(r, NodeKind(node[0]), node[1])]
        found = [_relationship(r) for r in rows]
        # Sorted here, not by the query: ArcadeDB cannot ORDER BY a million rows in its heap.
        found.sort(key=lambda r: (r.kind.value, r.source, r.target, r.since or "", r.key))
        return found

    def counts(self, *, as_of: AsOf = None) -> dict[str, dict[str, int]]:
        note(ALL_KINDS)
        day = iso(checked(as_of))
        with self._driver.session(database=self._database) as session:
            counts: dict[str, dict[str, int]] = session.execute_read(
                lambda tx: self._tx_counts(tx, day))
        return counts

    def _tx_counts(self, tx: Any, day: str | None) -> dict[str, dict[str, int]]:
        nodes = {r["kind"]: int(r["count"]) for r in self._tx_run(tx, "count_nodes.cypher")}
        rels = {_TYPE_TO_KIND[r["type"]].value: int(r["count"])
                for r in self._tx_run(tx, "count_relationships.cypher", day=day)
                if r["type"] in _TYPE_TO_KIND}
        return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

    def neighbours(self, node: tuple[NodeKind, str], *, hops: int = 1,
                   as_of: AsOf = None) -> set[str]:
        note_relationships(None)
        day = iso(checked(as_of))
        start = node_key(NodeKind(node[0]), node[1])
        seen, frontier = {start}, [start]
        for _ in range(hops):
            if not frontier:
                break
            found = {r["uid"] for r in self._run("read_neighbours.cypher", uids=frontier,
                                                 day=day)}
            frontier = sorted(found - seen)
            seen |= found
        return seen - {start}

    def cached(self, key: Hashable, build: Callable[[], T], *, persist: bool = False) -> T:
        return self._cache.derived(key, build, self._disk if persist else None)

    def graph(self, *, as_of: AsOf = None) -> nx.MultiDiGraph:
        day = checked(as_of)
        return self._cache.get(
            ("graph", day), lambda: build_graph(self.nodes(), self.relationships(as_of=day)))

    def matrix(self, kind: RelKind, *, as_of: AsOf = None,
               window: Window = None) -> BipartiteMatrix:
        kind = RelKind(kind)
        day = checked(as_of)
        schema = RELATIONSHIP_SCHEMAS[kind]
        return self._cache.get(
            ("matrix", kind, day, window),
            lambda: build_matrix(kind, self.ids(schema.source), self.ids(schema.target),
                                 weighted_edges(r for r in self.relationships(kind, as_of=day)
                                                if overlaps(r.since, r.until, window))))


def _records(frame: Any) -> Iterable[dict[str, Any]]:
    """Rows of a validated frame as dicts of plain Python values: the values given, and a
    None (which ``SET +=`` removes) for each field the row clears; empty cells left out."""
    # JSON gives plain Python values (no numpy scalars, which the driver refuses), and
    # every number exactly as given
    return [json.loads(line) for line in props_json(frame, GraphBatch.cleared(frame))]


def _node(props: dict[str, Any]) -> Node:
    kind = NodeKind(props["kind"])
    return Node(kind, props["id"], {k: v for k, v in props.items()
                                    if k not in _RESERVED and v is not None})


def _relationship(row: dict[str, Any]) -> Relationship:
    props = dict(row["props"])
    since = props.pop("since", "") or None
    key = props.pop("key", "") or ""
    until = props.pop("until", None)
    return Relationship(_TYPE_TO_KIND[row["type"]], row["source"], row["target"], since,
                        until, key, {k: v for k, v in props.items() if v is not None})


def _touches(row: dict[str, Any], kind: NodeKind, id: str) -> bool:
    """Whether a relationship row touches node (kind, id) at an end of that kind."""
    schema = RELATIONSHIP_SCHEMAS[_TYPE_TO_KIND[row["type"]]]
    return (schema.source is kind and row["source"] == id) or (
        schema.target is kind and row["target"] == id)
