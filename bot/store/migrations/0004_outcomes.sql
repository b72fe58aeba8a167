-- GP outcomes: the newest photo of this submission and of the one before (to name what is new),
-- the urgent task, the e-RS referral sent (with its UBRN, if given), and which part of which
-- submission a GP chat received.

ALTER TABLE cases ADD COLUMN last_photo_id INTEGER;
ALTER TABLE cases ADD COLUMN previous_last_photo_id INTEGER;
ALTER TABLE cases ADD COLUMN task_done_at TEXT;
ALTER TABLE cases ADD COLUMN referral_sent_at TEXT;
ALTER TABLE cases ADD COLUMN ubrn TEXT;
ALTER TABLE delivered ADD COLUMN part TEXT;
ALTER TABLE delivered ADD COLUMN submission INTEGER;
