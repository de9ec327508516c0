"""The formats files are read and written in (light: no reader is imported)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ExportFormat", "ImportFormat"]


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


class ExportFormat(StrEnum):
    """Output formats of an export (:func:`ecosystem.exchange.export_store`)."""

    CSV = "csv"
    PARQUET = "parquet"
    XLSX = "xlsx"
    GRAPHML = "graphml"
