"""Who is writing: the operation a write belongs to, and the record a writer leaves beside
the embedded store so that a writer kept waiting can be told whom it waits for.

Writes to the embedded store are serialised (SQLite allows one writer at a time; readers
never wait). A writer that cannot get the lock within the *busy timeout* (default 5 s,
``ECOSYSTEM_BUSY_TIMEOUT``) gets :class:`~ecosystem.errors.StoreBusy`, whose message
names the operation holding the lock, where known (``ecosystem import``,
``POST /v1/import``): callers name their operation with :func:`operation`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BUSY_ENV", "LockHolder", "busy_timeout_seconds", "current_operation",
           "operation"]

#: Environment variable: seconds a write waits for the lock before giving up.
BUSY_ENV = "ECOSYSTEM_BUSY_TIMEOUT"
_DEFAULT_BUSY_SECONDS = 5.0

_OPERATION: ContextVar[str | None] = ContextVar("ecosystem_operation", default=None)


@contextlib.contextmanager
def operation(name: str) -> Iterator[None]:
    """Name the operation that writes made inside this block belong to.

    Examples
    --------
    >>> with operation("ecosystem import"):
    ...     current_operation()
    'ecosystem import'
    """
    token = _OPERATION.set(name)
    try:
        yield
    finally:
        _OPERATION.reset(token)


def current_operation() -> str | None:
    """The operation named by the innermost :func:`operation` block, if any."""
    return _OPERATION.get()


def busy_timeout_seconds() -> float:
    """The busy timeout: ``ECOSYSTEM_BUSY_TIMEOUT`` seconds, else 5."""
    text = os.environ.get(BUSY_ENV, "").strip()
    try:
        return max(float(text), 0.0) if text else _DEFAULT_BUSY_SECONDS
    except ValueError:
        return _DEFAULT_BUSY_SECONDS


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds the lock."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@dataclass(frozen=True)
class Holder:
    """The writer holding the lock: its operation, process id and start time."""

    operation: str
    pid: int
    since: str

    def __str__(self) -> str:
        return f"{self.operation} (process {self.pid}, writing since {self.since})"


class LockHolder:
    """The small JSON file a writer keeps beside the store while it holds the lock.

    It only informs messages: the lock itself is SQLite's. A file left by a writer that
    was killed names a process that no longer runs, and is ignored.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def claim(self) -> None:
        record = {"operation": current_operation() or "a write", "pid": os.getpid(),
                  "since": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
        partial = self.path.with_name(self.path.name + ".partial")
        with contextlib.suppress(OSError):  # a read-only folder: messages say less
            partial.write_text(json.dumps(record), encoding="utf-8")
            os.replace(partial, self.path)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def read(self) -> Holder | None:
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            holder = Holder(str(record["operation"]), int(record["pid"]),
                            str(record["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return holder if _running(holder.pid) else None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
