"""A demo store file for benchmarks and scripts: a copy of a given one, or built by
`ecosystem demo` in a new process, as a user would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ECOSYSTEM = str(Path(sys.executable).parent / "ecosystem")


def demo_database(folder: Path, copy_from: Path | None = None) -> Path:
    """``folder/demo.db``: a copy of ``copy_from``, else a fresh demo; without the cache of
    computed answers beside it, so that the first question asked of it is a cold one."""
    db = folder / "demo.db"
    if copy_from is not None:
        shutil.copy(copy_from, db)
    else:
        subprocess.run([ECOSYSTEM, "--store", str(db), "demo", "--no-views"], check=True,
                       capture_output=True)
    shutil.rmtree(Path(f"{db}.cache"), ignore_errors=True)
    return db
