// Make pool_entry uids unique within the PoolEntry label too (and indexed), so that
// MERGE (n:Entity:PoolEntry {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT pool_entry_uid IF NOT EXISTS FOR (n:PoolEntry) REQUIRE n.uid IS UNIQUE
