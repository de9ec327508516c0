"""Benchmark: import 100,000 companies and 1,000,000 relationship rows from CSV, beside
DuckDB loading the same files into tables with primary keys; then the same at 5,000,000.

Targets (issue 18): our import at most 2x DuckDB's wall time and at most 1.5x its peak
memory; at 5M rows our peak memory within 10% of the 1M figure (the import streams: memory
does not grow with the file). Each side runs as its own process (``ecosystem import`` on
the command line, a Python script for DuckDB), timed from start to exit, its peak resident
memory read from the kernel (``wait4``).

Run: ``.venv/bin/python bench/bench_import.py [--rows 1000000] [--large 5000000]
[--repeat 3]`` (``--large 0`` skips the second size). At the first size each side runs
``--repeat`` times, taking turns, and the medians are compared: on a shared machine one
run of either side can be a third slower than the next. Prints figures; asserts nothing
about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ECOSYSTEM = [sys.executable, "-m", "ecosystem.cli"]
DUCKDB_SCRIPT = """
import sys, duckdb
data, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
con.execute("CREATE TABLE companies (id VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR)")
con.execute(f"INSERT INTO companies SELECT * FROM read_csv('{data}/companies.csv', "
            "header=true, all_varchar=true)")
con.execute("CREATE TABLE partners_with (source VARCHAR, target VARCHAR, since DATE, "
            "until DATE, weight DOUBLE, PRIMARY KEY (source, target, since))")
con.execute(f"INSERT INTO partners_with SELECT * FROM "
            f"read_csv('{data}/relationships/partners_with.csv', header=true)")
(count,) = con.execute("SELECT count(*) FROM partners_with").fetchone()
assert count > 0
con.close()
"""


def make_data(folder: Path, companies: int, rows: int, seed: int = 1) -> Path:
    """Write companies.csv and relationships/partners_with.csv (``rows`` distinct pairs)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.array([f"company-{i:07d}" for i in range(companies)])
    pd.DataFrame({"id": ids, "name": [f"Company {i}" for i in range(companies)],
                  "country": rng.choice(["US", "DE", "CN", "JP", "FR"], companies)}
                 ).to_csv(folder / "companies.csv", index=False)
    rel_dir = folder / "relationships"
    rel_dir.mkdir(exist_ok=True)
    path = rel_dir / "partners_with.csv"
    # distinct (source, target) pairs, so every row is one relationship; written in
    # slices of a million so that making the data does not need the memory it measures
    codes = np.unique(rng.integers(0, companies * companies, size=int(rows * 1.05)))
    codes = codes[codes // companies != codes % companies]
    codes = rng.permutation(codes)[:rows]
    for start in range(0, rows, 1_000_000):
        part = codes[start:start + 1_000_000]
        n = len(part)
        days = pd.to_datetime("2000-01-01") + pd.to_timedelta(rng.integers(0, 9000, n), "D")
        ends = days + pd.to_timedelta(rng.integers(30, 3000, n), "D")
        until = np.where(rng.random(n) < 0.3, ends.strftime("%Y-%m-%d"), "")
        pd.DataFrame({
            "source": ids[part // companies], "target": ids[part % companies],
            "since": days.strftime("%Y-%m-%d"), "until": until,
            "weight": rng.integers(1, 5, n),
        }).to_csv(path, index=False, mode="w" if start == 0 else "a", header=start == 0)
    return path


def measured(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of ``command`` run as a process.

    Linux carries a parent's peak over into the peak of a child it forks, even after the
    child starts another program: this process therefore stays small (the data are made
    in a process of their own)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        assert process.stderr is not None
        raise SystemExit(f"{command} failed:\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024  # kilobytes on Linux


def run(folder: Path, companies: int, rows: int, repeat: int) -> dict[str, float]:
    """Import the data ``repeat`` times each way, the two sides taking turns (so a slow
    spell of a shared machine falls on both), and print the medians."""
    data = folder / f"data-{rows}"
    subprocess.run([sys.executable, __file__, "--make-data", str(data), "--rows", str(rows),
                    "--companies", str(companies)], check=True)
    path = data / "relationships" / "partners_with.csv"
    print(f"\n{rows:,} relationship rows ({path.stat().st_size / 1e6:.0f} MB CSV), "
          f"{companies:,} companies; median of {repeat} runs each, taking turns")
    ours: list[tuple[float, float]] = []
    duck: list[tuple[float, float]] = []
    store = folder / f"ours-{rows}.db"
    for _ in range(repeat):
        for extra in ("", "-wal", "-shm"):
            Path(f"{store}{extra}").unlink(missing_ok=True)
        ours.append(measured([*ECOSYSTEM, "--no-progress", "--store", str(store), "import",
                              str(data)]))
        duck_file = folder / f"duck-{rows}.duckdb"
        duck_file.unlink(missing_ok=True)
        duck.append(measured([sys.executable, "-c", DUCKDB_SCRIPT, str(data),
                              str(duck_file)]))
    (o_time, o_peak), (d_time, d_peak) = _median(ours), _median(duck)
    print(f"{'':<34}{'wall s':>10}{'peak MB':>10}   runs (s)")
    print(f"{'ecosystem import (embedded store)':<34}{o_time:>10.2f}{o_peak:>10.0f}   "
          + " ".join(f"{t:.2f}" for t, _ in ours))
    print(f"{'DuckDB, same files, primary keys':<34}{d_time:>10.2f}{d_peak:>10.0f}   "
          + " ".join(f"{t:.2f}" for t, _ in duck))
    print(f"{'ratio (targets: time <= 2.0, memory <= 1.5)':<44}"
          f"{o_time / d_time:>6.2f}x{o_peak / d_peak:>9.2f}x")
    print(f"{'rows per second':<34}{rows / o_time:>10,.0f}")
    again = measured([*ECOSYSTEM, "--no-progress", "--store", str(store),
                      "import", str(data / "relationships")])
    print(f"{'import again (every row updated)':<34}{again[0]:>10.2f}{again[1]:>10.0f}")
    return {"seconds": o_time, "peak": o_peak}


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return (statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=5_000_000,
                        help="a second, larger size to show memory stays flat (0: skip)")
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each side at the first size (medians are printed)")
    parser.add_argument("--make-data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_data:
        make_data(args.make_data, args.companies, args.rows)
        return
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        base = run(Path(tmp), args.companies, args.rows, args.repeat)
        if args.large:
            large = run(Path(tmp), args.companies, args.large, 1)
            print(f"\npeak memory at {args.large:,} rows / at {args.rows:,} rows "
                  f"(target <= 1.10): {large['peak'] / base['peak']:.2f}x; "
                  f"time {large['seconds'] / base['seconds']:.2f}x for "
                  f"{args.large / args.rows:.0f}x the rows")


if __name__ == "__main__":
    main()
