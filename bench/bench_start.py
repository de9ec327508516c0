"""Benchmark: how long the command line takes to start.

Target (issue 18): ``ecosystem --help`` at most 6x ``python -c pass``, whole process,
median of 5 runs each, measured in the same run.

Measured as an installed package starts: with its bytecode cached (pip compiles it at
install). ``PYTHONDONTWRITEBYTECODE`` is taken out of the commands' environment, so the
dropped first run writes the cache of an editable install; with it set, as on some
development machines, every start compiles the package from source (about 60 ms more on
the 2-core machine), and the script says so.

Run: ``.venv/bin/python bench/bench_start.py [--runs 5]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
#: The commands' environment: bytecode cached, as an installed package has it.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs + 1):  # the first run warms the file cache and is dropped
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=ENVIRONMENT)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("(PYTHONDONTWRITEBYTECODE is set here; it is left out, so that bytecode is "
              "cached as an installed package has it)")
    baseline = median_seconds([sys.executable, "-c", "pass"], args.runs)
    print(f"python -c pass          {baseline * 1000:8.1f} ms")
    for label, command in (("ecosystem --help", [str(VENV_BIN / "ecosystem"), "--help"]),
                           ("ecosystem info --help", [str(VENV_BIN / "ecosystem"), "info",
                                                      "--help"])):
        seconds = median_seconds(command, args.runs)
        print(f"{label:<24}{seconds * 1000:8.1f} ms   {seconds / baseline:5.1f}x python "
              "-c pass (target: at most 6x)")


if __name__ == "__main__":
    main()
