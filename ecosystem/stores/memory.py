"""What a store remembers between questions: which kinds each answer read, and answers kept
on disk per store generation.

Every write advances the store's generation and the generation of each node and
relationship kind it touched (:class:`StoreState`). Every read notes the kinds it looked
at (:func:`note`); an answer computed under :func:`tracking` knows exactly which kinds it
rests on. :class:`DiskCache` keeps answers (metrics, communities, layouts, trained models,
whole command outputs) with the generations of those kinds, so that

- the second identical question is answered from disk, in a new process too;
- a write invalidates exactly the answers that read a kind it touched (recording a meeting
  leaves the influence metrics alone, importing partnerships does not);
- an entry that is unreadable, written by another version of the code, or for another
  store (a file deleted and built again gets a new store id) is ignored, with a warning,
  and rebuilt: never trusted.

Entries are pickled files in a folder only the user can read (``<store>.cache/`` beside an
embedded store, ``$XDG_CACHE_HOME/ecosystem/<hash>`` for a Neo4j store); like the store
itself, it must not be writable by others. ``ECOSYSTEM_CACHE=off`` turns the disk cache
off; another value names the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["CACHE_ENV", "DiskCache", "StoreState", "code_fingerprint", "file_state", "note",
           "read_state", "tracking"]

log = logging.getLogger(__name__)
T = TypeVar("T")
#: Environment variable: ``off`` turns the disk cache off; a path puts it there.
CACHE_ENV = "ECOSYSTEM_CACHE"
_local = threading.local()


@dataclass(frozen=True)
class StoreState:
    """Who a store is and how far its data have moved: a random id made with the store,
    the generation of all data, and the generation of each kind (0: never written)."""

    store_id: str
    generation: int
    kinds: dict[str, int] = field(default_factory=dict)

    def of(self, kinds: Iterable[str]) -> dict[str, int]:
        return {k: self.kinds.get(k, 0) for k in sorted(kinds)}


def read_state(db: sqlite3.Connection) -> StoreState:
    """The state of an embedded store, read from its ``meta`` table."""
    rows = dict(db.execute("SELECT key, value FROM meta WHERE key = 'store_id' OR "
                           "key = 'generation' OR key LIKE 'generation:%'").fetchall())
    return StoreState(str(rows.get("store_id", "")), int(rows.get("generation", 0)),
                      {k.split(":", 1)[1]: int(v) for k, v in rows.items()
                       if k.startswith("generation:")})


def file_state(path: Path) -> StoreState | None:
    """The state of the embedded store in ``path``, read without opening the store (no
    write, no lock); None when there is no store there."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return read_state(db)
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _stack() -> list[set[str]]:
    stack: list[set[str]] | None = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def note(kinds: Iterable[str]) -> None:
    """Record that the current computation read these kinds (a store calls this)."""
    stack = _stack()
    if stack:
        found = set(kinds)
        for seen in stack:
            seen |= found


@contextlib.contextmanager
def tracking() -> Iterator[set[str]]:
    """The kinds read inside the block (nested blocks report to every enclosing one)."""
    seen: set[str] = set()
    _stack().append(seen)
    try:
        yield seen
    finally:
        _stack().pop()


_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    """A digest of the installed code (names, sizes and times of its modules and data):
    entries written by other code are not reused."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".csv", ".cypher", ".yaml", ".j2", ".js", ".css"}:
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n"
                              .encode())
        _FINGERPRINT = digest.hexdigest()[:16]
    return _FINGERPRINT


@dataclass(frozen=True)
class _Entry:
    fingerprint: str
    store_id: str
    key: str
    reads: dict[str, int]
    value: Any


class DiskCache:
    """Answers kept on disk per store generation (see the module notes)."""

    def __init__(self, folder: Path, state: Callable[[], StoreState]) -> None:
        self.folder = folder
        self._state = state

    @classmethod
    def for_location(cls, location: str, state: Callable[[], StoreState]
                     ) -> DiskCache | None:
        """The cache of the store at ``location`` (a file path or a URI), or None when
        the disk cache is off."""
        chosen = os.environ.get(CACHE_ENV, "")
        if chosen.lower() in {"off", "0", "no", "false"}:
            return None
        if chosen:
            base = Path(chosen)
            folder = base / hashlib.sha256(location.encode()).hexdigest()[:16]
        elif "://" in location:
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            folder = base / "ecosystem" / hashlib.sha256(location.encode()).hexdigest()[:16]
        else:
            folder = Path(f"{location}.cache")
        return cls(folder, state)

    def _path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"

    def load(self, key: str, state: StoreState) -> tuple[bool, Any, set[str]]:
        """``(found, value, kinds read)`` for ``key`` if a valid entry is on disk."""
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                entry = pickle.load(handle)
        except FileNotFoundError:
            return False, None, set()
        except Exception as exc:  # a torn, foreign or corrupt file: rebuilt, never trusted
            log.warning("ignoring the unreadable cache entry %s (%s); it is rebuilt", path,
                        type(exc).__name__)
            return False, None, set()
        if not isinstance(entry, _Entry) or entry.key != key:
            log.warning("ignoring the cache entry %s, which is not one of ours; it is "
                        "rebuilt", path)
            return False, None, set()
        if entry.fingerprint != code_fingerprint() or entry.store_id != state.store_id:
            return False, None, set()
        if state.of(entry.reads) != entry.reads:
            return False, None, set()
        return True, entry.value, set(entry.reads)

    def save(self, key: str, reads: dict[str, int], store_id: str, value: Any) -> None:
        """Keep ``value`` (best effort: a cache that cannot be written is only slower)."""
        path = self._path(key)
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            with partial.open("wb") as handle:
                pickle.dump(_Entry(code_fingerprint(), store_id, key, reads, value), handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, path)
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
            log.info("not caching %s on disk (%s)", key[:80], exc)
            with contextlib.suppress(OSError, UnboundLocalError):
                partial.unlink(missing_ok=True)

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The value kept for ``key``, or ``build()`` (kept for next time). The kinds the
        value rests on are reported to any enclosing :func:`tracking`."""
        state = self._state()
        found, value, reads = self.load(key, state)
        if found:
            note(reads)
            return value  # type: ignore[no-any-return]
        with tracking() as seen:
            built = build()
        note(seen)
        self.save(key, state.of(seen), state.store_id, built)
        return built
