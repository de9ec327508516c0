// Make company uids unique within the Company label too (and indexed), so that
// MERGE (n:Entity:Company {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT company_uid IF NOT EXISTS FOR (n:Company) REQUIRE n.uid IS UNIQUE
