// Make stage_change uids unique within the StageChange label too (and indexed), so that
// MERGE (n:Entity:StageChange {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT stage_change_uid IF NOT EXISTS FOR (n:StageChange) REQUIRE n.uid IS UNIQUE
