// Advance the data generation; run inside every write transaction.
// Parameters: none.
// Returns: generation, the new value.
MATCH (m:EcosystemMeta {id: 'meta'})
SET m.generation = m.generation + 1
RETURN m.generation AS generation
