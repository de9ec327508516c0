// Delete one relationship by its identity.
// Parameters: $source, $target (uids), $type, $since ('' when undated), $key ('' when none).
// Returns: deleted, the number of relationships deleted (0 or 1).
MATCH (a:Entity {uid: $source})-[r]->(b:Entity {uid: $target})
WHERE type(r) = $type AND r.since = $since AND r.key = $key
DELETE r
RETURN count(*) AS deleted
