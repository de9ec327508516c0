// Make rotation uids unique within the Rotation label too (and indexed), so that
// MERGE (n:Entity:Rotation {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT rotation_uid IF NOT EXISTS FOR (n:Rotation) REQUIRE n.uid IS UNIQUE
