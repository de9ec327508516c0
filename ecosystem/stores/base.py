"""The ``Store`` protocol every storage back end implements, and ``open_store``.

Two stores implement it: :class:`~ecosystem.stores.embedded.EmbeddedStore` (SQLite, the
default) and, later, a Neo4j store. ``tests/contract`` holds both to the same behaviour.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from ecosystem.dates import AsOf, Window
from ecosystem.errors import Conflict, StoreUnavailable
from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Node,
    NodeKind,
    Relationship,
    RelKind,
)
from ecosystem.stores.memory import StoreState, note

if TYPE_CHECKING:
    import networkx as nx

    from ecosystem.io.batch import GraphBatch, RawTable
    from ecosystem.stores.projection import BipartiteMatrix

__all__ = ["DEFAULT_STORE", "STORE_ENV", "RelationshipId", "Store", "WriteSummary",
           "open_store"]

#: Environment variable naming the store when ``--store`` is not given.
STORE_ENV = "ECOSYSTEM_STORE"
#: The store used when neither ``--store`` nor the environment names one.
DEFAULT_STORE = "ecosystem.db"

T = TypeVar("T")
NEO4J_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}


@dataclass(frozen=True)
class RelationshipId:
    """What identifies a stored relationship: kind, ends, ``since`` and ``key`` (``""``
    when undated or unkeyed)."""

    kind: RelKind
    source: str
    target: str
    since: str = ""
    key: str = ""

    @classmethod
    def of(cls, rel: Relationship) -> RelationshipId:
        return cls(rel.kind, rel.source, rel.target, rel.since or "", rel.key or "")


@dataclass
class WriteSummary:
    """What one write did: rows written per kind, and how many nodes were new."""

    nodes_written: dict[str, int] = field(default_factory=dict)
    nodes_created: dict[str, int] = field(default_factory=dict)
    relationships_written: dict[str, int] = field(default_factory=dict)
    relationships_created: dict[str, int] = field(default_factory=dict)
    #: Names in the input that matched no company (patent readers), with their row counts.
    unmatched: dict[str, int] = field(default_factory=dict)
    #: For unmatched names, the companies whose names are close (to review, then add the
    #: name to the company's ``aliases`` and import again).
    suggestions: dict[str, list[str]] = field(default_factory=dict)
    #: Files in the folders read that are not tables, with the reason each was skipped.
    skipped: dict[str, str] = field(default_factory=dict)
    #: What the readers changed on the way in (look-alike letters folded ...).
    notes: list[str] = field(default_factory=list)
    #: How many duplicate nodes were merged (the demo build).
    merged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes_written": self.nodes_written,
            "nodes_created": self.nodes_created,
            "relationships_written": self.relationships_written,
            "relationships_created": self.relationships_created,
            "unmatched": self.unmatched,
            "suggestions": self.suggestions,
            "skipped": self.skipped,
            "notes": self.notes,
        }


@runtime_checkable
class Store(Protocol):
    """Where an ecosystem lives. Every write is atomic: it lands whole or not at all."""

    @property
    def location(self) -> str:
        """Where the store is (a file path or a server URI, never a password)."""
        ...

    def close(self) -> None:
        """Release the store's resources; the store cannot be used afterwards."""
        ...

    def __enter__(self) -> Store: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def generation(self) -> int:
        """A number that changes whenever the stored data change."""
        ...

    def state(self) -> StoreState:
        """The store's id, its generation and the generation of each kind: what the disk
        cache (:mod:`ecosystem.stores.memory`) checks an answer against."""
        ...

    def write(self, tables: Sequence[RawTable], *, progress: bool = False,
              delete_nodes: Sequence[tuple[NodeKind, str]] = (),
              delete_relationships: Sequence[RelationshipId] = ()) -> WriteSummary:
        """Validate ``tables`` against the store and upsert them in one transaction.

        The relationships and nodes named in ``delete_relationships`` and ``delete_nodes``
        (a node with every relationship touching it) are deleted in the same transaction,
        before the upserts; the tables are validated against the store without them (a
        merge moves a node's relationships to another and deletes it in one write).

        Raises
        ------
        ImportRefused
            If anything is wrong; the store is then unchanged.
        NodeNotFound, RelationshipNotFound
            If something to delete is not there.
        Conflict
            If a node to delete is still referred to by a field, after the upserts.
        """
        ...

    def ids(self, kind: NodeKind) -> set[str]:
        """The ids of every node of ``kind``."""
        ...

    def node(self, kind: NodeKind, id: str) -> Node:
        """One node; raise NodeNotFound (with close ids as suggestions) if absent."""
        ...

    def nodes(
        self,
        kind: NodeKind | None = None,
        *,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Node]:
        """Nodes ordered by kind and id; ``search`` matches id or name, case-insensitively."""
        ...

    def relationships(
        self,
        kind: RelKind | None = None,
        *,
        as_of: AsOf = None,
        node: tuple[NodeKind, str] | None = None,
    ) -> list[Relationship]:
        """Relationships ordered by kind, source, target, since and key.

        ``as_of`` keeps those active on that date; ``node`` those touching that node.
        """
        ...

    def counts(self, *, as_of: AsOf = None) -> dict[str, dict[str, int]]:
        """``{"nodes": {kind: n}, "relationships": {kind: n}}``, kinds with no rows left out."""
        ...

    def neighbours(
        self, node: tuple[NodeKind, str], *, hops: int = 1, as_of: AsOf = None
    ) -> set[str]:
        """Keys (``"kind:id"``) of the nodes within ``hops`` relationships of ``node``,
        either direction, counting only relationships active ``as_of``; not the node itself.
        """
        ...

    def delete_node(self, kind: NodeKind, id: str, *, cascade: bool = False) -> int:
        """Delete a node; with ``cascade`` also its relationships (their count is returned).

        Raises NodeNotFound if absent, and Conflict if it has relationships and not
        cascade, or if another node refers to it by a field (a company's ``industries``).
        """
        ...

    def delete_nodes(self, nodes: Sequence[tuple[NodeKind, str]], *,
                     cascade: bool = False) -> int:
        """Delete several nodes in one transaction, as :meth:`delete_node` does one: all
        of them or, if any is absent, linked (without cascade) or referred to by a field
        of a node not being deleted, none."""
        ...

    def delete_relationship(
        self, kind: RelKind, source: str, target: str, *, since: str | None = None, key: str = ""
    ) -> None:
        """Delete one relationship; raise RelationshipNotFound if absent."""
        ...

    def cached(self, key: Hashable, build: Callable[[], T], *, persist: bool = False) -> T:
        """``build()``, remembered under ``key`` until the stored data change.

        Analytics use it to keep what they derive from the store (profiles, indexes). With
        ``persist``, the value is also kept on disk for other processes, valid until a
        write touches one of the kinds it read (the key must name everything else it
        depends on; the value must pickle).
        """
        ...

    def graph(self, *, as_of: AsOf = None) -> nx.MultiDiGraph:
        """The whole ecosystem as a networkx graph (cached until the data change).

        Nodes are keyed ``"<kind>:<id>"`` (:func:`~ecosystem.model.node_key`). Callers must
        not modify the returned graph: copy it first.
        """
        ...

    def matrix(self, kind: RelKind, *, as_of: AsOf = None,
               window: Window = None) -> BipartiteMatrix:
        """The sparse source x target weight matrix of one relationship kind (cached).

        ``as_of`` keeps relationships active on that day; ``window`` (``(since, until)``
        days, from :func:`~ecosystem.dates.parse_window`) those active at some time
        in it.
        """
        ...


