-- Which of a patient's cases their input goes to (audit finding 1): the time the patient last
-- acted on each case (opened its link, answered, sent a photo, tapped one of its buttons).
-- Unlike updated_at, GP decisions, "new photos" requests, staff stops, reminders and the
-- retention purge never change it, so none of them can take the patient's input to another
-- case. Existing cases start from their last change.

ALTER TABLE cases ADD COLUMN patient_at TEXT;
UPDATE cases SET patient_at = updated_at;
