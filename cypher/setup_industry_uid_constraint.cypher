// Make industry uids unique within the Industry label too (and indexed), so that
// MERGE (n:Entity:Industry {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT industry_uid IF NOT EXISTS FOR (n:Industry) REQUIRE n.uid IS UNIQUE
