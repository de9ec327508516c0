// Relationships per type, optionally only those active on a day.
// Parameters: $day ('YYYY-MM-DD' or null).
// Returns: type, count.
MATCH (:Entity)-[r]->(:Entity)
WHERE $day IS NULL OR ((r.since = '' OR r.since <= $day) AND (r.until IS NULL OR $day < r.until))
RETURN type(r) AS type, count(r) AS count
