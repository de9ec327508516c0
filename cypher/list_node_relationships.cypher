// Relationships touching one node, optionally of some types and active on a day.
// Parameters: $uid (the node), $types (list or null), $day ('YYYY-MM-DD' or null).
// Returns: type, source, target (node ids), props; ordered by type, source, target, since, key.
MATCH (n:Entity {uid: $uid})-[r]-(:Entity)
WITH DISTINCT r
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($day IS NULL OR ((r.since = '' OR r.since <= $day) AND (r.until IS NULL OR $day < r.until)))
WITH r, startNode(r) AS a, endNode(r) AS b
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
ORDER BY type, source, target, r.since, r.key
