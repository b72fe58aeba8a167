-- Every question message with buttons is noted now (`question_messages`), not only those that
-- take a typed answer: when the same question of a case is shown again (after /help, /status,
-- an edit), the older copies lose their buttons. `off_at` is set, in the transaction that notes
-- the new copy, on each older copy whose buttons are to come off; the row is forgotten only once
-- Telegram has taken them off (or says there is nothing to take off), so after a crash in
-- between they are still due, and the next start takes them off.

ALTER TABLE question_messages ADD COLUMN off_at TEXT;
CREATE INDEX question_messages_due_off ON question_messages (off_at) WHERE off_at IS NOT NULL;
