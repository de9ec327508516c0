"""Write nodes and relationships in the canonical tabular format (CSV, Parquet, Excel).

:func:`ecosystem.exchange.export_store` writes a whole store with these. Exporting and
importing again gives back the same nodes and relationships: a lossless
round trip (lists are ';'-joined in CSV and Excel cells, so list items must not contain ';').
Text that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``-2+3``, ``@SUM``)
is written with an apostrophe in front, which import takes off again
(:func:`~ecosystem.io.tabular.escape_formulas`): opening an export is safe.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosystem.errors import InvalidValue
from ecosystem.io.formats import ExportFormat
from ecosystem.io.tabular import escape_formulas
from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Field,
    FieldType,
    Node,
    NodeKind,
    Relationship,
    RelKind,
)

__all__ = ["ExportFormat", "graph_tables", "replacing", "write_tables", "write_workbook"]


def graph_tables(nodes: Iterable[Node], relationships: Iterable[Relationship], *,
                 join_lists: bool = True) -> dict[str, pd.DataFrame]:
    """The given nodes and relationships as tables in the canonical format, one per
    non-empty kind, in the order of the kinds.

    Columns follow the schema order; columns empty in every row are left out.
    """
    node_rows: dict[NodeKind, list[dict[str, Any]]] = {}
    for n in nodes:
        node_rows.setdefault(n.kind, []).append({"id": n.id, **n.properties})
    rel_rows: dict[RelKind, list[dict[str, Any]]] = {}
    for r in relationships:
        rel_rows.setdefault(r.kind, []).append(
            {"source": r.source, "target": r.target, "since": r.since, "until": r.until,
             "key": r.key or None, **r.properties})
    tables: dict[str, pd.DataFrame] = {}
    for kind in NodeKind:
        if node_rows.get(kind):
            schema = NODE_SCHEMAS[kind]
            tables[schema.table] = _shape(pd.DataFrame(node_rows[kind]), schema.fields,
                                          join_lists)
    for rkind in RelKind:
        if rel_rows.get(rkind):
            rel_schema = RELATIONSHIP_SCHEMAS[rkind]
            tables[rel_schema.table] = _shape(pd.DataFrame(rel_rows[rkind]),
                                              rel_schema.all_fields, join_lists)
    return tables


def _shape(frame: pd.DataFrame, fields: Sequence[Field], join_lists: bool) -> pd.DataFrame:
    columns = [f.name for f in fields if f.name in frame.columns and frame[f.name].notna().any()]
    frame = frame[columns].copy()
    for fld in fields:
        if fld.name not in frame.columns:
            continue
        if fld.type is FieldType.LIST and join_lists:
            # one cell in a spreadsheet: the joined text is what would run as a formula
            frame[fld.name] = escape_formulas(frame[fld.name].map(
                lambda v: ";".join(v) if isinstance(v, list) else v))
        elif fld.type is FieldType.STR:
            frame[fld.name] = escape_formulas(frame[fld.name])
        elif fld.type is FieldType.INT:
            frame[fld.name] = frame[fld.name].astype("Int64")
    return frame


def write_tables(tables: dict[str, pd.DataFrame], out: Path, format: ExportFormat, *,
                 progress: bool = False) -> list[Path]:
    """Write ``tables`` (from :func:`graph_tables`; lists joined for CSV and Excel, kept
    as lists for Parquet) and return the files written: one file per table in the folder
    ``out`` for csv and parquet, one workbook ``out`` for xlsx. Each file replaces the old
    one only once written whole. ``progress`` shows a bar of the rows written."""
    from ecosystem.progress import tqdm

    bar = tqdm(total=sum(len(f) for f in tables.values()), unit="row", unit_scale=True,
               desc=f"exporting {format.value}", disable=not progress, leave=False)
    with bar:
        return _write_tables(tables, out, format, bar)


def _write_tables(tables: dict[str, pd.DataFrame], out: Path, format: ExportFormat,
                  bar: Any) -> list[Path]:
    if format is ExportFormat.XLSX:
        out.parent.mkdir(parents=True, exist_ok=True)
        with replacing(out) as partial:
            write_workbook(tables, partial, bar=bar)
        return [out]
    if format not in (ExportFormat.CSV, ExportFormat.PARQUET):
        raise InvalidValue(f"{format.value} is not a table format; use csv, parquet or xlsx.",
                           field="format", value=format.value)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.{format.value}"
        with replacing(path) as partial:
            if format is ExportFormat.CSV:  # RFC 4180 line ends: cells holding \r are quoted
                frame.to_csv(partial, index=False, lineterminator="\r\n")
            else:
                frame.to_parquet(partial, index=False)
        written.append(path)
        bar.update(len(frame))
    return written


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it once written whole, so that an
    export that fails or is killed half-way never leaves a truncated file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


#: An Excel sheet's limits: rows (with the header) and characters in a cell.
EXCEL_ROWS = 1_048_576
EXCEL_CELL_CHARS = 32_767


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, *, bar: Any = None) -> None:
    """Write ``tables`` as sheets of one workbook, streaming (XlsxWriter's constant-memory
    mode): text is always text (never a formula, link or number), control characters are
    kept (as the format's ``_xHHHH_`` escapes, which import reads back).

    Raises
    ------
    InvalidValue
        If a table has more rows, or a cell more characters, than a sheet can hold
        (XlsxWriter would otherwise drop or cut them).
    """
    import xlsxwriter

    for name, frame in tables.items():
        if len(frame) >= EXCEL_ROWS:
            raise InvalidValue(
                f"Table {name!r} has {len(frame):,} rows; an Excel sheet holds at most "
                f"{EXCEL_ROWS - 1:,}. Export as csv or parquet instead.",
                field="format", value="xlsx")
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False})
    try:
        for name, frame in tables.items():
            sheet = workbook.add_worksheet(name)
            columns = [str(column) for column in frame.columns]  # not indexed per cell
            for col, column in enumerate(columns):
                sheet.write_string(0, col, column)
            for row, values in enumerate(frame.itertuples(index=False), start=1):
                for col, value in enumerate(values):
                    _write_cell(sheet, row, col, value, name, columns[col])
                if bar is not None and row % 1000 == 0:
                    bar.update(1000)
            if bar is not None:
                bar.update(len(frame) % 1000)
    finally:
        workbook.close()


def _write_cell(sheet: Any, row: int, col: int, value: Any, table: str, column: str) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, str):
        if len(value) > EXCEL_CELL_CHARS:
            raise InvalidValue(
                f"Table {table!r} row {row + 1}, column {column!r} holds {len(value):,} "
                f"characters; an Excel cell holds at most {EXCEL_CELL_CHARS:,}. Export as csv "
                "or parquet instead.", field=column, value=value[:80])
        sheet.write_string(row, col, value)
    elif isinstance(value, bool | np.bool_):
        sheet.write_boolean(row, col, bool(value))
    else:
        sheet.write_number(row, col, value.item() if hasattr(value, "item") else value)
