"""Attach the companies of an outside export (Crunchbase, PitchBook) to the stored ones.

An export names companies by its own ids. Before it is written, each of its companies is
matched to the store with the duplicate scoring of :mod:`ecosystem.entities.resolution`:
at :data:`~ecosystem.entities.resolution.AUTO_MERGE` or more (the same Crunchbase slug,
PitchBook or Wikidata id, the same name once legal forms are dropped, an alias) it *is*
the stored company, and its rows and relationships are re-pointed to the stored id; in
the review band it is imported as a new company and named in the notes, for
``ecosystem resolve``.

A matched company is enriched, never overwritten: a field the store leaves empty is
filled from the export, a list (industries, aliases, tags) gains the export's values, the
export's name becomes an alias when it differs, and a stored value the export gives
differently is kept (the notes count them and name the first few).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from ecosystem.entities.resolution import AUTO_MERGE, Pair, match_incoming
from ecosystem.io.batch import ROW, RawTable
from ecosystem.model import NODE_SCHEMAS, RELATIONSHIP_SCHEMAS, FieldType, Node, NodeKind
from ecosystem.stores.base import Store

__all__ = ["attach_to_store"]

_COMPANIES = NODE_SCHEMAS[NodeKind.COMPANY]
_LISTS = {f.name for f in _COMPANIES.fields if f.type is FieldType.LIST}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or \
        (isinstance(value, str) and not value.strip()) or value == [] or value == ()


def attach_to_store(store: Store, tables: Sequence[RawTable]
                    ) -> tuple[list[RawTable], list[str]]:
    """``tables`` with their companies matched to the stored ones and enriching them;
    notes on what was matched, kept and left for review."""
    frames = [t for t in tables if t.name == _COMPANIES.table]
    if not frames:
        return list(tables), []
    incoming = [(str(r["id"]), str(r.get("name") or r["id"]),
                 {str(k): v for k, v in r.items() if k != ROW and not _blank(v)})
                for t in frames for r in t.frame.to_dict("records")]
    best: dict[str, Pair] = {}
    for pair in match_incoming(incoming, store):  # best first
        best.setdefault(pair.b.id, pair)
    mapped: dict[str, str] = {}
    review: list[str] = []
    for new, pair in best.items():
        if pair.score >= AUTO_MERGE and pair.a.id not in mapped.values():
            mapped[new] = pair.a.id
        else:
            review.append(f"{new} ({pair.b.name}) looks like the stored {pair.a.id} "
                          f"({pair.a.name}), score {pair.score:.2f}: imported as a new "
                          "company; check with `ecosystem resolve`")
    stored = {n.id: n for n in store.nodes(NodeKind.COMPANY)}
    out: list[RawTable] = []
    kept: dict[str, list[str]] = defaultdict(list)
    for table in tables:
        frame = table.frame.copy()
        if table.name == _COMPANIES.table:
            frame["id"] = frame["id"].map(lambda i: mapped.get(str(i), i))
            frame = _enrich(frame, stored, kept)
        elif table.name in {s.table for s in RELATIONSHIP_SCHEMAS.values()}:
            for end in ("source", "target"):
                if end in frame.columns:
                    frame[end] = frame[end].map(lambda i: mapped.get(str(i), i))
        out.append(RawTable(table.name, table.source, frame, table.columns, table.notes))
    notes = [f"{len(mapped):,} compan{'y' if len(mapped) == 1 else 'ies'} of the export "
             "matched stored ones and enrich them (e.g. "
             + ", ".join(f"{new} -> {old}" for new, old in list(mapped.items())[:5]) + ")"
             ] if mapped else []
    if kept:
        examples = "; ".join(f"{i}: {', '.join(fields)}" for i, fields in list(kept.items())[:5])
        notes.append(f"kept {sum(map(len, kept.values())):,} stored value(s) that the export "
                     f"gives differently ({examples}); edit them to change them")
    return out, notes + review


def _enrich(frame: pd.DataFrame, stored: dict[str, Node], kept: dict[str, list[str]]
            ) -> pd.DataFrame:
    """Rows of stored companies: empty fields filled, lists joined, differing values kept."""
    frame = frame.astype(object)
    if "aliases" not in frame.columns:
        frame["aliases"] = ""
    for index, row in frame.iterrows():
        node = stored.get(str(row["id"]))
        if node is None:
            continue
        aliases = [str(a) for a in node.properties.get("aliases") or ()]
        aliases += [a for a in str(row["aliases"] or "").split(";") if a]
        for column in frame.columns:
            if column in (ROW, "id", "aliases") or _blank(row[column]):
                continue
            value = str(row[column])
            have = node.properties.get(column)
            if column == "name":
                if value != node.name:
                    aliases.append(value)
                frame.at[index, column] = ""
            elif column in _LISTS:
                merged = [str(v) for v in have or ()] + value.split(";")
                frame.at[index, column] = ";".join(dict.fromkeys(v for v in merged if v))
            elif not _blank(have) and str(have) != value:
                kept[node.id].append(column)
                frame.at[index, column] = ""
        frame.at[index, "aliases"] = ";".join(dict.fromkeys(aliases))
    return frame
