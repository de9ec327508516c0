// Read the data generation, a number that changes on every write.
// Parameters: none.
// Returns: generation.
MATCH (m:EcosystemMeta {id: 'meta'})
RETURN m.generation AS generation
