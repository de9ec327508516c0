// Create the store's metadata node (holds the data generation); idempotent.
// Parameters: none.
// Returns: generation.
MERGE (m:EcosystemMeta {id: 'meta'})
ON CREATE SET m.generation = 0
RETURN m.generation AS generation