#: Every node kind and every relationship kind, as recorded in the store's generations.
ALL_KINDS: tuple[str, ...] = (*(k.value for k in NodeKind), *(k.value for k in RelKind))


def note_nodes(kind: NodeKind | None) -> None:
    """Record a read of the nodes of ``kind`` (None: of every kind)."""
    note([NodeKind(kind).value] if kind is not None else [k.value for k in NodeKind])


def note_relationships(kind: RelKind | None) -> None:
    """Record a read of the relationships of ``kind`` (None: of every kind), and of the
    nodes at their ends (their ids give a matrix its rows and columns)."""
    if kind is None:
        note(ALL_KINDS)
    else:
        schema = RELATIONSHIP_SCHEMAS[RelKind(kind)]
        note([schema.kind.value, schema.source.value, schema.target.value])


def touched_kinds(batch: GraphBatch | None, delete_nodes: Sequence[tuple[NodeKind, str]] = (),
                  delete_relationships: Sequence[RelationshipId] = ()) -> set[str]:
    """The kinds a write changes: those it writes, the nodes it deletes and the
    relationships that may end at them, and the relationships it deletes."""
    kinds: set[str] = set()
    if batch is not None:
        kinds |= {k.value for k, f in batch.nodes.items() if len(f)}
        kinds |= {k.value for k, f in batch.relationships.items() if len(f)}
    for kind, _ in delete_nodes:
        kind = NodeKind(kind)
        kinds.add(kind.value)
        kinds |= {r.kind.value for r in RELATIONSHIP_SCHEMAS.values()
                  if kind in (r.source, r.target)}
    kinds |= {RelKind(rid.kind).value for rid in delete_relationships}
    return kinds


#: For each node kind, the (kind, field) pairs of the fields that hold its ids.
REFERRING_FIELDS: dict[NodeKind, list[tuple[NodeKind, str]]] = {}
for _schema in NODE_SCHEMAS.values():
    for _field in _schema.fields:
        if _field.references is not None:
            REFERRING_FIELDS.setdefault(_field.references, []).append(
                (_schema.kind, _field.name))


