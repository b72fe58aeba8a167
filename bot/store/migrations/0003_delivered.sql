-- Messages the bot delivered to a GP's chat about a case, so they can be taken back on erasure.

CREATE TABLE delivered (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX delivered_by_case ON delivered (case_id, chat_id);
