// Make kpi uids unique within the Kpi label too (and indexed), so that
// MERGE (n:Entity:Kpi {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT kpi_uid IF NOT EXISTS FOR (n:Kpi) REQUIRE n.uid IS UNIQUE
