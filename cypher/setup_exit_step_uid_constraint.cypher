// Make exit_step uids unique within the ExitStep label too (and indexed), so that
// MERGE (n:Entity:ExitStep {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT exit_step_uid IF NOT EXISTS FOR (n:ExitStep) REQUIRE n.uid IS UNIQUE
