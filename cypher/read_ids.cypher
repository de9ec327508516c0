// The ids of every node of one kind.
// Parameters: $kind (e.g. 'company').
// Returns: id.
MATCH (n:Entity)
WHERE n.kind = $kind
RETURN n.id AS id
