// Make meeting uids unique within the Meeting label too (and indexed), so that
// MERGE (n:Entity:Meeting {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT meeting_uid IF NOT EXISTS FOR (n:Meeting) REQUIRE n.uid IS UNIQUE
