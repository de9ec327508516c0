"""Input formats and their readers: files in, raw tables out (not yet validated).

:func:`ecosystem.exchange.import_paths` reads with these and writes into a store.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import RawTable
from ecosystem.io.company_exports import READERS as EXPORT_READERS
from ecosystem.io.company_exports import sniff_export
from ecosystem.io.formats import ImportFormat
from ecosystem.io.graphml import read_graphml
from ecosystem.io.lf_landscape import is_lf_landscape, read_lf_landscape
from ecosystem.io.patents import read_lens, read_patent_counts, read_patentsview
from ecosystem.io.tabular import read_tabular

__all__ = ["EXPORT_READERS", "PATENT_READERS", "ImportFormat", "detect_format", "read_paths"]


PATENT_READERS = {
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
    stream: bool = False,
) -> list[RawTable]:
    """Read ``paths`` in ``format`` into raw tables (not yet validated).

    ``skipped``, given, receives the files of the folders read that are not tables, with
    the reason (see :mod:`ecosystem.io.tabular`). ``stream`` reads large relationship
    CSV files in chunks, for a store to write in bounded memory.
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
    if chosen.value in EXPORT_READERS:
        return [t for path in resolved
                for t in EXPORT_READERS[chosen.value](path, encoding=encoding)]
    if chosen in PATENT_READERS:
        raise ImportRefused([Problem(
            file=str(resolved[0]), message=f"{chosen.value} input needs a store",
            fix="Use import_paths (or `ecosystem import`): assignees are matched to the "
            "store's companies.")])
    return read_tabular(resolved, encoding=encoding, skipped=skipped, stream=stream)
