// Make protected_item uids unique within the ProtectedItem label too (and indexed), so that
// MERGE (n:Entity:ProtectedItem {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT protected_item_uid IF NOT EXISTS FOR (n:ProtectedItem) REQUIRE n.uid IS UNIQUE
