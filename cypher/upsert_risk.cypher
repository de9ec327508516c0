// Upsert risk nodes by uid ("risk:<id>").
// Parameters: $rows, a list of {uid, props}; props holds id, kind and the properties given
//   (a null value removes that property, an absent one leaves it alone).
// Returns: written, the number of rows merged.
UNWIND $rows AS row
MERGE (n:Entity:Risk {uid: row.uid})
SET n += row.props
RETURN count(n) AS written
