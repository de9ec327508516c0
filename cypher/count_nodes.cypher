// Nodes per kind.
// Parameters: none.
// Returns: kind, count.
MATCH (n:Entity)
RETURN n.kind AS kind, count(n) AS count
