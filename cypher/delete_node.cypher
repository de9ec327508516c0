// Delete one node and every relationship touching it.
// Parameters: $uid.
// Returns: nothing.
MATCH (n:Entity {uid: $uid})
DETACH DELETE n
