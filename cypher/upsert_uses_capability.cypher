// Upsert uses_capability relationships (company -> capability).
// Identity: the two nodes, since ('' when undated) and key ('' when none).
// Parameters: $rows, a list of {source, target, since, key, props}; source and target are
//   uids; props holds the properties given (a null value removes that property).
// Returns: written, the number of rows merged.
UNWIND $rows AS row
MATCH (a:Entity {uid: row.source})
MATCH (b:Entity {uid: row.target})
MERGE (a)-[r:USES_CAPABILITY {since: row.since, key: row.key}]->(b)
SET r += row.props
RETURN count(r) AS written
