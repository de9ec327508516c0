"""Exceptions raised by ecosystem.

Every exception the library raises on purpose derives from :class:`EcosystemError`, so
callers can catch one class. The middle classes say what kind of failure happened; the
leaves carry the offending values as attributes::

    EcosystemError
    ├── InvalidInput (also ValueError)        the caller's data or arguments are wrong
    │   ├── ImportRefused                     an import was refused; ``.problems`` lists why
    │   ├── UnknownKind                       a node or relationship kind that does not exist
    │   └── InvalidValue                      one value of one field is wrong
    ├── NotFound (also LookupError)           something asked for is not in the store
    │   ├── NodeNotFound                      ``.kind``, ``.id``, ``.suggestions``
    │   └── RelationshipNotFound
    ├── Conflict                              the request contradicts what the store holds
    └── StoreUnavailable                      the store cannot be opened or reached
        └── StoreBusy                         another writer holds the store; try again

Messages name what was wrong, the offending value, where it was found and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "Conflict",
    "EcosystemError",
    "ImportRefused",
    "InvalidInput",
    "InvalidValue",
    "NodeNotFound",
    "NotFound",
    "Problem",
    "RelationshipNotFound",
    "StoreBusy",
    "StoreUnavailable",
    "UnknownKind",
]


class EcosystemError(Exception):
    """Root of every exception raised by ecosystem."""


class InvalidInput(EcosystemError, ValueError):
    """The data or arguments given are wrong; nothing was changed."""


class UnknownKind(InvalidInput):
    """A node or relationship kind that ecosystem does not know."""

    def __init__(self, message: str, *, value: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.value = value
        self.suggestions = list(suggestions)


class InvalidValue(InvalidInput):
    """One value of one field is wrong."""

    def __init__(self, message: str, *, field: str, value: object) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import, located as precisely as the input allows.

    ``row`` is the spreadsheet row number: the header is row 1, the first data row is row 2.
    """

    file: str
    message: str
    fix: str
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (value: {_shorten(self.value)!r})"
        return f"{text}. {self.fix}"


def _shorten(value: object, limit: int = 80) -> object:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 3] + "..."
    return value


class ImportRefused(InvalidInput):
    """An import was refused as a whole; the store is unchanged.

    ``problems`` holds at most ``cap`` problems; ``total`` counts all that were found.
    """

    def __init__(self, problems: Sequence[Problem], *, total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        lines = [
            f"Import refused: {self.total} problem(s) found; the store was not changed."
        ]
        lines += [f"  - {p}" for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"  ... and {self.total - len(self.problems)} more.")
        super().__init__("\n".join(lines))


class NotFound(EcosystemError, LookupError):
    """Something asked for is not in the store."""

    def __str__(self) -> str:  # LookupError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class NodeNotFound(NotFound):
    """No node of that kind has that id."""

    def __init__(self, kind: str, id: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.id = id
        self.suggestions = list(suggestions)
        message = f"No {kind} with id {id!r} in the store."
        if self.suggestions:
            message += " Did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        else:
            message += f" List the ids with `ecosystem nodes {kind}`."
        super().__init__(message)


class RelationshipNotFound(NotFound):
    """No relationship matches the given kind, endpoints and start date."""


class Conflict(EcosystemError):
    """The request contradicts what the store holds (for example, deleting a linked node)."""


class StoreUnavailable(EcosystemError):
    """The store cannot be opened, read or reached."""


class StoreBusy(StoreUnavailable):
    """Another writer held the store for longer than the busy timeout; nothing was
    changed, and the same request may simply be made again.

    ``holder`` describes the writer holding the lock when known; ``waited`` is how many
    seconds this one waited; ``retry_after`` a suggested wait before trying again.
    """

    def __init__(self, location: str, holder: object | None, waited: float) -> None:
        self.location = location
        self.holder = None if holder is None else str(holder)
        self.waited = waited
        self.retry_after = max(1, round(waited))
        who = f" by {self.holder}" if self.holder else " by another writer"
        super().__init__(
            f"The store {location!r} is busy: it is being written{who}. Nothing was "
            f"changed; try again when that write has finished (waited {waited:g} s; set "
            "ECOSYSTEM_BUSY_TIMEOUT to wait longer).")
