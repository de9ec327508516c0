// Update stored nodes by uid: set the properties given (a null value removes that property,
// an absent one leaves it alone).
// Parameters: $rows, a list of {uid, props}.
// Returns: written, the number of nodes updated.
UNWIND $rows AS row
MATCH (n:Entity {uid: row.uid})
SET n += row.props
RETURN count(n) AS written
