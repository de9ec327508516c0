// Make capability uids unique within the Capability label too (and indexed), so that
// MERGE (n:Entity:Capability {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT capability_uid IF NOT EXISTS FOR (n:Capability) REQUIRE n.uid IS UNIQUE
