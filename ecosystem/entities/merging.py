"""Merging company nodes found to be one organisation, and undoing a merge.

A merge of ``merged`` into ``keep`` (:func:`merge_companies`), in one transaction:

- every relationship of ``merged`` is moved to ``keep``, dates and properties as they
  were; one that would then duplicate a relationship ``keep`` has (same kind, other end,
  ``since`` and ``key``), or join ``keep`` to itself, is dropped and written down;
- fields of other nodes that name ``merged`` (a programme's ``owner``, a partnership's
  ``company`` or ``partner``) are re-pointed to ``keep``;
- ``keep`` keeps its own values and takes the ones it lacked from ``merged``; the old id,
  the old name and the old aliases become ``aliases`` of ``keep`` (searchable);
- ``merged`` is deleted, and a ``merge`` record keeps a JSON snapshot of all of the above.

:func:`unmerge` undoes it from the snapshot: the node comes back with its relationships,
what was moved or re-pointed goes back, what ``keep`` took from it is taken out again
(unless it was changed since). Relationships added to ``keep`` after the merge stay with
``keep``. Merges are undone newest first: a merge whose ``keep`` was itself merged later
waits until that later one is undone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecosystem.dates import checked, today
from ecosystem.entities.resolution import Decision, Pair
from ecosystem.errors import Conflict, InvalidValue
from ecosystem.io.batch import ROW, RawTable
from ecosystem.io.convert import CLEAR
from ecosystem.model import (
    DERIVED_KEY_FIELDS,
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Node,
    NodeKind,
    Relationship,
    RelKind,
)
from ecosystem.stores.base import REFERRING_FIELDS, RelationshipId, Store

__all__ = ["Merge", "merge_companies", "merge_plan", "merged_ids", "merges",
           "redirect_merged", "unmerge"]


@dataclass(frozen=True)
class Merge:
    """One merge to make: ``merged`` into ``keep``, with the score and evidence."""

    keep: str
    merged: str
    score: float | None = None
    evidence: str = ""


def merge_plan(items: Sequence[Pair | Decision | Merge]) -> list[Merge]:
    """Merges from accepted pairs or review decisions, chains followed to one kept node
    (``a <- b`` and ``b <- c`` give ``a <- b`` and ``a <- c``).

    Raises
    ------
    InvalidValue
        If the merges go round in a circle.
    """
    steps: list[Merge] = []
    for item in items:
        if isinstance(item, Pair):
            steps.append(Merge(item.keep.id, item.other.id, item.score,
                               "; ".join(item.evidence)))
        elif isinstance(item, Decision):
            if item.accepted:
                steps.append(Merge(item.keep, item.merge, item.score, item.evidence))
        else:
            steps.append(item)
    into = {m.merged: m.keep for m in steps}
    plan = []
    for step in steps:
        root, seen = step.keep, {step.merged}
        while root in into:
            if root in seen:
                raise InvalidValue(f"The merges of {sorted(seen)} go round in a circle; "
                                   "reject one of them.", field="merge", value=step.merged)
            seen.add(root)
            root = into[root]
        plan.append(Merge(root, step.merged, step.score, step.evidence))
    return list({m.merged: m for m in plan}.values())


def _identity(rel: Relationship) -> tuple[str, str, str, str, str]:
    return (rel.kind.value, rel.source, rel.target, rel.since or "", rel.key or "")


def _row(rel: Relationship) -> dict[str, Any]:
    return {"source": rel.source, "target": rel.target, "since": rel.since,
            "until": rel.until, "key": rel.key or None, **rel.properties}


def _as_relationship(data: dict[str, Any]) -> Relationship:
    fixed = {"kind", "source", "target", "since", "until", "key"}
    return Relationship(RelKind(data["kind"]), data["source"], data["target"],
                        data.get("since"), data.get("until"), data.get("key") or "",
                        {k: v for k, v in data.items() if k not in fixed})


def _table(name: str, rows: list[dict[str, Any]], source: str) -> RawTable:
    cells = []
    for row in rows:
        cells.append({k: (";".join(map(str, v)) if isinstance(v, list) else v)
                      for k, v in row.items()})
    frame = pd.DataFrame(cells, dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(name, source, frame)


def _next_ids(store: Store, count: int) -> list[str]:
    taken = [int(m.group(1)) for i in store.ids(NodeKind.MERGE)
             if (m := re.fullmatch(r"merge/(\d+)", i))]
    first = max(taken, default=0) + 1
    return [f"merge/{n:05d}" for n in range(first, first + count)]


def _referrers(store: Store, ids: set[str]) -> list[tuple[NodeKind, str, str, Any]]:
    """(kind, id, field, value) of every node field that names one of ``ids``."""
    found = []
    for kind, name in REFERRING_FIELDS.get(NodeKind.COMPANY, []):
        for node in store.nodes(kind):
            value = node.properties.get(name)
            values = value if isinstance(value, list) else [value]
            if ids.intersection(str(v) for v in values if v is not None):
                found.append((kind, node.id, name, value))
    return found


def merge_companies(store: Store, plan: Sequence[Merge], *,
                    date: dt.date | None = None, source: str = "merge") -> list[str]:
    """Merge each ``merged`` company into its ``keep`` (see the module notes), all in one
    transaction; return the ids of the merge records.

    Raises
    ------
    NodeNotFound
        If a company of the plan is not in the store.
    InvalidValue
        If a company is kept and merged in the same plan, or merged into itself.
    ImportRefused, Conflict
        If the resulting write would be refused; nothing is changed.
    """
    if not plan:
        return []
    day = (checked(date, field="date") or today()).isoformat()
    merged_ids = {m.merged for m in plan}
    for step in plan:
        if step.keep == step.merged or step.keep in merged_ids:
            raise InvalidValue(f"{step.keep!r} is both kept and merged away; give each "
                               "company one role (merge_plan follows chains).", field="keep",
                               value=step.keep)
    into = {m.merged: m.keep for m in plan}
    nodes = {i: store.node(NodeKind.COMPANY, i)
             for i in {*into, *into.values()}}  # NodeNotFound for a missing one
    keeps = {m.keep for m in plan}
    existing = {_identity(r) for k in keeps
                for r in store.relationships(node=(NodeKind.COMPANY, k))}
    written: set[tuple[str, str, str, str, str]] = set()
    rel_rows: dict[RelKind, list[dict[str, Any]]] = defaultdict(list)
    done_originals: set[tuple[str, str, str, str, str]] = set()
    keep_rows: dict[str, dict[str, Any]] = {}
    snapshots: dict[str, dict[str, Any]] = {}
    for step in plan:
        merged, keep = nodes[step.merged], nodes[step.keep]
        snapshot: dict[str, Any] = {"node": merged.properties, "relationships": [],
                                    "moved": [], "dropped": [], "filled": {}, "aliases": [],
                                    "referrers": []}
        for rel in store.relationships(node=(NodeKind.COMPANY, merged.id)):
            snapshot["relationships"].append({"kind": rel.kind.value, **_row(rel)})
            if _identity(rel) in done_originals:
                continue  # between two merged nodes: moved with the first
            done_originals.add(_identity(rel))
            schema = RELATIONSHIP_SCHEMAS[rel.kind]
            source_id = into.get(rel.source, rel.source) \
                if schema.source is NodeKind.COMPANY else rel.source
            target_id = into.get(rel.target, rel.target) \
                if schema.target is NodeKind.COMPANY else rel.target
            moved = Relationship(rel.kind, source_id, target_id, rel.since, rel.until,
                                 rel.key, rel.properties)
            identity = _identity(moved)
            if source_id == target_id and schema.source is schema.target:
                snapshot["dropped"].append([*_identity(rel), "it would join the company to "
                                            "itself"])
            elif identity in existing or identity in written:
                snapshot["dropped"].append([*_identity(rel), "the kept company has it "
                                            "already"])
            else:
                written.add(identity)
                snapshot["moved"].append(list(identity))
                rel_rows[rel.kind].append(_row(moved))
        row = keep_rows.setdefault(keep.id, {"id": keep.id})
        current = {**keep.properties, **{k: v for k, v in row.items() if k != "id"}}
        for name, value in merged.properties.items():
            if name not in current and name not in ("aliases", "name"):
                row[name] = value
                snapshot["filled"][name] = value
        aliases = list(current.get("aliases") or [])
        for alias in (merged.id, merged.name, *(merged.properties.get("aliases") or [])):
            if alias and alias not in aliases and alias not in (keep.id, keep.name):
                aliases.append(str(alias))
                snapshot["aliases"].append(str(alias))
        if snapshot["aliases"]:
            row["aliases"] = aliases
        snapshots[merged.id] = snapshot
    referrer_rows: dict[NodeKind, dict[str, dict[str, Any]]] = defaultdict(dict)
    for kind, id, name, value in _referrers(store, merged_ids):
        replaced = [into.get(str(v), v) for v in value] if isinstance(value, list) \
            else into.get(str(value), value)
        referrer_rows[kind].setdefault(id, {"id": id})[name] = replaced
        for old in (value if isinstance(value, list) else [value]):
            if str(old) in snapshots:
                snapshots[str(old)]["referrers"].append([kind.value, id, name, value])
    record_ids = _next_ids(store, len(plan))
    records = [{"id": rid, "kept": m.keep, "merged": m.merged, "date": day,
                "score": m.score, "evidence": m.evidence or None,
                "snapshot": json.dumps(snapshots[m.merged], ensure_ascii=False, default=str)}
               for rid, m in zip(record_ids, plan, strict=True)]
    tables = [_table("merges", records, source)]
    if keep_rows:
        tables.append(_table("companies", list(keep_rows.values()), source))
    for kind, rows in referrer_rows.items():
        tables.append(_table(NODE_SCHEMAS[kind].table, list(rows.values()), source))
    for rkind, rel_list in rel_rows.items():
        tables.append(_table(rkind.value, rel_list, source))
    store.write(tables, delete_nodes=[(NodeKind.COMPANY, m) for m in sorted(merged_ids)])
    return record_ids


def merges(store: Store, *, include_undone: bool = False) -> list[Node]:
    """The merge records, oldest first."""
    found = store.nodes(NodeKind.MERGE)
    return [n for n in found if include_undone or not n.properties.get("undone")]


def unmerge(store: Store, merge_id: str, *, date: dt.date | None = None,
            source: str = "unmerge") -> Node:
    """Undo the merge ``merge_id`` (see the module notes); return the restored company.

    Raises
    ------
    NodeNotFound
        If there is no such merge record.
    Conflict
        If it was undone already, if its id is taken again, if the kept company was merged
        away later (undo that merge first), or if a node its relationships joined is gone.
    """
    record = store.node(NodeKind.MERGE, merge_id)
    p = record.properties
    if p.get("undone"):
        raise Conflict(f"{merge_id} was undone on {p['undone']} already.")
    keep_id, merged_id = str(p["kept"]), str(p["merged"])
    if merged_id in store.ids(NodeKind.COMPANY):
        raise Conflict(f"A company with id {merged_id!r} exists again; rename or merge it "
                       f"before undoing {merge_id}.")
    later = [m for m in merges(store) if m.properties.get("merged") == keep_id]
    if later:
        raise Conflict(f"{keep_id!r} was itself merged later ({later[-1].id}); undo that "
                       f"merge first (`ecosystem unmerge {later[-1].id}`).")
    keep = store.node(NodeKind.COMPANY, keep_id)
    snapshot = json.loads(str(p["snapshot"]))
    current_into = {str(m.properties["merged"]): str(m.properties["kept"])
                    for m in merges(store) if m.id != merge_id}
    companies = store.ids(NodeKind.COMPANY) | {merged_id}

    def present(company: str) -> str:
        seen = {company}
        while company not in companies and company in current_into:
            company = current_into[company]
            if company in seen:
                break
            seen.add(company)
        return company

    delete = []
    for kind, source_id, target_id, since, key in snapshot["moved"]:
        rid = RelationshipId(RelKind(kind), source_id, target_id, since, key)
        if any(RelationshipId.of(r) == rid for r in store.relationships(
                RelKind(kind), node=(NodeKind.COMPANY, keep_id))):
            delete.append(rid)
    restored: dict[RelKind, list[dict[str, Any]]] = defaultdict(list)
    for data in snapshot["relationships"]:
        rel = _as_relationship(data)
        schema = rel.schema
        ends = [present(rel.source) if schema.source is NodeKind.COMPANY else rel.source,
                present(rel.target) if schema.target is NodeKind.COMPANY else rel.target]
        for end, kind in zip(ends, (schema.source, schema.target), strict=True):
            if end not in store.ids(kind) and end != merged_id:
                raise Conflict(f"Undoing {merge_id} would restore a {rel.kind.value} "
                               f"relationship to {kind.value} {end!r}, which is gone.")
        restored[rel.kind].append(_row(Relationship(
            rel.kind, ends[0], ends[1], rel.since, rel.until, rel.key, rel.properties)))
    keep_row: dict[str, Any] = {"id": keep_id}
    for name, value in snapshot["filled"].items():
        if keep.properties.get(name) == value:
            keep_row[name] = CLEAR
    aliases = [a for a in keep.properties.get("aliases") or []
               if a not in snapshot["aliases"]]
    if snapshot["aliases"]:
        keep_row["aliases"] = aliases or CLEAR
    tables = [_table("companies", [{"id": merged_id, **snapshot["node"]}, keep_row], source)]
    for kind_name, id, name, value in snapshot["referrers"]:
        tables.append(_table(NODE_SCHEMAS[NodeKind(kind_name)].table,
                             [{"id": id, name: value}], source))
    for rkind, rows in restored.items():
        tables.append(_table(rkind.value, rows, source))
    day = (checked(date, field="date") or today()).isoformat()
    tables.append(_table("merges", [{"id": merge_id, "undone": day}], source))
    store.write(tables, delete_relationships=delete)
    return store.node(NodeKind.COMPANY, merged_id)


def merged_ids(store: Store) -> dict[str, str]:
    """Every merged company id that is not back, mapped to the id it lives on as now
    (chains followed: ``a <- b <- c`` maps both b and c to a)."""
    def build() -> dict[str, str]:
        into = {str(m.properties["merged"]): str(m.properties["kept"]) for m in merges(store)}
        companies = store.ids(NodeKind.COMPANY)
        out = {}
        for merged in into:
            if merged in companies:
                continue
            target, seen = into[merged], {merged}
            while target in into and target not in companies and target not in seen:
                seen.add(target)
                target = into[target]
            out[merged] = target
        return out

    return store.cached("merged-ids", build)


def _copies(frame: pd.DataFrame, kind: RelKind, moved: pd.Series) -> pd.Series:
    """True for each re-pointed row (``moved``) that repeats the identity (kind, ends,
    ``since`` read as a day, ``key`` or the fields it is derived from) of another row;
    a row that was not re-pointed is never the copy, wherever it stands."""
    columns = ["source", "target", "key", *DERIVED_KEY_FIELDS.get(kind, ())]
    identity = pd.DataFrame({c: frame[c].astype(str).str.strip() for c in columns
                             if c in frame.columns})
    if "since" in frame.columns:  # 2019-05 and 2019-05-01 are one day
        since = frame["since"].astype(str).str.strip()
        identity["since"] = since.where(since.str.len() != 7, since + "-01").where(
            since.str.len() != 4, since + "-01-01")
    order = np.argsort(moved.to_numpy(), kind="stable")  # rows as given first
    copies = identity.iloc[order].duplicated(keep="first").to_numpy()
    repeated = np.zeros(len(frame), dtype=bool)
    repeated[order] = copies
    return pd.Series(repeated & moved.to_numpy(), index=frame.index)


def redirect_merged(store: Store, tables: Sequence[RawTable]
                    ) -> tuple[list[RawTable], list[str]]:
    """``tables`` with the ids of merged companies replaced by the ids they were merged
    into, and notes on what was changed.

    An import that names a merged company (the same data set imported again, a file
    from before the merge) updates the kept company instead of bringing the duplicate
    back: relationship ends and fields naming the old id are re-pointed, a row of the
    merged company itself is dropped (its values live on the kept one), and a
    relationship that the re-pointing makes a copy of another row (of the same chunk,
    for a file read in chunks) is dropped. The chunks of a streamed table are redirected
    as they are read, and their note is added to the notes once the last is read.
    """
    redirects = merged_ids(store)
    if not redirects:
        return list(tables), []
    notes: list[str] = []
    out: list[RawTable] = []
    changed: dict[str, int] = defaultdict(int)  # per file, of the tables read whole
    for table in tables:
        frame, count = _redirected(table.name, table.frame, redirects)
        rest = None if table.rest is None else _redirect_chunks(
            table.name, table.source, table.rest, redirects, count, notes)
        if count and rest is None:
            changed[table.source] += count
        out.append(RawTable(table.name, table.source, frame, table.columns, table.notes,
                            rest))
    notes += [_redirect_note(source, count) for source, count in changed.items()]
    return out, notes


def _redirect_note(source: str, count: int) -> str:
    return (f"{source}: {count:,} row(s) named companies merged into others (`ecosystem "
            "merges`); written to the kept ones")


def _redirect_chunks(name: str, source: str, chunks: Iterator[pd.DataFrame],
                     redirects: dict[str, str], count: int, notes: list[str]
                     ) -> Iterator[pd.DataFrame]:
    for chunk in chunks:
        frame, changed = _redirected(name, chunk, redirects)
        count += changed
        yield frame
    if count:
        notes.append(_redirect_note(source, count))


def _redirected(table: str, frame: pd.DataFrame, redirects: dict[str, str]
                ) -> tuple[pd.DataFrame, int]:
    """One frame of ``table`` redirected, and how many of its rows were changed."""
    ends = {s.table: [end for end, kind in (("source", s.source), ("target", s.target))
                      if kind is NodeKind.COMPANY] for s in RELATIONSHIP_SCHEMAS.values()}
    fields = {NODE_SCHEMAS[k].table: [name for kk, name in REFERRING_FIELDS[NodeKind.COMPANY]
                                      if kk is k] for k, _ in
              REFERRING_FIELDS.get(NodeKind.COMPANY, [])}
    name = table.strip().lower()
    changed = 0
    if name == NODE_SCHEMAS[NodeKind.COMPANY].table and "id" in frame.columns:
        gone = frame["id"].astype(str).str.strip().isin(set(redirects))
        if gone.any():
            changed += int(gone.sum())
            frame = frame[~gone]
    columns = [c for c in [*ends.get(name, []), *fields.get(name, [])]
               if c in frame.columns]
    moved = pd.Series(False, index=frame.index)
    for column in columns:
        text = frame[column].astype(str).str.strip()
        hit = text.isin(set(redirects))
        if hit.any():
            frame = frame.copy()
            frame.loc[hit, column] = text[hit].map(redirects)
            changed += int(hit.sum())
            moved |= hit
    if ends.get(name) and moved.any():
        frame = frame[~_copies(frame, RelKind(name), moved).to_numpy()]
    return frame, changed
