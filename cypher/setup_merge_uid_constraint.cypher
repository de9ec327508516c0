// Make merge uids unique within the Merge label too (and indexed), so that
// MERGE (n:Entity:Merge {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT merge_uid IF NOT EXISTS FOR (n:Merge) REQUIRE n.uid IS UNIQUE
