// Make partnership uids unique within the Partnership label too (and indexed), so that
// MERGE (n:Entity:Partnership {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT partnership_uid IF NOT EXISTS FOR (n:Partnership) REQUIRE n.uid IS UNIQUE
