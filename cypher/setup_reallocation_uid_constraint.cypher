// Make reallocation uids unique within the Reallocation label too (and indexed), so that
// MERGE (n:Entity:Reallocation {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT reallocation_uid IF NOT EXISTS FOR (n:Reallocation) REQUIRE n.uid IS UNIQUE
