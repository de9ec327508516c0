// Make delivery uids unique within the Delivery label too (and indexed), so that
// MERGE (n:Entity:Delivery {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT delivery_uid IF NOT EXISTS FOR (n:Delivery) REQUIRE n.uid IS UNIQUE
