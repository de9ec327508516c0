"""Benchmark: ingest companies and relationships over Bolt into the test server (ArcadeDB).

Target (issue 7): batched ``UNWIND $rows`` ingest at least 20x the rows per second of a
one-statement-per-row baseline, measured in the same run. Also reported: projecting the
stored graph back into networkx.

The batched ingest loads everything (``--companies`` nodes, then ``--relationships``
relationships, each one transaction as the store always writes). The baseline runs the
store's own queries (``create_company`` for new nodes, ``upsert_partners_with``) one
statement per row, in one transaction, for ``--baseline-rows`` rows of the same data
(running it for a million rows would take hours); rates are compared per row.

Run: ``.venv/bin/python bench/bench_neo4j_ingest.py [--companies 100000]
[--relationships 1000000]``. Starts and stops its own ArcadeDB. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem import RelKind
from ecosystem.io.batch import ROW, RawTable
from ecosystem.stores.cypher import load_query
from ecosystem.stores.neo4j import Neo4jStore
from tests.bolt_server import start_arcadedb


def tables(companies: int, relationships: int, seed: int = 7) -> tuple[RawTable, RawTable]:
    rng = np.random.default_rng(seed)
    ids = np.array([f"c{i:07d}" for i in range(companies)])
    nodes = pd.DataFrame({"id": ids, "name": [f"Company {i}" for i in range(companies)],
                          ROW: np.arange(2, companies + 2)})
    codes = rng.choice(companies * companies, size=int(relationships * 1.1), replace=False)
    codes = codes[codes // companies != codes % companies][:relationships]
    rels = pd.DataFrame({
        "source": ids[codes // companies], "target": ids[codes % companies],
        "since": (pd.to_datetime("2000-01-01")
                  + pd.to_timedelta(rng.integers(0, 9000, relationships), "D")
                  ).strftime("%Y-%m-%d"),
        "weight": rng.integers(1, 5, relationships).astype(str),
        ROW: np.arange(2, relationships + 2),
    })
    return RawTable("companies", "bench", nodes), RawTable("partners_with", "bench", rels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    args = parser.parse_args()
    nodes, rels = tables(args.companies, args.relationships)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_arcadedb(Path(tmp) / "arcadedb", ("neo4j", "baseline"))
        try:
            run(server, nodes, rels, args)
        finally:
            server.stop()


def run(server, nodes: RawTable, rels: RawTable, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    from neo4j import GraphDatabase

    store = Neo4jStore(server.uri, user=server.user, password=server.password)
    rows = args.companies + args.relationships
    print(f"{args.companies:,} companies + {args.relationships:,} relationships over Bolt "
          f"({server.uri}, ArcadeDB)")
    start = time.perf_counter()
    store.write([nodes])
    node_seconds = time.perf_counter() - start
    store.write([rels])
    seconds = time.perf_counter() - start
    batched = rows / seconds
    print(f"{'batched UNWIND ingest':<44}{seconds:>9.1f} s  {batched:>10,.0f} rows/s")
    print(f"{'  of which companies':<44}{node_seconds:>9.1f} s")

    # Baseline: the store's own queries, one statement per row, same data, one transaction.
    node_query = load_query("create_company.cypher").text
    rel_query = load_query("upsert_partners_with.cypher").text
    half = args.baseline_rows // 2
    node_rows = [{"uid": f"company:{r.id}", "props": {"id": r.id, "name": r.name,
                                                       "kind": "company"}}
                 for r in nodes.frame.head(half).itertuples()]
    frame = rels.frame[rels.frame["source"].isin(nodes.frame["id"].head(half))
                       & rels.frame["target"].isin(nodes.frame["id"].head(half))]
    rel_rows = [{"source": f"company:{r.source}", "target": f"company:{r.target}",
                 "since": r.since, "key": "", "props": {"weight": float(r.weight)}}
                for r in frame.itertuples()]
    with (GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver,
          driver.session(database="baseline") as session):
        start = time.perf_counter()
        with session.begin_transaction() as tx:
            for row in node_rows:
                tx.run(node_query, rows=[row]).consume()
            for row in rel_rows:
                tx.run(rel_query, rows=[row]).consume()
            tx.commit()
        base_seconds = time.perf_counter() - start
    base_rows = len(node_rows) + len(rel_rows)
    baseline = base_rows / base_seconds
    print(f"{'baseline: one statement per row':<44}{base_seconds:>9.1f} s  {baseline:>10,.0f} "
          f"rows/s ({base_rows:,} rows)")
    print(f"{'ratio batched / per-row (target >= 20)':<44}{batched / baseline:>9.1f} x")

    start = time.perf_counter()
    G = store.graph()
    print(f"{'project stored graph into networkx':<44}{time.perf_counter() - start:>9.1f} s  "
          f"({G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges)")
    start = time.perf_counter()
    store.matrix(RelKind.PARTNERS_WITH)
    print(f"{'project sparse company x company matrix':<44}"
          f"{time.perf_counter() - start:>9.1f} s")
    store.close()


if __name__ == "__main__":
    main()
