// Index nodes by kind, for listing and counting one kind; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind)
