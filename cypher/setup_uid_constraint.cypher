// Make node uids unique (and indexed); idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT entity_uid IF NOT EXISTS FOR (n:Entity) REQUIRE n.uid IS UNIQUE
