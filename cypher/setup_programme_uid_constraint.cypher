// Make programme uids unique within the Programme label too (and indexed), so that
// MERGE (n:Entity:Programme {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT programme_uid IF NOT EXISTS FOR (n:Programme) REQUIRE n.uid IS UNIQUE
