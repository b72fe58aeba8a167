-- Whether the person holding a case's link has confirmed the invite's date of birth (the
-- identity step passed). Until then nothing the practice entered on the invite is shown to
-- them: the link may have reached the wrong person (docs/clinical-safety/hazard-log.md H06).
-- A workflow flag, set with the move from identity to consent; cases that made that move
-- before this migration are found in the audit trail.
--
-- Also cancels invites left without a date of birth by "New link" on a locked invite whose
-- case had been erased (an earlier version copied the emptied date of birth): such a link
-- can never pass the date-of-birth check. Invites scrubbed after expiring unused keep their
-- "(expired)" reference and are left as they are.

ALTER TABLE cases ADD COLUMN dob_checked INTEGER NOT NULL DEFAULT 0;

UPDATE cases SET dob_checked = 1 WHERE id IN
    (SELECT case_id FROM events WHERE kind = 'case.stage' AND case_id IS NOT NULL
     AND json_extract(detail, '$.from') = 'identity'
     AND json_extract(detail, '$.to') = 'consent');

UPDATE invites SET revoked_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    WHERE date_of_birth = '' AND used_at IS NULL AND revoked_at IS NULL
    AND patient_ref != '(expired)';
