// Nodes, optionally of one kind and matching a search text, a page at a time.
// Parameters: $kind (or null for all), $search (lower-case text, or null), $skip, $limit.
// Returns: props, ordered by kind and id.
MATCH (n:Entity)
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($search IS NULL
       OR toLower(n.id) CONTAINS $search
       OR toLower(coalesce(n.name, n.title, '')) CONTAINS $search)
RETURN properties(n) AS props
ORDER BY n.kind, n.id
SKIP $skip
LIMIT $limit
