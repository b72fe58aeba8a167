-- Workflow flags as columns of the case rather than answers (issue 14, item 3): who answers
-- and consents (the patient or a parent), the photo tip shown, the answer being changed at the
-- review, the shots still to take again and whether to go back to the review afterwards.
-- Flags stored as answers until now (meta.consent_by, prep.step, flow.change, flow.redo,
-- flow.return_to_review) move into the columns and leave the answers.

ALTER TABLE cases ADD COLUMN consent_by TEXT NOT NULL DEFAULT 'self'
    CHECK (consent_by IN ('self', 'parent'));
ALTER TABLE cases ADD COLUMN prep_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN changing TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN redo TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN return_to_review INTEGER NOT NULL DEFAULT 0;

UPDATE cases SET consent_by = 'parent' WHERE id IN
    (SELECT case_id FROM answers WHERE question = 'meta.consent_by' AND value = 'parent');
UPDATE cases SET prep_step = (SELECT CAST(value AS INTEGER) FROM answers
    WHERE answers.case_id = cases.id AND question = 'prep.step')
    WHERE id IN (SELECT case_id FROM answers WHERE question = 'prep.step');
UPDATE cases SET changing = (SELECT value FROM answers
    WHERE answers.case_id = cases.id AND question = 'flow.change')
    WHERE id IN (SELECT case_id FROM answers WHERE question = 'flow.change');
UPDATE cases SET redo = (SELECT value FROM answers
    WHERE answers.case_id = cases.id AND question = 'flow.redo')
    WHERE id IN (SELECT case_id FROM answers WHERE question = 'flow.redo');
UPDATE cases SET return_to_review = 1 WHERE id IN
    (SELECT case_id FROM answers WHERE question = 'flow.return_to_review' AND value = 'yes');

DELETE FROM answers WHERE question IN
    ('meta.consent_by', 'prep.step', 'flow.change', 'flow.redo', 'flow.return_to_review');
