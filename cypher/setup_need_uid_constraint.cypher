// Make need uids unique within the Need label too (and indexed), so that
// MERGE (n:Entity:Need {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT need_uid IF NOT EXISTS FOR (n:Need) REQUIRE n.uid IS UNIQUE
