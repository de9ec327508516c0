"""A streamed import's relationships, staged in sorted buckets beside the store.

A large relationship file is read in chunks (:func:`ecosystem.io.tabular.read_csv_chunks`);
each chunk is validated and its rows are appended, as Arrow record batches, to *buckets*:
temporary files that each hold one range of the relationship key (source, target, since,
key) of one kind. Once every chunk has passed, the buckets are read one at a time in key
order, sorted, checked for duplicates (a key met twice, in any chunk or file) and written
into ``relationships`` with one pass of inserts in primary-key order: appends to the B-tree
instead of random inserts, and each row goes through SQLite once. A bucket that grew past
:data:`BUCKET_ROWS` is split by its own quantiles before it is read whole, so memory is
bounded by the bucket, not by the file. The inserts run inside the store's transaction, so a
refusal or a crash leaves the store as it was; the bucket files are removed at the end (they
live in the system's temporary folder, ``TMPDIR``).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ecosystem.errors import Problem
from ecosystem.io.batch import CLEARED, ROW, GraphBatch
from ecosystem.io.convert import is_arrow_text
from ecosystem.io.validate import SOURCE, CleanRelationships, Problems

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BUCKET_ROWS", "INSERT_RELATIONSHIPS", "ON_STORED_RELATIONSHIP",
           "ON_STORED_RELATIONSHIP_UNTIL", "REOPEN", "StagedRelationships", "insert_rows",
           "object_rows", "props_column", "props_json", "texts"]

#: The most rows a bucket holds when it is read to be sorted and written.
BUCKET_ROWS = 100_000
_FIRST_BUCKETS = 16  # ranges of a kind's key, from the quantiles of its first chunk
_SAMPLE = 4_096  # keys sampled to split a bucket
_INSERT_ROWS = 50_000  # rows per executemany
_IDENTITY = ("source", "target", "since", "key")
_COLUMNS = ("source", "target", "since", "key", "until", "props")
#: The start of every insert of relationships; the rows follow as ``VALUES (?, ...), ...``.
INSERT_RELATIONSHIPS = ("INSERT INTO relationships (kind, source, target, since, key, until, "
                        "props)")
#: On a stored key, the properties given are patched in (a null removes one).
ON_STORED_RELATIONSHIP = ("ON CONFLICT (kind, source, target, since, key) "
                          "DO UPDATE SET props = json_patch(relationships.props, excluded.props)")
#: The same, and an 'until' given replaces the stored one (an empty one keeps it; a row
#: that clears it reopens the relationship with :data:`REOPEN`).
ON_STORED_RELATIONSHIP_UNTIL = (ON_STORED_RELATIONSHIP
                                + ", until = coalesce(excluded.until, until)")
#: Rows per INSERT statement. Many rows to a statement cut the cost per row by 40% (1M
#: relationships: 1.8 s instead of 3 s), since SQLite prepares, steps and resets a
#: statement, and Python loops over parameters, once for all of them.
ROWS_PER_STATEMENT = 100
#: Clears the 'until' of one relationship (kind, source, target, since, key).
REOPEN = ("UPDATE relationships SET until = NULL WHERE kind = ? AND source = ? AND target = ? "
          "AND since = ? AND key = ?")


@dataclass
class _Bucket:
    """One temporary file of record batches, all of one range of keys."""

    path: Path
    rows: int = 0
    writer: Any = None  # pyarrow's stream writer while rows are appended

    def append(self, table: pa.Table | pa.RecordBatch) -> None:
        import pyarrow as pa

        if self.writer is None:
            self.writer = pa.ipc.new_stream(str(self.path), table.schema)
        self.writer.write(table)
        self.rows += table.num_rows

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def batches(self) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        self.close()
        if self.rows:
            with pa.ipc.open_stream(str(self.path)) as reader:
                yield from reader

    def read(self) -> pa.Table:
        import pyarrow as pa

        table = pa.Table.from_batches(list(self.batches()))
        self.path.unlink(missing_ok=True)
        return table


@dataclass
class _Ranges:
    """The buckets of one kind: bucket ``i`` holds the keys ``bounds[i-1] <= k < bounds[i]``."""

    bounds: list[str]
    buckets: list[_Bucket] = field(default_factory=list)


@dataclass
class _Duplicates:
    """The rows that repeat an earlier row's key: how many, and the earliest few."""

    room: int
    total: int = 0
    found: list[tuple[int, str, str, int, int, int, int]] = field(default_factory=list)

    def add(self, kind: str, table: pa.Table, repeats: np.ndarray, firsts: np.ndarray) -> None:
        self.total += len(repeats)
        seq = table.column("seq").to_numpy()
        earliest = repeats[np.argsort(seq[repeats], kind="stable")][: self.room]
        source = table.column("source").take(earliest).to_pylist()
        files = table.column("file").to_numpy()
        rows = table.column("row").to_numpy()
        for i, position in enumerate(earliest):
            first = firsts[position]
            self.found.append((int(seq[position]), kind, source[i], int(files[position]),
                               int(rows[position]), int(files[first]), int(rows[first])))
        self.found = sorted(self.found)[: self.room]


