// Make technology_class uids unique within the TechnologyClass label too (and indexed), so that
// MERGE (n:Entity:TechnologyClass {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT technology_class_uid IF NOT EXISTS FOR (n:TechnologyClass) REQUIRE n.uid IS UNIQUE
