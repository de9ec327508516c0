"""Import files into a store: read them in their format, match them to what is stored
(patent assignees and export companies to the stored companies, ids of merged companies
to the kept ones), and write all or nothing."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ecosystem.entities.attach import attach_to_store
from ecosystem.entities.merging import redirect_merged
from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.importer import (
    EXPORT_READERS,
    PATENT_READERS,
    ImportFormat,
    detect_format,
    read_paths,
)
from ecosystem.io.names import NameIndex
from ecosystem.model import NodeKind
from ecosystem.stores.base import Store, WriteSummary

__all__ = ["import_paths"]


def import_paths(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    *,
    format: ImportFormat | str = ImportFormat.AUTO,
    encoding: str | None = None,
    progress: bool = False,
) -> WriteSummary:
    """Import files into ``store`` as one transaction (upsert by id).

    Parameters
    ----------
    store
        Where to write.
    paths
        Folders or files: CSV, Parquet, Excel (tabular), an LF landscape folder, GraphML,
        Crunchbase or PitchBook company exports (:mod:`ecosystem.io.company_exports`; their
        companies are matched to the stored ones and enrich them,
        :mod:`ecosystem.entities.attach`), or patent data (:mod:`ecosystem.io.patents`;
        assignees are matched to the stored companies and those that match none are
        reported in ``summary.unmatched``).
    format
        An :class:`ImportFormat`; ``auto`` by default.
    encoding
        Text encoding of CSV files; UTF-8 by default (a byte-order mark is honoured).
    progress
        Show a progress bar on standard error.

    Raises
    ------
    ImportRefused
        Listing every problem found; the store is unchanged.
    """
    chosen = ImportFormat(format)
    if chosen in PATENT_READERS:
        companies = NameIndex.of((n.id, n.name, n.properties.get("aliases") or ())
                                 for n in store.nodes(NodeKind.COMPANY))
        tables, unmatched = [], {}
        for path in paths:
            read = PATENT_READERS[chosen](Path(path), companies, store.ids)
            tables += read.tables
            unmatched.update(read.unmatched)
        if unmatched and not any(len(t.frame) for t in tables
                                 if t.name in {"holds_patent", "holds_patents_in"}):
            names = sorted(unmatched, key=lambda n: -unmatched[n])
            raise ImportRefused([Problem(
                file=", ".join(str(p) for p in paths),
                message=f"none of the {len(unmatched):,} assignee names matched a company in "
                "the store (e.g. " + "; ".join(repr(n) for n in names[:5]) + ")",
                fix="Import the companies first (companies.csv with id,name), then the "
                "patents; names match after normalisation (ecosystem.io.names).")])
        summary = store.write(tables, progress=progress)
        summary.unmatched = dict(sorted(unmatched.items(), key=lambda kv: -kv[1]))
        summary.suggestions = {name: near for name in summary.unmatched
                               if (near := companies.near(name))}
        return summary
    if chosen is ImportFormat.AUTO and paths:
        chosen = detect_format([Path(p) for p in paths])
    skipped: dict[str, str] = {}
    tables = read_paths(paths, format=chosen, encoding=encoding, skipped=skipped,
                        stream=True)
    attached: list[str] = []
    if chosen.value in EXPORT_READERS:
        tables, attached = attach_to_store(store, tables)
    tables, redirected = redirect_merged(store, tables)
    summary = store.write(tables, progress=progress)
    summary.skipped = skipped
    summary.notes = [note for table in tables for note in table.notes] + attached + redirected
    return summary
