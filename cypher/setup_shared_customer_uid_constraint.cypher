// Make shared_customer uids unique within the SharedCustomer label too (and indexed), so that
// MERGE (n:Entity:SharedCustomer {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT shared_customer_uid IF NOT EXISTS FOR (n:SharedCustomer) REQUIRE n.uid IS UNIQUE