class StagedRelationships:
    """The relationship rows of one streamed write, staged in bucket files, then written
    on the writer's connection ``db``."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._folder = Path(tempfile.mkdtemp(prefix="ecosystem-import-"))
        self._ranges: dict[str, _Ranges] = {}
        self._files: dict[str, int] = {}
        self._seq = 0
        self._made = 0
        self.written: dict[str, int] = {}

    def add(self, batch: GraphBatch) -> None:
        """Append the relationships of ``batch`` (validated with ``keep_rows``)."""
        for kind, frame in batch.relationships.items():
            if len(frame):
                self._add(kind.value, self._table(frame))
                self.written[kind.value] = self.written.get(kind.value, 0) + len(frame)

    def add_clean(self, clean: CleanRelationships) -> None:
        """Append the rows of a chunk that passed the check of clean chunks in Arrow."""
        count = len(clean.rows)
        file = self._files.setdefault(clean.source, len(self._files))
        self._add(clean.kind.value, self._staged(
            clean.ends, props_column(clean.props, [()] * count),
            np.full(count, file, dtype=np.int32), clean.rows, np.zeros(count, dtype=bool)))
        self.written[clean.kind.value] = self.written.get(clean.kind.value, 0) + count

    def _table(self, frame: pd.DataFrame) -> pa.Table:
        cleared = GraphBatch.cleared(frame)
        kept = [c for c in (*_IDENTITY, "until", ROW, SOURCE) if c in frame]
        props = props_column(frame.drop(columns=kept), cleared)
        ends = {c: _strings(frame[c]) for c in (*_IDENTITY, "until") if c in frame.columns}
        codes, names = pd.factorize(frame[SOURCE].astype(str))
        ids = np.array([self._files.setdefault(str(n), len(self._files)) for n in names],
                       dtype=np.int32)
        reopen = (np.fromiter(("until" in fields for fields in cleared), dtype=bool,
                              count=len(frame)) if CLEARED in frame.columns
                  else np.zeros(len(frame), dtype=bool))
        return self._staged(ends, props, ids[codes], frame[ROW].to_numpy(dtype=np.int64),
                            reopen)

    def _staged(self, ends: dict[str, pa.Array | pa.ChunkedArray], props: pa.Array,
                files: np.ndarray, rows: np.ndarray, reopen: np.ndarray) -> pa.Table:
        """The staged form of validated rows: their key as one text, the stored columns,
        and where each row came from."""
        import pyarrow as pa
        import pyarrow.compute as pc

        count = len(rows)
        # one text whose order is the key's order: no id holds a NUL (validation refuses it)
        order = pc.binary_join_element_wise(*(ends[c] for c in _IDENTITY), "\x00")
        return pa.table({
            "order": order, **{c: ends[c] for c in _IDENTITY},
            "until": ends.get("until", pa.nulls(count, pa.string())),
            "props": props, "reopen": pa.array(reopen),
            "file": pa.array(files), "row": pa.array(rows),
            "seq": pa.array(np.arange(self._seq, self._seq + count, dtype=np.int64)),
        })

    def _add(self, kind: str, table: pa.Table) -> None:
        self._seq += table.num_rows
        ranges = self._ranges.get(kind)
        if ranges is None:
            ranges = self._ranges[kind] = self._split_ranges(_sample(table["order"]),
                                                            _FIRST_BUCKETS)
        for bucket, part in zip(ranges.buckets, _partition(table, ranges.bounds),
                                strict=True):
            if part.num_rows:
                bucket.append(part)

    def _split_ranges(self, sample: list[str], parts: int) -> _Ranges:
        sample = sorted(sample)
        step = len(sample) / parts
        bounds = sorted({sample[int(i * step)] for i in range(1, parts)} - {sample[0]}
                        ) if sample else []
        ranges = _Ranges(bounds)
        for _ in range(len(bounds) + 1):
            self._made += 1
            ranges.buckets.append(_Bucket(self._folder / f"{self._made:06d}.arrow"))
        return ranges

    def write(self, *, fresh: bool, problems: Problems,
              done: Callable[[int], object] = lambda rows: None) -> None:
        """Write the staged rows, kind by kind and bucket by bucket in key order;
        ``fresh``: the store holds no relationship of their kinds, so a plain insert does.
        A key met twice is reported (every such row, up to the cap) and nothing more is
        written; the caller rolls the transaction back. ``done`` is told how many rows
        each bucket held once it is through (for a progress bar)."""
        duplicates = _Duplicates(room=max(problems.cap - len(problems.items), 1))
        conflict = "" if fresh else ON_STORED_RELATIONSHIP_UNTIL
        for kind in sorted(self._ranges):
            for table in self._sorted_buckets(self._ranges[kind].buckets):
                repeats, firsts = _repeats(table["order"])
                if len(repeats):
                    duplicates.add(kind, table, repeats, firsts)
                if not duplicates.total:
                    self._insert(conflict, kind, table)
                done(table.num_rows)
        files = list(self._files)
        for _, kind, source, file, row, first_file, first_row in duplicates.found:
            where = f"row {first_row}" + ("" if first_file == file else
                                          f" of {files[first_file]}")
            if len(problems.items) < problems.cap:
                problems.items.append(Problem(
                    file=files[file], row=row, column="source", value=source,
                    message=f"duplicate '{kind}' relationship (same source, target and "
                    "since)",
                    fix="Keep one row, or tell parallel rows apart with the 'key' column. "
                    f"First seen in {where}."))
        problems.total += duplicates.total

    def _sorted_buckets(self, buckets: Sequence[_Bucket]) -> Iterator[pa.Table]:
        """Each bucket's rows sorted by key (then by their order in the input); a bucket
        too large to read whole is split first."""
        for bucket in buckets:
            if bucket.rows > BUCKET_ROWS:
                parts = self._split_bucket(bucket)
                if parts is not None:
                    yield from self._sorted_buckets(parts)
                    continue
            if bucket.rows:
                table = bucket.read()
                yield table.take(_sort_indices(table))

    def _split_bucket(self, bucket: _Bucket) -> list[_Bucket] | None:
        """``bucket``'s rows in smaller buckets, by the quantiles of a sample of its keys
        (None when every key is the same and no split is possible)."""
        every = max(bucket.rows // _SAMPLE, 1)
        sample: list[str] = []
        for batch in bucket.batches():
            sample += _sample(batch.column(0), every)
        ranges = self._split_ranges(sample, -(-bucket.rows // (BUCKET_ROWS // 2)))
        if not ranges.bounds:
            return None
        for batch in bucket.batches():
            for part_bucket, part in zip(ranges.buckets, _partition(batch, ranges.bounds),
                                         strict=True):
                if part.num_rows:
                    part_bucket.append(part)
        bucket.path.unlink(missing_ok=True)
        return ranges.buckets

    def _insert(self, conflict: str, kind: str, table: pa.Table) -> None:
        for start in range(0, table.num_rows, _INSERT_ROWS):
            part = table.slice(start, _INSERT_ROWS)
            rows = object_rows(kind, *(part.column(c).to_numpy(zero_copy_only=False)
                                       for c in _COLUMNS))
            insert_rows(self._db, INSERT_RELATIONSHIPS, conflict, rows)
            reopen = part.column("reopen").to_numpy()
            if reopen.any():
                self._db.executemany(REOPEN, rows[reopen, :5].tolist())

    def drop(self) -> None:
        """Remove the bucket files."""
        for ranges in self._ranges.values():
            for bucket in ranges.buckets:
                bucket.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def object_rows(*columns: Any) -> np.ndarray:
    """The rows of ``columns`` (sequences of one length, or one value for every row) as
    a two-dimensional array of Python objects, ready for :func:`insert_rows`."""
    length = next(len(c) for c in columns if not isinstance(c, str) and c is not None)
    rows = np.empty((length, len(columns)), dtype=object)
    for i, column in enumerate(columns):
        rows[:, i] = column
    return rows


def insert_rows(db: sqlite3.Connection, insert: str, conflict: str, rows: np.ndarray) -> None:
    """Run ``{insert} VALUES (?, ...), (?, ...), ... {conflict}`` over ``rows`` (made
    with :func:`object_rows`), :data:`ROWS_PER_STATEMENT` rows to a statement. SQLite
    applies the rows of one statement in turn, so a conflict clause works as it would
    row by row."""
    count, width = rows.shape
    whole = count // ROWS_PER_STATEMENT * ROWS_PER_STATEMENT
    if whole:
        db.executemany(_values_sql(insert, conflict, width, ROWS_PER_STATEMENT),
                       rows[:whole].reshape(-1, width * ROWS_PER_STATEMENT).tolist())
    if whole < count:
        db.execute(_values_sql(insert, conflict, width, count - whole),
                   rows[whole:].ravel().tolist())


def _values_sql(insert: str, conflict: str, width: int, rows: int) -> str:
    one = "(" + ", ".join("?" * width) + ")"
    return f"{insert} VALUES {', '.join([one] * rows)} {conflict}"


def _strings(column: pd.Series) -> pa.Array:
    """A text column as an Arrow string array, without a round trip through Python
    objects when pandas already holds it in Arrow; missing values are nulls."""
    import pyarrow as pa

    if is_arrow_text(column):
        return pa.array(column, pa.string(), from_pandas=True)
    values = column.astype(object).where(column.notna(), None)
    return pa.array(values.to_numpy(dtype=object), pa.string(), from_pandas=True)


def _sample(column: pa.ChunkedArray | pa.Array, every: int = 0) -> list[str]:
    """Every ``every``-th value of ``column`` (by default, about :data:`_SAMPLE` of them)."""
    every = every or max(len(column) // _SAMPLE, 1)
    sample: list[str] = column.take(np.arange(0, len(column), every)).to_pylist()
    return sample


def _partition(table: pa.Table | pa.RecordBatch, bounds: Sequence[str]
               ) -> Iterator[pa.Table | pa.RecordBatch]:
    """The rows of ``table`` in ``len(bounds) + 1`` parts by their key (column 0)."""
    import pyarrow.compute as pc

    keys = table.column(0)
    which = np.zeros(table.num_rows, dtype=np.int32)
    for bound in bounds:
        which += pc.greater_equal(keys, bound).to_numpy(zero_copy_only=False)
    order = np.argsort(which, kind="stable")
    table = table.take(order)
    ends = np.cumsum(np.bincount(which, minlength=len(bounds) + 1))
    start = 0
    for end in ends:
        yield table.slice(start, int(end) - start)
        start = int(end)


def _sort_indices(table: pa.Table) -> pa.Array:
    import pyarrow.compute as pc

    return pc.sort_indices(table, sort_keys=[("order", "ascending"), ("seq", "ascending")])


def _repeats(keys: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """In sorted ``keys``: the positions that repeat the key before them, and for every
    position the first position of its key."""
    import pyarrow.compute as pc

    if len(keys) < 2:
        return np.array([], dtype=np.int64), np.arange(len(keys))
    same = np.concatenate([[False], pc.equal(keys[1:], keys[:-1]).to_numpy(
        zero_copy_only=False)])
    positions = np.arange(len(keys))
    firsts = np.maximum.accumulate(np.where(same, 0, positions))
    return np.flatnonzero(same), firsts


def texts(frame: pd.DataFrame, column: str) -> list[Any]:
    """A column's values as a list of Python objects (fast for Arrow-backed text)."""
    return frame[column].to_numpy(dtype=object).tolist()


