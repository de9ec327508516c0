// The nodes one relationship away from any of the given nodes (either direction), counting
// only relationships active on $day. Called once per hop to expand an ego network.
// Parameters: $uids (list of node uids), $day ('YYYY-MM-DD' or null for all).
// Returns: uid (one row per neighbour, distinct).
MATCH (n:Entity)-[r]-(m:Entity)
WHERE n.uid IN $uids
  AND ($day IS NULL OR ((r.since = '' OR r.since <= $day) AND (r.until IS NULL OR $day < r.until)))
RETURN DISTINCT m.uid AS uid
