"""Raw tables as read from files, and the validated batch that stores write."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import pandas as pd

from ecosystem.model import NodeKind, RelKind

__all__ = ["CLEARED", "ROW", "GraphBatch", "RawTable"]

#: Column added to every raw table: the spreadsheet row number of each record.
ROW = "__row__"
#: Column of a validated frame, present when some row clears fields: per row, the names
#: of the fields it clears (``#clear`` in the input, ``null`` over the API).
CLEARED = "__cleared__"


@dataclass
class RawTable:
    """One table as read from a file or sheet, before validation.

    ``frame`` holds the cells as read (strings from CSV; typed values from Excel or
    Parquet) plus the :data:`ROW` column. ``source`` names the file (and sheet) in messages.
    ``columns`` maps a column of ``frame`` to the column(s) of the file it was made from,
    when a reader renamed or derived it, so that messages name what the user can find.
    ``notes`` says what the reader changed on the way (look-alike letters folded ...).

    A large file read in chunks (a streamed import, :func:`ecosystem.io.tabular.read_csv_chunks`)
    has its first chunk in ``frame`` and the others in ``rest``, read on demand: an
    iterator of frames like ``frame``, consumed once, by the store's write.
    """

    name: str
    source: str
    frame: pd.DataFrame
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rest: Iterator[pd.DataFrame] | None = None

    def gathered(self) -> RawTable:
        """This table with every chunk in ``frame`` (reads the rest, if any)."""
        if self.rest is None:
            return self
        frames = [self.frame, *self.rest]
        self.rest = None
        return replace(self, frame=pd.concat(frames, ignore_index=True))


@dataclass
class GraphBatch:
    """Validated rows ready to be written, one frame per node and relationship kind.

    Node frames have an ``id`` column and one column per property given in the input;
    relationship frames have ``source``, ``target``, ``since`` and ``key`` (``""`` when
    empty), and the other fields given. An empty cell, like a column absent from the
    input, leaves the stored value alone; a row clears only the fields named in its
    :data:`CLEARED` cell (the column is there only when some row clears a field).
    """

    nodes: dict[NodeKind, pd.DataFrame] = field(default_factory=dict)
    relationships: dict[RelKind, pd.DataFrame] = field(default_factory=dict)

    def counts(self) -> dict[str, dict[str, int]]:
        """Rows per kind, in the shape of :meth:`Store.counts`."""
        return {
            "nodes": {k.value: len(f) for k, f in self.nodes.items()},
            "relationships": {k.value: len(f) for k, f in self.relationships.items()},
        }

    @staticmethod
    def cleared(frame: pd.DataFrame) -> list[tuple[str, ...]]:
        """Per row of ``frame``, the fields it clears."""
        if CLEARED not in frame.columns:
            return [()] * len(frame)
        return [tuple(c) for c in frame[CLEARED]]

    def is_empty(self) -> bool:
        return not any(len(f) for f in (*self.nodes.values(), *self.relationships.values()))
