// One node by uid.
// Parameters: $uid ("<kind>:<id>").
// Returns: props, all stored properties (uid, kind and id included).
MATCH (n:Entity {uid: $uid})
RETURN properties(n) AS props
