// Advance the data generation and that of each kind the write touched; run inside every
// write transaction, after read_meta.cypher gave the current values.
// Parameters: $kinds, a map of 'g_<kind>' to the new generation of that kind.
// Returns: generation, the new value.
MATCH (m:EcosystemMeta {id: 'meta'})
SET m.generation = m.generation + 1, m += $kinds
RETURN m.generation AS generation
