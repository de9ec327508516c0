// How many relationships touch one node.
// Parameters: $uid.
// Returns: count.
MATCH (n:Entity {uid: $uid})
OPTIONAL MATCH (n)-[r]-(:Entity)
RETURN count(DISTINCT r) AS count
