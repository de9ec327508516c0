// Read the store's metadata: its id, the data generation and the generation of each kind
// (properties 'g_<kind>').
// Parameters: none.
// Returns: meta, the metadata node's properties.
MATCH (m:EcosystemMeta {id: 'meta'})
RETURN properties(m) AS meta
