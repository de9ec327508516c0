"""Validation of raw tables into a :class:`GraphBatch`, collecting every problem.

The import is all-or-nothing: :func:`validate_tables` either returns a batch in which every
value is typed and every reference resolves (within the batch or in the store), or raises
:class:`~ecosystem.errors.ImportRefused` listing the problems (file, row, column, value,
fix), up to a cap.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import CLEARED, ROW, GraphBatch, RawTable
from ecosystem.io.convert import (
    CLEAR,
    arrow_dates,
    arrow_numbers,
    blank_mask,
    clear_mask,
    convert_column,
    expectation,
    invalid_numbers,
    invalid_text_mask,
    is_arrow_text,
)
from ecosystem.io.lifecycle_checks import StoredNodes, check_lifecycle
from ecosystem.model import (
    DERIVED_KEY_FIELDS,
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Field,
    FieldType,
    NodeKind,
    RelKind,
)

__all__ = ["DEFAULT_PROBLEM_CAP", "GENERIC_RELATIONSHIPS_TABLE", "SOURCE", "CleanRelationships",
           "FrozenIds", "Problems", "clean_relationships", "validate_tables"]

DEFAULT_PROBLEM_CAP = 50
#: A table with a ``kind`` column that may hold relationships of every kind.
GENERIC_RELATIONSHIPS_TABLE = "relationships"
#: Column of the raw frames (and of a batch validated with ``keep_rows``): the file.
SOURCE = _SOURCE = "__source__"

#: Fields that identify a row; they can never be cleared.
_IDENTITY = frozenset({"id", "source", "target", "since", "key"})

_NODE_TABLES = {s.table: s for s in NODE_SCHEMAS.values()}
_REL_TABLES = {s.table: s for s in RELATIONSHIP_SCHEMAS.values()}
_ALL_TABLES = [*_NODE_TABLES, *_REL_TABLES, GENERIC_RELATIONSHIPS_TABLE]

#: Looks up the ids a store already holds for a node kind.
KnownIds = Callable[[NodeKind], set[str] | frozenset[str]]


class FrozenIds(frozenset[str]):
    """Ids that stay the same over many validations (the stored ids, while a streamed
    import validates chunk after chunk): their Arrow form is made once, and a chunk's
    references are looked up in it at C speed."""

    @cached_property
    def arrow(self) -> pa.Array:
        import pyarrow as pa

        return pa.array(list(self), pa.string())


@dataclass
class Problems:
    """Collects problems up to ``cap`` while counting all of them."""

    cap: int = DEFAULT_PROBLEM_CAP
    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.items) < self.cap:
            self.items.append(problem)

    def add_rows(
        self,
        frame: pd.DataFrame,
        mask: pd.Series,
        *,
        column: str | None,
        values: pd.Series | None,
        message: str,
        fix: str,
    ) -> None:
        """Add one problem per row of ``frame`` where ``mask`` is True."""
        count = int(mask.sum())
        if not count:
            return
        room = max(self.cap - len(self.items), 0)
        for index in mask[mask].index[:room]:
            value = None if values is None else values.at[index]
            self.items.append(
                Problem(
                    file=str(frame.at[index, _SOURCE]),
                    row=int(cast(int, frame.at[index, ROW])),
                    column=column,
                    value=value,
                    message=message,
                    fix=fix,
                )
            )
        self.total += count

    def absorb(self, refused: ImportRefused) -> None:
        """Add the problems of a refusal (of one chunk of a streamed import)."""
        self.items += refused.problems[:max(self.cap - len(self.items), 0)]
        self.total += refused.total

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportRefused(self.items, total=self.total)


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name.lower(), list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def validate_tables(
    tables: Sequence[RawTable],
    known_ids: KnownIds,
    *,
    cap: int = DEFAULT_PROBLEM_CAP,
    stored: StoredNodes | None = None,
    allow_empty: bool = False,
    keep_rows: bool = False,
) -> GraphBatch:
    """Check and convert raw tables into a batch; raise ImportRefused listing every problem.

    Parameters
    ----------
    tables
        Tables as read by the readers; names are table names (``companies``, ``member_of``,
        ``relationships`` ...).
    known_ids
        The ids the store holds already, by node kind; references may point at them.
    cap
        Keep at most this many problems in the error (all are counted).
    stored
        Reads the stored nodes of a kind; given, the partnership lifecycle's rules
        (:mod:`ecosystem.io.lifecycle_checks`) are checked against the stored history too.
    allow_empty
        Accept tables with no rows (a write that only deletes).
    keep_rows
        Keep each row's file and row number in the batch's frames (columns :data:`ROW`
        and :data:`SOURCE`), for checks that span chunks of a streamed import; duplicate
        relationships are then left to that check (the store's, across every chunk).
    """
    problems = Problems(cap=cap)
    node_parts: dict[NodeKind, list[pd.DataFrame]] = {}
    rel_parts: dict[RelKind, list[pd.DataFrame]] = {}
    for table in tables:
        frame = table.frame.copy()
        frame[_SOURCE] = table.source
        name = table.name.strip().lower()
        if name in _NODE_TABLES:
            schema = _NODE_TABLES[name]
            # Only the id is required of every row: the other required fields are required
            # of new nodes (checked with the store's ids), so rows may update stored nodes.
            if _check_columns(frame, schema.field_names, schema.fields[:1], table.source,
                              problems):
                node_parts.setdefault(schema.kind, []).append(frame)
        elif name in _REL_TABLES:
            rel = _REL_TABLES[name]
            if _check_columns(frame, rel.field_names, rel.all_fields, table.source, problems):
                rel_parts.setdefault(rel.kind, []).append(frame)
        elif name == GENERIC_RELATIONSHIPS_TABLE:
            for kind, part in _split_generic(frame, table.source, problems):
                rel_parts.setdefault(kind, []).append(part)
        else:
            problems.add(
                Problem(
                    file=table.source,
                    message=f"unknown table '{table.name}'",
                    value=table.name,
                    fix=f"Rename it to one of the table names.{_suggest(name, _ALL_TABLES)} "
                    f"Tables: {', '.join(_ALL_TABLES)}.",
                )
            )
    batch = GraphBatch()
    for node_kind, parts in node_parts.items():
        batch.nodes[node_kind] = _convert_nodes(node_kind, pd.concat(parts, ignore_index=True),
                                                problems)
    for rel_kind, rel_frames in rel_parts.items():
        batch.relationships[rel_kind] = _convert_relationships(
            rel_kind, pd.concat(rel_frames, ignore_index=True), problems,
            duplicates=not keep_rows)
    if not problems.total:
        _check_references(batch, known_ids, problems)
    if not problems.total and stored is not None:
        for problem in check_lifecycle(batch, stored):
            problems.add(problem)
    if not problems.total and batch.is_empty() and not allow_empty:
        sources = ", ".join(sorted({t.source for t in tables})) or "the input"
        problems.add(
            Problem(
                file=sources,
                message="no rows to import",
                fix="Give at least one table with data rows, such as companies.csv with "
                "columns id,name.",
            )
        )
    renamed = {t.source: t.columns for t in tables if t.columns}
    if renamed:  # name the columns of the user's file, not the ones a reader derived
        problems.items = [_renamed(p, renamed[p.file]) if p.file in renamed else p
                          for p in problems.items]
    problems.raise_if_any()
    if not keep_rows:
        for frame in (*batch.nodes.values(), *batch.relationships.values()):
            del frame[ROW], frame[_SOURCE]
    return batch


def _renamed(problem: Problem, columns: dict[str, str]) -> Problem:
    if problem.column is None or problem.column not in columns:
        return problem
    name = columns[problem.column]
    return replace(problem, column=name,
                   message=problem.message.replace(f"'{problem.column}'", f"'{name}'"))


def _check_columns(
    frame: pd.DataFrame,
    allowed: list[str],
    fields: Sequence[Field],
    source: str,
    problems: Problems,
) -> bool:
    columns = [c for c in frame.columns if c not in (ROW, _SOURCE)]
    unknown = [c for c in columns if c not in allowed]
    before = problems.total
    for column in unknown:
        problems.add(
            Problem(
                file=source,
                row=1,
                column=column,
                message="unknown column",
                fix=f"Rename or remove it.{_suggest(column, allowed)} "
                f"Columns of this table: {', '.join(allowed)}.",
            )
        )
    for fld in fields:
        if fld.required and fld.name not in columns:
            problems.add(
                Problem(
                    file=source,
                    row=1,
                    column=fld.name,
                    message="required column is missing",
                    fix=f"Add a column '{fld.name}' to the header"
                    + (f" (e.g. {fld.example!r})." if fld.example else "."),
                )
            )
    duplicated = {c for c in columns if columns.count(c) > 1}
    for column in sorted(duplicated):
        problems.add(
            Problem(file=source, row=1, column=column, message="column appears twice",
                    fix="Keep one column of that name.")
        )
    return problems.total == before


def _split_generic(
    frame: pd.DataFrame, source: str, problems: Problems
) -> Iterable[tuple[RelKind, pd.DataFrame]]:
    if "kind" not in frame.columns:
        problems.add(
            Problem(file=source, row=1, column="kind", message="required column is missing",
                    fix="Add a column 'kind' naming each row's relationship kind, "
                    "e.g. 'member_of'.")
        )
        return
    kinds = frame["kind"].map(lambda v: str(v).strip().lower() if v is not None else "")
    unknown = ~kinds.isin(list(_REL_TABLES))
    for value in kinds[unknown].unique():
        mask = unknown & (kinds == value)
        problems.add_rows(
            frame, mask, column="kind", values=frame["kind"],
            message="unknown relationship kind",
            fix=f"Use one of the relationship kinds.{_suggest(str(value), _REL_TABLES)} "
            f"Kinds: {', '.join(_REL_TABLES)}.",
        )
    for value in kinds[~unknown].unique():
        rel = _REL_TABLES[value]
        part = frame[kinds == value].drop(columns=["kind"])
        extra = [c for c in part.columns if c not in (*rel.field_names, ROW, _SOURCE)]
        for column in extra:
            filled = ~blank_mask(part[column])
            problems.add_rows(
                part, filled, column=column, values=part[column],
                message=f"a '{value}' relationship has no field '{column}'",
                fix=f"Leave the cell empty for this kind. Fields of '{value}': "
                f"{', '.join(rel.field_names)}.",
            )
        part = part.drop(columns=extra)
        missing = [f.name for f in rel.all_fields if f.required and f.name not in part.columns]
        for name in missing:
            problems.add(Problem(file=source, row=1, column=name,
                                 message=f"required column for '{value}' is missing",
                                 fix=f"Add a column '{name}'."))
        if not missing:
            yield rel.kind, part


def _convert_fields(
    frame: pd.DataFrame, fields: Sequence[Field], problems: Problems,
    required: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Convert every column; flag bad cells, and empty cells of the ``required`` fields
    (default: every field marked required). ``#clear`` cells of optional fields are
    recorded in the :data:`CLEARED` column."""
    must = {f.name for f in fields if f.required} if required is None else set(required)
    out = pd.DataFrame({ROW: frame[ROW], _SOURCE: frame[_SOURCE]})
    clears: dict[str, pd.Series] = {}
    for fld in fields:
        if fld.name not in frame.columns:
            continue
        cells = frame[fld.name]
        problems.add_rows(frame, invalid_text_mask(cells), column=fld.name, values=None,
                          message=f"'{fld.name}' holds a character that is not text (a NUL "
                          "byte or half of a UTF-16 surrogate pair)",
                          fix="Remove it; save the file as UTF-8 from a text editor.")
        cleared = clear_mask(cells)
        if cleared.any():
            if fld.required or fld.name in _IDENTITY:
                problems.add_rows(
                    frame, cleared, column=fld.name, values=cells,
                    message=f"'{fld.name}' cannot be cleared",
                    fix=f"'{fld.name}' is required: give a value, or leave the cell empty "
                    "to keep the stored one.")
            else:
                clears[fld.name] = cleared
            cells = cells.mask(cleared, None)
        values, bad = convert_column(cells, fld)
        problems.add_rows(frame, bad, column=fld.name, values=cells,
                          message=f"'{fld.name}' is not valid",
                          fix=expectation(fld).capitalize() + ".")
        if fld.name in must:
            problems.add_rows(frame, blank_mask(cells) & ~cleared, column=fld.name,
                              values=None, message=f"'{fld.name}' is empty",
                              fix=f"Every row needs a value for '{fld.name}'.")
        out[fld.name] = values
    if clears:
        masks = pd.DataFrame(clears)
        out[CLEARED] = [tuple(masks.columns[row]) for row in masks.to_numpy()]
    return out


def _convert_nodes(kind: NodeKind, frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    schema = NODE_SCHEMAS[kind]
    out = _convert_fields(frame, schema.fields, problems, required=["id"])
    _flag_duplicates(out, ["id"], f"duplicate {kind.value} id",
                     "Each id may appear once; merge the rows or give one a new id.", problems)
    return out


def _convert_relationships(
    kind: RelKind, frame: pd.DataFrame, problems: Problems, *, duplicates: bool = True
) -> pd.DataFrame:
    rel = RELATIONSHIP_SCHEMAS[kind]
    out = _convert_fields(frame, rel.all_fields, problems)
    for column in ("since", "key"):
        if column not in out.columns:
            out[column] = ""
        out[column] = out[column].fillna("").astype(str)
    derived = DERIVED_KEY_FIELDS.get(kind, ())
    if derived:
        parts = [out[c].astype("string").fillna("") if c in out else "" for c in derived]
        composed = parts[0]
        for part in parts[1:]:
            composed = composed + ":" + part
        out["key"] = out["key"].where(out["key"] != "", composed)
    if "since" in out and "until" in out:
        reversed_dates = out["until"].notna() & (out["since"] != "") & (
            out["until"].fillna("") <= out["since"]
        )
        problems.add_rows(out, reversed_dates, column="until", values=out["until"],
                          message="'until' is not after 'since'",
                          fix="'until' is the first day the relationship no longer holds; "
                          "make it later than 'since' or leave it empty.")
    if not duplicates:
        return out
    _flag_duplicates(out, ["source", "target", "since", "key"],
                     f"duplicate '{kind.value}' relationship (same source, target and since)",
                     "Keep one row, or tell parallel rows apart with the 'key' column.",
                     problems)
    return out


def _flag_duplicates(
    frame: pd.DataFrame, subset: list[str], message: str, fix: str, problems: Problems
) -> None:
    if not all(c in frame.columns for c in subset):
        return
    dupes = frame.duplicated(subset=subset, keep="first")
    count = int(dupes.sum())
    if not count:
        return
    firsts = frame.drop_duplicates(subset=subset)
    first_at = {
        tuple(key): (source, row)
        for *key, source, row in firsts[[*subset, _SOURCE, ROW]].itertuples(index=False)
    }
    shown = frame[dupes].head(max(problems.cap - len(problems.items), 0))
    for *key, source, row in shown[[*subset, _SOURCE, ROW]].itertuples(index=False):
        first_source, first_row = first_at[tuple(key)]
        where = f"row {first_row}" + ("" if first_source == source else f" of {first_source}")
        problems.items.append(Problem(file=str(source), row=int(row), column=subset[0],
                                      value=key[0], message=message,
                                      fix=f"{fix} First seen in {where}."))
    problems.total += count


def _check_references(batch: GraphBatch, known_ids: KnownIds, problems: Problems) -> None:
    cache: dict[NodeKind, set[str] | frozenset[str]] = {}

    def ids(kind: NodeKind) -> set[str] | frozenset[str]:
        if kind not in cache:
            stored = known_ids(kind)
            fresh = batch.nodes.get(kind)
            cache[kind] = stored if fresh is None else stored | set(fresh["id"])
        return cache[kind]

    for kind, frame in batch.nodes.items():
        schema = NODE_SCHEMAS[kind]
        new = ~frame["id"].isin(known_ids(kind))
        for fld in schema.fields[1:]:
            if fld.required:
                empty = frame[fld.name].isna() if fld.name in frame.columns else \
                    pd.Series(True, index=frame.index)
                problems.add_rows(
                    frame, new & empty, column=fld.name, values=frame["id"],
                    message=f"new {kind.value} has no '{fld.name}'",
                    fix=f"Give it a '{fld.name}' (a column '{fld.name}' in {schema.table}); "
                    f"only rows updating a stored {kind.value} may leave it out.")
        for fld in schema.fields:
            if fld.references is not None and fld.name in frame.columns:
                _check_reference_column(frame, fld, ids(fld.references), problems)
    for rkind, frame in batch.relationships.items():
        rel = RELATIONSHIP_SCHEMAS[rkind]
        ends = (("source", rel.source), ("target", rel.target))
        if rel.source is rel.target:  # both ends looked up at once
            found = _member([frame["source"], frame["target"]], ids(rel.source))
        else:
            found = [_member([frame[end]], ids(node_kind))[0] for end, node_kind in ends]
        for (end, node_kind), inside in zip(ends, found, strict=True):
            problems.add_rows(
                frame, pd.Series(~inside, index=frame.index), column=end, values=frame[end],
                message=f"'{rkind.value}' {end} is not a known {node_kind.value}",
                fix=f"Add it to {NODE_SCHEMAS[node_kind].table} (in this import or an "
                f"earlier one), or correct the id.",
            )


def _member(columns: Sequence[pd.Series], known: set[str] | frozenset[str]
            ) -> list[np.ndarray]:
    """``column.isin(known)`` for each of ``columns``, by lookups in the set itself (pandas
    would build a hash table of ``known`` on every call), or for :class:`FrozenIds` in its
    Arrow form, all columns in one lookup (:func:`_inside`)."""
    if isinstance(known, FrozenIds):
        import pyarrow as pa

        inside = _inside([pa.array(c, pa.string(), from_pandas=True) for c in columns], known)
        return np.split(inside, np.cumsum([len(c) for c in columns])[:-1])
    return [np.fromiter((v in known for v in c.to_numpy(dtype=object)), dtype=bool,
                        count=len(c)) for c in columns]


def _check_reference_column(
    frame: pd.DataFrame, fld: Field, known: set[str] | frozenset[str], problems: Problems
) -> None:
    target = NODE_SCHEMAS[fld.references] if fld.references else None
    if target is None:
        return
    column = frame[fld.name]
    if fld.type is FieldType.LIST:
        missing = column.map(
            lambda items: isinstance(items, list) and any(i not in known for i in items)
        ).astype(bool)
    else:
        missing = column.notna() & ~column.isin(known)
    problems.add_rows(
        frame, missing, column=fld.name, values=column,
        message=f"'{fld.name}' names an unknown {target.kind.value}",
        fix=f"Add it to {target.table} (in this import or an earlier one), or correct it.",
    )


@dataclass
class CleanRelationships:
    """A chunk of one relationship kind's table that passed every check, held in Arrow:
    the values :func:`validate_tables` gives its rows, without a round trip through
    pandas (:func:`clean_relationships`)."""

    kind: RelKind
    source: str  # the file, as in messages
    ends: dict[str, pa.Array | pa.ChunkedArray]  # source, target, since, key; until if given
    props: pd.DataFrame  # the other fields given, typed as validate_tables types them
    rows: np.ndarray  # the spreadsheet row numbers


#: The field types :func:`clean_relationships` converts; a chunk with another goes the
#: general way.
_CLEAN_TYPES = frozenset({FieldType.STR, FieldType.DATE, FieldType.INT, FieldType.FLOAT})


def clean_relationships(table: RawTable, known_ids: KnownIds) -> CleanRelationships | None:
    """Check and convert ``table`` (one chunk of a streamed relationship file, text held
    in Arrow) in Arrow's kernels, when it is clean: no problem to report, no cell that
    clears a field, only text, day and number fields, no derived key, and the ids it
    names held as :class:`FrozenIds`. Otherwise None, and :func:`validate_tables` does
    the work and finds what is wrong: the result and the error report are the same either
    way, and the common case, a clean chunk, costs a fraction of the general way's time.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rel = _REL_TABLES.get(table.name.strip().lower())
    frame = table.frame
    if rel is None or table.columns or rel.kind in DERIVED_KEY_FIELDS or not len(frame):
        return None
    columns = [c for c in frame.columns if c not in (ROW, _SOURCE)]
    if (len(set(columns)) < len(columns) or not set(columns) <= set(rel.field_names)
            or any(f.required and f.name not in columns for f in rel.all_fields)):
        return None
    values: dict[str, pa.Array | pa.ChunkedArray | np.ndarray] = {}
    for fld in rel.all_fields:
        if fld.name not in columns:
            continue
        cells = frame[fld.name]
        if fld.type not in _CLEAN_TYPES or not is_arrow_text(cells):
            return None
        raw = pa.array(cells.array, pa.string(), from_pandas=True)
        text = pc.utf8_trim_whitespace(raw)
        blank = pc.fill_null(pc.equal(text, ""), True)
        if (pc.any(pc.match_substring(raw, "\x00")).as_py()
                or pc.any(pc.equal(pc.utf8_lower(text), CLEAR)).as_py()
                or (fld.required and pc.any(blank).as_py())):
            return None
        present = pc.if_else(blank, pa.scalar(None, pa.string()), text)
        if fld.type is FieldType.STR:
            values[fld.name] = present
        elif fld.type is FieldType.DATE:
            days, bad = arrow_dates(present)
            if pc.any(pc.and_(bad, pc.invert(blank))).as_py():
                return None
            values[fld.name] = days
        else:
            numbers = _clean_numbers(present, blank.to_numpy(zero_copy_only=False), fld)
            if numbers is None:
                return None
            values[fld.name] = numbers
    ends: dict[str, pa.Array | pa.ChunkedArray] = {}
    for name in ("source", "target", "since", "key", "until"):
        value = values.pop(name, None)
        if name in ("since", "key"):
            value = (pa.array([""] * len(frame), pa.string()) if value is None
                     else pc.fill_null(value, ""))
        if value is not None:
            ends[name] = cast("pa.Array", value)
    if "until" in ends and pc.any(pc.and_(pc.not_equal(ends["since"], ""), pc.less_equal(
            ends["until"], ends["since"]))).as_py():
        return None
    known = [known_ids(rel.source), known_ids(rel.target)]
    if not all(isinstance(ids, FrozenIds) for ids in known):
        return None
    if rel.source is rel.target:  # both ends looked up at once, as _check_references does
        lookups = [([ends["source"], ends["target"]], known[0])]
    else:
        lookups = [([ends["source"]], known[0]), ([ends["target"]], known[1])]
    if not all(_inside(arrays, cast(FrozenIds, ids)).all() for arrays, ids in lookups):
        return None
    props = pd.DataFrame({name: (value if isinstance(value, np.ndarray)
                                 else value.to_numpy(zero_copy_only=False))
                          for name, value in values.items()}, index=range(len(frame)))
    for name in values:
        if rel.field(name).type is FieldType.INT:
            props[name] = props[name].astype("Int64")
    return CleanRelationships(rel.kind, table.source, ends, props,
                              frame[ROW].to_numpy(dtype=np.int64))


def _inside(arrays: Sequence[pa.Array | pa.ChunkedArray], known: FrozenIds) -> np.ndarray:
    """Whether each value of ``arrays``, one after the other, is in ``known``: one Arrow
    set lookup for all of them (Arrow builds its table of ``known`` once per call: for
    100,000 ids that costs more than looking up a chunk's rows). The chunks are passed as
    arrays: pyarrow would read a chunked array given as a chunk one value at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = [c for a in arrays
              for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])]
    values = pa.chunked_array(chunks, pa.string())
    inside: np.ndarray = pc.is_in(values, value_set=known.arrow).to_numpy(
        zero_copy_only=False)
    return inside


def _clean_numbers(present: pa.Array, blank: np.ndarray, fld: Field) -> np.ndarray | None:
    """The numbers of a clean chunk's column (NaN where blank), or None when a cell is not
    a valid number of ``fld``."""
    numbers = arrow_numbers(present)
    if numbers is None:
        return None
    return None if invalid_numbers(numbers[~blank], fld).any() else numbers
