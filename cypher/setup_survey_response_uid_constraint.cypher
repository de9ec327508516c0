// Make survey_response uids unique within the SurveyResponse label too (and indexed), so that
// MERGE (n:Entity:SurveyResponse {uid}) finds nodes through either label's index; idempotent.
// Parameters: none.
// Returns: nothing.
CREATE CONSTRAINT survey_response_uid IF NOT EXISTS FOR (n:SurveyResponse) REQUIRE n.uid IS UNIQUE
