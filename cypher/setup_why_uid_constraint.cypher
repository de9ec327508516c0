// Make why uids unique within the Why label too (and indexed), so that
// MERGE (n:Entity:Why {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT why_uid IF NOT EXISTS FOR (n:Why) REQUIRE n.uid IS UNIQUE
