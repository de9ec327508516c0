// Make risk uids unique within the Risk label too (and indexed), so that
// MERGE (n:Entity:Risk {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT risk_uid IF NOT EXISTS FOR (n:Risk) REQUIRE n.uid IS UNIQUE
