"""Raw tables as read from files, and the validated batch that stores write."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ecosystem.model import NodeKind, RelKind

__all__ = ["ROW", "GraphBatch", "RawTable"]

#: Column added to every raw table: the spreadsheet row number of each record.
ROW = "__row__"


@dataclass
class RawTable:
    """One table as read from a file or sheet, before validation.

    ``frame`` holds the cells as read (strings from CSV; typed values from Excel or
    Parquet) plus the :data:`ROW` column. ``source`` names the file (and sheet) in messages.
    """

    name: str
    source: str
    frame: pd.DataFrame


@dataclass
class GraphBatch:
    """Validated rows ready to be written, one frame per node and relationship kind.

    Node frames have an ``id`` column and one column per property given in the input;
    relationship frames have ``source``, ``target``, ``since`` and ``key`` (``""`` when
    empty), and the other fields given. A property column present with an empty cell
    clears the stored value; a column absent from the input leaves stored values alone.
    """

    nodes: dict[NodeKind, pd.DataFrame] = field(default_factory=dict)
    relationships: dict[RelKind, pd.DataFrame] = field(default_factory=dict)

    def counts(self) -> dict[str, dict[str, int]]:
        """Rows per kind, in the shape of :meth:`Store.counts`."""
        return {
            "nodes": {k.value: len(f) for k, f in self.nodes.items()},
            "relationships": {k.value: len(f) for k, f in self.relationships.items()},
        }

    def is_empty(self) -> bool:
        return not any(len(f) for f in (*self.nodes.values(), *self.relationships.values()))
