// Make incident uids unique within the Incident label too (and indexed), so that
// MERGE (n:Entity:Incident {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT incident_uid IF NOT EXISTS FOR (n:Incident) REQUIRE n.uid IS UNIQUE
