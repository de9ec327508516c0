"""Write the per-kind upsert queries in cypher/ (labels and types must be literal in files).

Run `python scripts/make_cypher.py` after changing the model; a test checks the files
are current. The generic queries in cypher/ are written by hand.
"""

from __future__ import annotations

from pathlib import Path

from ecosystem.model import RELATIONSHIP_SCHEMAS, NodeKind, RelKind
from ecosystem.stores.cypher import (
    constraint_file,
    create_node_file,
    node_label,
    relationship_type,
    upsert_relationship_file,
)

ROOT = Path(__file__).resolve().parent.parent


def create_query(kind: NodeKind) -> str:
    return f"""// Create {kind.value} nodes whose uids the store has just checked are new, in the
// same transaction (the uid constraints still guard against a concurrent writer). Upserts of
// stored nodes go through update_nodes.cypher. Not one MERGE: on ArcadeDB a MERGE on two
// labels scans instead of using the uid index and slows with every node (docs/neo4j.md).
// Parameters: $rows, a list of {{uid, props}}; props holds id, kind and the properties given.
// Returns: written, the number of nodes created.
UNWIND $rows AS row
CREATE (n:Entity:{node_label(kind)} {{uid: row.uid}})
SET n += row.props
RETURN count(n) AS written
"""


def constraint_query(kind: NodeKind) -> str:
    label = node_label(kind)
    return f"""// Make {kind.value} uids unique within the {label} label too (and indexed), so that
// MERGE (n:Entity:{label} {{uid}}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT {kind.value}_uid IF NOT EXISTS FOR (n:{label}) REQUIRE n.uid IS UNIQUE
"""


def relationship_query(kind: RelKind) -> str:
    schema = RELATIONSHIP_SCHEMAS[kind]
    ends = f"{schema.source.value} -> {schema.target.value}"
    return f"""// Upsert {kind.value} relationships ({ends}).
// Identity: the two nodes, since ('' when undated) and key ('' when none).
// Parameters: $rows, a list of {{source, target, since, key, props}}; source and target are
//   uids; props holds the properties given (a null value removes that property).
// Returns: written, the number of rows merged.
UNWIND $rows AS row
MATCH (a:Entity {{uid: row.source}})
MATCH (b:Entity {{uid: row.target}})
MERGE (a)-[r:{relationship_type(kind)} {{since: row.since, key: row.key}}]->(b)
SET r += row.props
RETURN count(r) AS written
"""


def generated() -> dict[str, str]:
    files = {create_node_file(k): create_query(k) for k in NodeKind}
    files |= {constraint_file(k): constraint_query(k) for k in NodeKind}
    files |= {upsert_relationship_file(k): relationship_query(k) for k in RelKind}
    return files


def main() -> None:
    for name, text in generated().items():
        (ROOT / "cypher" / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
