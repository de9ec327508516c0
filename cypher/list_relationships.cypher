// Relationships, optionally of some types and active on a day.
// Parameters: $types (list of relationship types, or null for all), $day ('YYYY-MM-DD' or
//   null: active means since is '' or <= day, and until is null or > day).
// Returns: type, source, target (node ids), props; unordered (the store sorts them: on
//   ArcadeDB an ORDER BY over a million relationships exceeds its query heap budget).
MATCH (a:Entity)-[r]->(b:Entity)
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($day IS NULL OR ((r.since = '' OR r.since <= $day) AND (r.until IS NULL OR $day < r.until)))
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
