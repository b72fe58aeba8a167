-- The referral pack as the record channels send it (NHSmail, MESH): the same pack as the GP's
-- Telegram chat gets, plus the patient's NHS number (if given at invite) and date of birth on
-- page 1 and at the foot of every page, so a pack saved, printed or attached alone can be
-- matched to its patient (hazard log H62). Built once per submission like `pack`, and erased
-- with it (the row is deleted with the case, `CaseRepository.erase`). Numbered 0024: 0023 is
-- taken by a migration on another branch.
ALTER TABLE submission_files ADD COLUMN record_pack BLOB;
ALTER TABLE submission_files ADD COLUMN record_pack_limit INTEGER;
