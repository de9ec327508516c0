"""Import: pick the reader for a format, read, and write all-or-nothing into a store."""

from __future__ import annotations

import os
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import RawTable
from ecosystem.io.company_exports import READERS as _EXPORT_READERS
from ecosystem.io.company_exports import sniff_export
from ecosystem.io.graphml import read_graphml
from ecosystem.io.lf_landscape import is_lf_landscape, read_lf_landscape
from ecosystem.io.names import NameIndex
from ecosystem.io.patents import read_lens, read_patent_counts, read_patentsview
from ecosystem.io.tabular import read_tabular
from ecosystem.model import NodeKind
from ecosystem.stores.base import Store, WriteSummary

__all__ = ["ImportFormat", "detect_format", "import_paths", "read_paths"]


class ImportFormat(StrEnum):
    """Input formats. ``auto`` picks lf-landscape for an LF landscape folder, graphml for a
    ``.graphml`` file, crunchbase or pitchbook for a file with their export's columns, and
    the canonical tabular format otherwise."""

    AUTO = "auto"
    TABULAR = "tabular"
    LF_LANDSCAPE = "lf-landscape"
    GRAPHML = "graphml"
    PATENTSVIEW = "patentsview"
    LENS = "lens"
    PATENT_COUNTS = "patent-counts"
    CRUNCHBASE = "crunchbase"
    PITCHBOOK = "pitchbook"


_PATENT_READERS = {
    ImportFormat.PATENTSVIEW: read_patentsview,
    ImportFormat.LENS: read_lens,
    ImportFormat.PATENT_COUNTS: read_patent_counts,
}


def detect_format(paths: Sequence[Path]) -> ImportFormat:
    """The format ``auto`` resolves to for ``paths``."""
    if paths and all(is_lf_landscape(p) for p in paths):
        return ImportFormat.LF_LANDSCAPE
    if paths and all(p.suffix.lower() == ".graphml" for p in paths):
        return ImportFormat.GRAPHML
    exports = {sniff_export(p) if p.is_file() else None for p in paths}
    found = exports.pop() if len(exports) == 1 else None
    if found is not None:
        return ImportFormat(found)
    return ImportFormat.TABULAR


def read_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    format: ImportFormat | str = ImportFormat.AUTO,
    encoding: str | None = None,
    skipped: dict[str, str] | None = None,
) -> list[RawTable]:
    """Read ``paths`` in ``format`` into raw tables (not yet validated).

    ``skipped``, given, receives the files of the folders read that are not tables, with
    the reason (see :mod:`ecosystem.io.tabular`).
    """
    resolved = [Path(p) for p in paths]
    if not resolved:
        raise ImportRefused([Problem(file="(no input)", message="no path given",
                                     fix="Name a folder or file to import.")])
    chosen = ImportFormat(format)
    if chosen is ImportFormat.AUTO:
        chosen = detect_format(resolved)
    if chosen is ImportFormat.LF_LANDSCAPE:
        tables: list[RawTable] = []
        for path in resolved:
            if not is_lf_landscape(path):
                raise ImportRefused([Problem(
                    file=str(path), message="not an LF landscape folder",
                    fix="Point at a folder holding memberships.csv and landscape_items.csv.")])
            tables += read_lf_landscape(path)
        return tables
    if chosen is ImportFormat.GRAPHML:
        return [t for path in resolved for t in read_graphml(path)]
    if chosen.value in _EXPORT_READERS:
        return [t for path in resolved
                for t in _EXPORT_READERS[chosen.value](path, encoding=encoding)]
    if chosen in _PATENT_READERS:
        raise ImportRefused([Problem(
            file=str(resolved[0]), message=f"{chosen.value} input needs a store",
            fix="Use import_paths (or `ecosystem import`): assignees are matched to the "
            "store's companies.")])
    return read_tabular(resolved, encoding=encoding, skipped=skipped)


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
    if chosen in _PATENT_READERS:
        companies = NameIndex.of((n.id, n.name, n.properties.get("aliases") or ())
                                 for n in store.nodes(NodeKind.COMPANY))
        tables, unmatched = [], {}
        for path in paths:
            read = _PATENT_READERS[chosen](Path(path), companies, store.ids)
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
    from ecosystem.entities.attach import attach_to_store
    from ecosystem.entities.merging import redirect_merged

    if chosen is ImportFormat.AUTO and paths:
        chosen = detect_format([Path(p) for p in paths])
    skipped: dict[str, str] = {}
    tables = read_paths(paths, format=chosen, encoding=encoding, skipped=skipped)
    attached: list[str] = []
    if chosen.value in _EXPORT_READERS:
        tables, attached = attach_to_store(store, tables)
    tables, redirected = redirect_merged(store, tables)
    summary = store.write(tables, progress=progress)
    summary.skipped = skipped
    summary.notes = [note for table in tables for note in table.notes] + attached + redirected
    return summary
