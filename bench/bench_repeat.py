"""Benchmark: everyday questions on the demo, asked twice, in new processes each time.

Target (issue 18): the second call of ``influence``, ``communities``, ``view map``,
``scan toyota --whatif`` and ``predict ibm --relation member_of --as-of 2025-01-01`` at
most 2x ``ecosystem --help``, the first and second calls measured in the same run. The
second call is answered from the disk cache beside the store (ecosystem.stores.memory);
the first shows what a cold question costs, with or without the intermediate results
(metrics, communities, layouts, models) other questions left behind.

Also: ``export --format xlsx`` of the demo against ``export`` to CSV (target: at most 3x).

Run: ``.venv/bin/python bench/bench_repeat.py [--store PATH]`` (default: a fresh demo in a
temporary folder). Prints figures; asserts nothing. Bytecode is cached, as an installed
package has it (``PYTHONDONTWRITEBYTECODE`` is left out of the commands' environment; see
bench_start.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.demo_files import ECOSYSTEM, demo_database

#: The commands' environment: bytecode cached, as an installed package has it.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

QUESTIONS = [
    ["influence"],
    ["communities"],
    ["view", "map", "--out", "{tmp}/map.html"],
    ["scan", "toyota", "--whatif"],
    ["predict", "ibm", "--relation", "member_of", "--as-of", "2025-01-01"],
    ["view", "radar", "toyota", "--out", "{tmp}/radar.html"],
    ["show", "company", "ibm"],
]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=ENVIRONMENT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None,
                        help="a demo store to copy (default: build one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = demo_database(Path(tmp), args.store)
        needs = Path(__file__).resolve().parent.parent / "examples" / "needs_toyota.yaml"
        subprocess.run([ECOSYSTEM, "--store", str(db), "needs", "set", str(needs)], check=True,
                       capture_output=True, env=ENVIRONMENT)  # as the README does first
        shutil.rmtree(Path(f"{db}.cache"), ignore_errors=True)
        timed([ECOSYSTEM, "--help"])  # writes the bytecode of what --help reads
        help_time = statistics.median(timed([ECOSYSTEM, "--help"]) for _ in range(5))
        print(f"ecosystem --help: {help_time * 1000:.0f} ms (median of 5)\n")
        print(f"{'question':<58}{'first':>9}{'second':>9}{'x --help':>10}")
        for question in QUESTIONS:
            command = [ECOSYSTEM, "--store", str(db),
                       *(part.format(tmp=tmp) for part in question)]
            first = timed(command)
            second = statistics.median(timed(command) for _ in range(3))
            print(f"{' '.join(question).replace('{tmp}', '.'):<58}{first:>8.2f}s{second:>8.2f}s"
                  f"{second / help_time:>9.1f}x")
        print("\ntarget: the second call at most 2x ecosystem --help")
        exports = {fmt: statistics.median(
            timed([ECOSYSTEM, "--store", str(db), "export", f"{tmp}/export-{fmt}.{fmt}",
                   "--format", fmt]) for _ in range(3)) for fmt in ("csv", "xlsx")}
        print(f"\nexport of the demo (median of 3): csv {exports['csv']:.2f} s, xlsx "
              f"{exports['xlsx']:.2f} s: {exports['xlsx'] / exports['csv']:.1f}x "
              "(target: xlsx at most 3x csv)")


if __name__ == "__main__":
    main()
