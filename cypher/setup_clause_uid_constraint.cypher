// Make clause uids unique within the Clause label too (and indexed), so that
// MERGE (n:Entity:Clause {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT clause_uid IF NOT EXISTS FOR (n:Clause) REQUIRE n.uid IS UNIQUE
