-- A photo message noted while it is held for the patient's choice of request (`note_held`) is
-- marked, until the patient chooses: held photos are kept in memory only, so one still marked
-- at start-up was lost with the restart, and its message is deleted from the chat then
-- (`OutboxRepository.forget_held`). Notes made before this migration stay unmarked (erasure
-- and retention still take them off the chat). Only ids, no content.

ALTER TABLE chat_photos ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
