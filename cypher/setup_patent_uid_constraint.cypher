// Make patent uids unique within the Patent label too (and indexed), so that
// MERGE (n:Entity:Patent {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT patent_uid IF NOT EXISTS FOR (n:Patent) REQUIRE n.uid IS UNIQUE
