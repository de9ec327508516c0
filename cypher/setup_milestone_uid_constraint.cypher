// Make milestone uids unique within the Milestone label too (and indexed), so that
// MERGE (n:Entity:Milestone {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT milestone_uid IF NOT EXISTS FOR (n:Milestone) REQUIRE n.uid IS UNIQUE
