// Make budget_line uids unique within the BudgetLine label too (and indexed), so that
// MERGE (n:Entity:BudgetLine {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT budget_line_uid IF NOT EXISTS FOR (n:BudgetLine) REQUIRE n.uid IS UNIQUE
