"""A streamed import's relationships, staged in a temporary table of the embedded store.

A large relationship file is read in chunks (:func:`ecosystem.io.tabular.read_csv_chunks`);
each chunk is validated and its rows appended to a temporary table, which costs no more
memory than the chunk. Once every chunk has passed, the rows are checked for duplicates
across chunks and written into ``relationships`` in primary-key order, by SQLite's own
external sort: appends to the B-tree instead of random inserts, in bounded memory. All of
it happens inside the write's transaction, so a refusal or a crash leaves the store as it
was.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from itertools import repeat
from typing import Any

import pandas as pd

from ecosystem.errors import Problem
from ecosystem.io.batch import CLEARED, ROW, GraphBatch
from ecosystem.io.validate import SOURCE, Problems

__all__ = ["StagedRelationships", "props_json", "texts"]

_IDENTITY = ("source", "target", "since", "key")
_KEY = "kind, source, target, since, key"
_INSERT = f"""
INSERT INTO relationships ({_KEY}, until, props)
SELECT {_KEY}, until, props FROM temp.staged WHERE true ORDER BY {_KEY}
"""
# An empty 'until' keeps the stored one; a row that clears it reopens the relationship.
_UPSERT = _INSERT + """
ON CONFLICT (kind, source, target, since, key)
DO UPDATE SET props = json_patch(relationships.props, excluded.props),
              until = coalesce(excluded.until, until)
"""
_REOPEN = f"""
UPDATE relationships SET until = NULL
WHERE ({_KEY}) IN (SELECT {_KEY} FROM temp.staged WHERE reopen)
"""
_DUPLICATES = f"""
WITH firsts AS (
    SELECT {_KEY}, min(rowid) AS first FROM temp.staged
    GROUP BY {_KEY} HAVING count(*) > 1
)
SELECT s.kind, s.source, s.file, s.row, f.file, f.row,
       count(*) OVER () AS total
FROM temp.staged AS s JOIN firsts USING ({_KEY}) JOIN temp.staged AS f ON f.rowid = first
WHERE s.rowid != first
ORDER BY s.rowid
LIMIT ?
"""


class StagedRelationships:
    """The relationship rows of one streamed write, staged on the writer's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.written: dict[str, int] = {}
        self._reopens = False
        db.execute("DROP TABLE IF EXISTS temp.staged")
        db.execute(f"CREATE TEMP TABLE staged ({_KEY}, until, props, reopen, file, row)")

    def add(self, batch: GraphBatch) -> None:
        """Append the relationships of ``batch`` (validated with ``keep_rows``)."""
        for kind, frame in batch.relationships.items():
            cleared = GraphBatch.cleared(frame)
            until = (frame["until"].astype(object).where(frame["until"].notna(), None)
                     .tolist() if "until" in frame.columns else repeat(None))
            props = props_json(frame.drop(columns=[c for c in (*_IDENTITY, "until", ROW,
                                                               SOURCE) if c in frame]),
                               cleared)
            reopen = [1 if "until" in fields else None for fields in cleared]
            self._reopens = self._reopens or any(reopen)
            self._db.executemany(
                "INSERT INTO temp.staged VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                zip(repeat(kind.value), *(texts(frame, c) for c in _IDENTITY), until, props,
                    reopen, texts(frame, SOURCE), frame[ROW].tolist()))
            self.written[kind.value] = self.written.get(kind.value, 0) + len(frame)

    def report_duplicates(self, problems: Problems) -> None:
        """Add a problem for each row that repeats an earlier row's identity."""
        room = max(problems.cap - len(problems.items), 1)
        found = self._db.execute(_DUPLICATES, (room,)).fetchall()
        for kind, source, file, row, first_file, first_row, _ in found:
            where = f"row {first_row}" + ("" if first_file == file else f" of {first_file}")
            if len(problems.items) < problems.cap:
                problems.items.append(Problem(
                    file=file, row=row, column="source", value=source,
                    message=f"duplicate '{kind}' relationship (same source, target and "
                    "since)",
                    fix="Keep one row, or tell parallel rows apart with the 'key' column. "
                    f"First seen in {where}."))
        problems.total += int(found[0][-1]) if found else 0

    def write(self, *, fresh: bool, problems: Problems) -> None:
        """Write the staged rows; ``fresh``: the store holds no relationship of their
        kinds, so a plain insert does, and a key met twice fails it (a duplicate)."""
        if fresh:
            try:
                self._db.execute(_INSERT)
            except sqlite3.IntegrityError:
                self.report_duplicates(problems)
                return
        else:
            self.report_duplicates(problems)
            if problems.total:
                return
            self._db.execute(_UPSERT)
        if self._reopens:
            self._db.execute(_REOPEN)

    def drop(self) -> None:
        self._db.execute("DROP TABLE IF EXISTS temp.staged")


def texts(frame: pd.DataFrame, column: str) -> list[Any]:
    """A column's values as a list of Python objects (fast for Arrow-backed text)."""
    return frame[column].to_numpy(dtype=object).tolist()


def props_json(frame: pd.DataFrame, cleared: Sequence[tuple[str, ...]]) -> list[str]:
    """One JSON object per row, at C speed, holding the values given; a field the row
    clears is a null (which ``json_patch`` removes), an empty cell is left out (kept)."""
    frame = frame.drop(columns=[CLEARED], errors="ignore").dropna(axis=1, how="all")
    if frame.shape[1] == 0:
        lines = ["{}"] * len(frame)
    else:
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        if frame.isna().to_numpy().any():
            text = _drop_nulls(text, [str(c) for c in frame.columns])
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
    for i, fields in enumerate(cleared):
        if fields:
            lines[i] = json.dumps(json.loads(lines[i]) | dict.fromkeys(fields),
                                  ensure_ascii=False)
    return lines


def _drop_nulls(text: str, keys: list[str]) -> str:
    """``text`` (JSON objects with the keys ``keys``) without its ``"key":null`` members.

    Safe on any values: inside a JSON string every quote is escaped, so a member pattern
    that starts with an unescaped quote after ``{`` or ``,`` only matches structure.
    """
    names = "|".join(re.escape(json.dumps(k, ensure_ascii=False)) for k in keys)
    text = re.sub(rf"(?<=[{{,])(?:{names}):null,", "", text)  # first or middle member
    text = re.sub(rf",(?:{names}):null(?=}})", "", text)  # last member
    return re.sub(rf"{{(?:{names}):null}}", "{}", text)  # only member

