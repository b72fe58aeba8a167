-- A photo held while the patient chooses which request it is for (two wait for photos) is
-- noted against each request waiting, so that erasing any of them takes it off the chat and a
-- restart leaves a record that erasure and retention act on: one message may now be noted for
-- more than one case. Only ids, no content.

CREATE TABLE chat_photos_new (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    case_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id, case_id)
);
INSERT INTO chat_photos_new (chat_id, message_id, case_id, created_at)
    SELECT chat_id, message_id, case_id, created_at FROM chat_photos;
DROP TABLE chat_photos;
ALTER TABLE chat_photos_new RENAME TO chat_photos;
CREATE INDEX chat_photos_by_case ON chat_photos (case_id);
