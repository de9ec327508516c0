"""Export a store to the canonical tabular format (CSV, Parquet, Excel) or to GraphML.

Exporting and importing again gives back the same nodes and relationships: a lossless
round trip (lists are ';'-joined in CSV and Excel cells, so list items must not contain ';').
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import pandas as pd

from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Field,
    FieldType,
    NodeKind,
    RelKind,
)
from ecosystem.stores.base import Store

__all__ = ["ExportFormat", "export_store", "store_tables"]


class ExportFormat(StrEnum):
    """Output formats of :func:`export_store`."""

    CSV = "csv"
    PARQUET = "parquet"
    XLSX = "xlsx"
    GRAPHML = "graphml"


def store_tables(store: Store, *, join_lists: bool = True) -> dict[str, pd.DataFrame]:
    """Every non-empty kind of the store as a table in the canonical format.

    Columns follow the schema order; columns empty in every row are left out.
    """
    tables: dict[str, pd.DataFrame] = {}
    for kind in NodeKind:
        schema = NODE_SCHEMAS[kind]
        nodes = store.nodes(kind)
        if not nodes:
            continue
        rows = [{"id": n.id, **n.properties} for n in nodes]
        tables[schema.table] = _shape(pd.DataFrame(rows), schema.fields, join_lists)
    for rkind in RelKind:
        rel_schema = RELATIONSHIP_SCHEMAS[rkind]
        rels = store.relationships(rkind)
        if not rels:
            continue
        rows = [
            {"source": r.source, "target": r.target, "since": r.since, "until": r.until,
             "key": r.key or None, **r.properties}
            for r in rels
        ]
        tables[rel_schema.table] = _shape(pd.DataFrame(rows), rel_schema.all_fields, join_lists)
    return tables


def _shape(frame: pd.DataFrame, fields: Sequence[Field], join_lists: bool) -> pd.DataFrame:
    columns = [f.name for f in fields if f.name in frame.columns and frame[f.name].notna().any()]
    frame = frame[columns].copy()
    for fld in fields:
        if fld.name not in frame.columns:
            continue
        if fld.type is FieldType.LIST and join_lists:
            frame[fld.name] = frame[fld.name].map(
                lambda v: ";".join(v) if isinstance(v, list) else v
            )
        elif fld.type is FieldType.INT:
            frame[fld.name] = frame[fld.name].astype("Int64")
    return frame


def export_store(
    store: Store, out: str | Path, *, format: ExportFormat | str = ExportFormat.CSV
) -> list[Path]:
    """Write the whole store to ``out`` and return the files written.

    ``csv`` and ``parquet`` write one file per table into the folder ``out``; ``xlsx``
    writes one workbook with a sheet per table; ``graphml`` one GraphML file.
    """
    chosen = ExportFormat(format)
    target = Path(out)
    if chosen is ExportFormat.GRAPHML:
        from ecosystem.io.graphml import write_graphml

        write_graphml(store, target)
        return [target]
    if chosen is ExportFormat.XLSX:
        target.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(target, engine="openpyxl") as writer:
            for name, frame in store_tables(store).items():
                frame.to_excel(writer, sheet_name=name, index=False)
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in store_tables(store, join_lists=chosen is ExportFormat.CSV).items():
        path = target / f"{name}.{chosen.value}"
        if chosen is ExportFormat.CSV:
            frame.to_csv(path, index=False, lineterminator="\r\n")  # RFC 4180: quotes \r too
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    return written
