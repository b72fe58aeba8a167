-- Patient photo messages still in the patient's chat: the bot could not delete one once the
-- photo was kept (Telegram refused or was unreachable), or did not check it (sent when no photo
-- was asked for, forwarded, too big). Only ids, no content. Deleted, and the rows with them,
-- once a record channel (NHSmail, MESH) has the case (issue 15).

CREATE TABLE chat_photos (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    case_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX chat_photos_by_case ON chat_photos (case_id);