def props_json(frame: pd.DataFrame, cleared: Sequence[tuple[str, ...]]) -> list[str]:
    """One JSON object per row, at C speed, holding the values given; a field the row
    clears is a null (which ``json_patch`` removes), an empty cell is left out (kept)."""
    frame = _given(frame)
    if frame.shape[1] == 0:
        lines = ["{}"] * len(frame)
    elif _only_numbers(frame):
        lines = _number_objects(frame).to_pylist()
    else:
        frame, spelled = _spelled_floats(frame)
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        if spelled:
            text = _unquoted(text, spelled)
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


def props_column(frame: pd.DataFrame, cleared: Sequence[tuple[str, ...]]) -> pa.Array:
    """:func:`props_json` as an Arrow column, made in Arrow when every field is a
    number and no row clears one (a staged chunk of weighted ties, say)."""
    import pyarrow as pa

    given = _given(frame)
    if given.shape[1] and _only_numbers(given) and not any(cleared):
        return _number_objects(given)
    return pa.array(props_json(frame, cleared), pa.string())


def _given(frame: pd.DataFrame) -> pd.DataFrame:
    """The property columns of ``frame`` that hold a value in some row."""
    return frame.drop(columns=[CLEARED], errors="ignore").dropna(axis=1, how="all")


def _only_numbers(frame: pd.DataFrame) -> bool:
    return all(dtype.kind == "f" for dtype in frame.dtypes)


