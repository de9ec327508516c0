"""Export a whole store: the canonical tables (CSV, Parquet, Excel) or GraphML."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecosystem.io.export import ExportFormat, graph_tables, write_tables
from ecosystem.io.graphml import write_graphml
from ecosystem.stores.base import Store

__all__ = ["export_store", "store_tables"]


def store_tables(store: Store, *, join_lists: bool = True) -> dict[str, pd.DataFrame]:
    """Every non-empty kind of the store as a table in the canonical format."""
    return graph_tables(store.nodes(), store.relationships(), join_lists=join_lists)


def export_store(
    store: Store, out: str | Path, *, format: ExportFormat | str = ExportFormat.CSV,
    progress: bool = False,
) -> list[Path]:
    """Write the whole store to ``out`` and return the files written.

    ``csv`` and ``parquet`` write one file per table into the folder ``out``; ``xlsx``
    writes one workbook with a sheet per table; ``graphml`` one GraphML file. Each file
    replaces an older one only once written whole. ``progress`` shows a bar of the rows
    written on standard error.
    """
    chosen = ExportFormat(format)
    target = Path(out)
    if chosen is ExportFormat.GRAPHML:
        write_graphml(store.nodes(), store.relationships(), target)
        return [target]
    return write_tables(store_tables(store, join_lists=chosen is not ExportFormat.PARQUET),
                        target, chosen, progress=progress)