def check_unreferenced(nodes: Sequence[tuple[NodeKind, str]],
                       stored: Callable[[NodeKind], list[Node]]) -> None:
    """Raise Conflict if a node outside ``nodes`` refers to one of ``nodes`` by a field
    (a company's ``industries``, a KPI actual's ``kpi`` ...): deleting it would leave the
    reference dangling. ``stored`` reads the nodes of a kind (inside the caller's
    transaction)."""
    doomed = {(NodeKind(k), i) for k, i in nodes}
    for kind in {k for k, _ in doomed}:
        ids = {i for k, i in doomed if k is kind}
        for referrer_kind, name in REFERRING_FIELDS.get(kind, ()):
            for node in stored(referrer_kind):
                if (referrer_kind, node.id) in doomed:
                    continue
                value = node.properties.get(name)
                values = value if isinstance(value, list) else [value]
                hit = ids.intersection(str(v) for v in values if v is not None)
                if hit:
                    raise Conflict(
                        f"{kind.value} {sorted(hit)[0]!r} is referred to by "
                        f"{referrer_kind.value} {node.id!r} (field '{name}'). Change or "
                        "delete that first; deleting would leave the reference dangling.")


def with_batch(stored: Callable[[NodeKind], list[Node]], batch: GraphBatch,
               gone: set[tuple[NodeKind, str]]) -> Callable[[NodeKind], list[Node]]:
    """``stored`` as it reads once ``batch`` is written and the nodes ``gone`` are deleted:
    what :func:`check_unreferenced` must look at when a write also deletes."""
    from ecosystem.io.batch import CLEARED, GraphBatch

    def read(kind: NodeKind) -> list[Node]:
        nodes = {n.id: n for n in stored(kind) if (kind, n.id) not in gone}
        frame = batch.nodes.get(kind)
        if frame is None:
            return list(nodes.values())
        columns = [c for c in frame.columns if c not in ("id", CLEARED)]
        for row, cleared in zip(frame.to_dict("records"), GraphBatch.cleared(frame),
                                strict=True):
            old = nodes.get(str(row["id"]))
            properties = dict(old.properties) if old is not None else {}
            properties.update({c: row[c] for c in columns if _given(row[c])})
            for column in cleared:
                properties.pop(column, None)
            nodes[str(row["id"])] = Node(kind, str(row["id"]), properties)
        return list(nodes.values())

    return read


def _given(value: object) -> bool:
    """Whether a cell of a validated frame holds a value (not None, NaN or NA)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def not_found_message(rid: RelationshipId) -> str:
    """What RelationshipNotFound says when ``rid`` is not stored."""
    kind = RelKind(rid.kind).value
    return (f"No {kind} relationship from {rid.source!r} to {rid.target!r} since "
            f"{rid.since or '(no date)'} with key {rid.key!r}. List them with "
            f"`ecosystem relationships {kind}`.")


def close_ids(ids: set[str], wanted: str) -> list[str]:
    """Ids that ``wanted`` was probably meant to be: a case-insensitive match, else up to
    three close ones (for NodeNotFound suggestions)."""
    lowered = {i.lower(): i for i in ids}
    if wanted.lower() in lowered:
        return [lowered[wanted.lower()]]
    return difflib.get_close_matches(wanted, sorted(ids)[:50_000], n=3, cutoff=0.6)


def open_store(location: str | os.PathLike[str] | None = None) -> Store:
    """Open the store at ``location`` (default: $ECOSYSTEM_STORE, then ``ecosystem.db``).

    A path opens (creating if needed) the embedded SQLite store. A ``bolt://`` or
    ``neo4j://`` URI opens the Neo4j store; user, password and database come from the URI
    (``bolt://user:password@host:7687/database``) or from ``ECOSYSTEM_NEO4J_USER``,
    ``ECOSYSTEM_NEO4J_PASSWORD`` and ``ECOSYSTEM_NEO4J_DATABASE``.

    Raises
    ------
    StoreUnavailable
        If the store cannot be opened.
    """
    where = str(location or os.environ.get(STORE_ENV) or DEFAULT_STORE)
    scheme = where.split("://", 1)[0].lower() if "://" in where else ""
    if scheme in NEO4J_SCHEMES:
        from ecosystem.stores.neo4j import Neo4jStore

        return Neo4jStore(
            where,
            user=os.environ.get("ECOSYSTEM_NEO4J_USER"),
            password=os.environ.get("ECOSYSTEM_NEO4J_PASSWORD"),
            database=os.environ.get("ECOSYSTEM_NEO4J_DATABASE"),
        )
    if scheme:
        raise StoreUnavailable(
            f"Unknown store address {where!r}. Give a file path (embedded store) or a "
            "bolt:// or neo4j:// URI."
        )
    from ecosystem.stores.embedded import EmbeddedStore

    return EmbeddedStore(Path(where))
