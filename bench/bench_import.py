"""Benchmark: import 1,000,000 relationship rows from CSV into the embedded store.

Target (issue 2): the import takes at most 3x the time ``pandas.read_csv`` needs to read the
same file, measured in the same run. Also reported: opening the store and building its
networkx graph, and the sparse matrix of the relationship kind.

Run: ``.venv/bin/python bench/bench_import.py [--rows 1000000] [--companies 100000]``.
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ecosystem import EmbeddedStore, RelKind, import_paths


def make_data(folder: Path, companies: int, rows: int, seed: int = 1) -> Path:
    """Write companies.csv and partners_with.csv (rows relationships) into ``folder``."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.array([f"company-{i:07d}" for i in range(companies)])
    pd.DataFrame({"id": ids, "name": [f"Company {i}" for i in range(companies)],
                  "country": rng.choice(["US", "DE", "CN", "JP", "FR"], companies)}
                 ).to_csv(folder / "companies.csv", index=False)
    # distinct (source, target) pairs, so every row is one relationship
    codes = rng.choice(companies * companies, size=int(rows * 1.1), replace=False)
    codes = codes[codes // companies != codes % companies][:rows]
    days = pd.to_datetime("2000-01-01") + pd.to_timedelta(rng.integers(0, 9000, rows), "D")
    ends = days + pd.to_timedelta(rng.integers(30, 3000, rows), "D")
    until = np.where(rng.random(rows) < 0.3, ends.strftime("%Y-%m-%d"), "")
    rel_dir = folder / "relationships"
    rel_dir.mkdir(exist_ok=True)
    path = rel_dir / "partners_with.csv"
    pd.DataFrame({
        "source": ids[codes // companies], "target": ids[codes % companies],
        "since": days.strftime("%Y-%m-%d"), "until": until,
        "weight": rng.integers(1, 5, rows),
    }).to_csv(path, index=False)
    return path


def timed(label: str, action, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<52}{seconds:>9.2f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rel_path = make_data(folder / "data", args.companies, args.rows)
        size_mb = rel_path.stat().st_size / 1e6
        print(f"{args.rows:,} relationship rows ({size_mb:.0f} MB CSV), "
              f"{args.companies:,} companies")
        db = folder / "bench.db"
        with EmbeddedStore(db) as store:
            timed("import companies (setup)", import_paths, store,
                  [folder / "data" / "companies.csv"])
            frame, baseline = timed("baseline: pandas.read_csv(file)", pd.read_csv, rel_path)
            assert len(frame) == args.rows
            _, seconds = timed("ecosystem import of the same file", import_paths, store,
                               [rel_path])
            print(f"{'ratio import / read_csv (target <= 3.0)':<52}{seconds / baseline:>9.2f} x")
            print(f"{'rows per second':<52}{args.rows / seconds:>9,.0f}")
            _, again = timed("import again (all rows updated in place)", import_paths,
                             store, [rel_path])
            print(f"{'ratio re-import / read_csv':<52}{again / baseline:>9.2f} x")
        store = EmbeddedStore(db)
        G, _ = timed("open store and build networkx graph", store.graph)
        print(f"  graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
        timed("build sparse company x company matrix", store.matrix, RelKind.PARTNERS_WITH)
        timed("graph as of 2010-01-01", store.graph, as_of=dt.date(2010, 1, 1))
        store.close()


if __name__ == "__main__":
    main()
