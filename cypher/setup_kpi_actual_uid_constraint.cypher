// Make kpi_actual uids unique within the KpiActual label too (and indexed), so that
// MERGE (n:Entity:KpiActual {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT kpi_actual_uid IF NOT EXISTS FOR (n:KpiActual) REQUIRE n.uid IS UNIQUE
