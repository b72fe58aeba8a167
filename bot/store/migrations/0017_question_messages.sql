-- The bot's messages in a patient's chat that ask a question taking a typed answer as well as
-- its buttons ("Exactly where is the rash?" with Skip): once a typed answer to it is accepted,
-- the message's buttons are taken off, as a tap takes them off (`question` names it as the
-- buttons do, "details|where"). Kept here, not in memory, so a typed answer after a restart
-- still finds the question it answers. Only ids, no content; erasure of the case forgets them.

CREATE TABLE question_messages (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    case_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX question_messages_by_case ON question_messages (case_id);
