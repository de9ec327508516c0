// Create the store's metadata node (its id and the data generation); idempotent.
// Parameters: $store_id, an id for a new store.
// Returns: generation.
MERGE (m:EcosystemMeta {id: 'meta'})
ON CREATE SET m.generation = 0
SET m.store_id = coalesce(m.store_id, $store_id)
RETURN m.generation AS generation
