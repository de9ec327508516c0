// Create pool_entry nodes whose uids the store has just checked are new, in the
// same transaction (the uid constraints still guard against a concurrent writer). Upserts of
// stored nodes go through update_nodes.cypher. Not one MERGE: on ArcadeDB a MERGE on two
// labels scans instead of using the uid index and slows with every node (docs/neo4j.md).
// Parameters: $rows, a list of {uid, props}; props holds id, kind and the properties given.
// Returns: written, the number of nodes created.
UNWIND $rows AS row
CREATE (n:Entity:PoolEntry {uid: row.uid})
SET n += row.props
RETURN count(n) AS written