def _number_objects(frame: pd.DataFrame) -> pa.Array:
    """Rows of float columns as JSON objects (each number as :func:`_number_texts`
    writes it); a missing number is left out."""
    import pyarrow.compute as pc

    members = []
    for name in frame.columns:
        text = _number_texts(frame[name].to_numpy(dtype="float64", na_value=np.nan))
        member = pc.binary_join_element_wise(
            json.dumps(str(name), ensure_ascii=False) + ":", text, ",", "")
        members.append(pc.fill_null(member, ""))
    # (joined without nulls: pyarrow 26 drops a last row of nulls when it skips them)
    inside = pc.utf8_rtrim(pc.binary_join_element_wise(*members, ""), characters=",")
    return pc.binary_join_element_wise("{", inside, "}", "")


def _number_texts(values: np.ndarray) -> pa.Array:
    """Numbers as JSON text, written by Arrow: the shortest text that reads back as the
    same number ('.0' added to a whole number, so that it reads back as a float); NaN is
    null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(pa.array(values, from_pandas=True), pa.string())
    whole = pc.match_substring_regex(text, r"^-?[0-9]+$")
    return pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)


def _spelled_floats(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``frame`` with each column of numbers that pandas' JSON writer would round (it
    writes at most 10 decimals and no exponent: 1e-12 as 0.0) spelled out exactly, as
    text (:func:`_number_texts`); and the names of those columns. Whole numbers and
    multiples of 1/1024 below 2**53 are written exactly, so most columns are left alone."""
    spelled: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind != "f":
            continue
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(over="ignore", invalid="ignore"):  # (huge values: not exact)
            scaled = values * 1024
            exact = np.isnan(values) | ((np.abs(values) < 2.0**53)
                                        & (scaled == np.floor(scaled)))
        if not exact.all():
            spelled[str(name)] = pd.Series(
                _number_texts(values).to_numpy(zero_copy_only=False), index=frame.index,
                dtype=object)
    if not spelled:
        return frame, []
    return frame.assign(**spelled), list(spelled)


def _unquoted(text: str, keys: list[str]) -> str:
    """``text`` (JSON objects) with the string values of the members ``keys`` unquoted:
    they hold numbers spelled by :func:`_spelled_floats`. Safe for the reason given in
    :func:`_drop_nulls`; a spelled number holds no quote or backslash."""
    names = "|".join(re.escape(json.dumps(k, ensure_ascii=False)) for k in keys)
    return re.sub(rf'(?<=[{{,])({names}):"([^"\\]*)"', r"\1:\2", text)


def _drop_nulls(text: str, keys: list[str]) -> str:
    """``text`` (JSON objects with the keys ``keys``) without its ``"key":null`` members.

    Safe on any values: inside a JSON string every quote is escaped, so a member pattern
    that starts with an unescaped quote after ``{`` or ``,`` only matches structure.
    """
    names = "|".join(re.escape(json.dumps(k, ensure_ascii=False)) for k in keys)
    text = re.sub(rf"(?<=[{{,])(?:{names}):null,", "", text)  # first or middle member
    text = re.sub(rf",(?:{names}):null(?=}})", "", text)  # last member
    return re.sub(rf"{{(?:{names}):null}}", "{}", text)  # only member
