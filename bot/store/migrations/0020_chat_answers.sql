-- The bot's own messages in a patient's chat that show the patient's answers back to them: the
-- review summary ("Exactly where: ...", "Tried: ..."), the messages naming the body area as
-- typed ("Do your photos show the new area: ...?"), the date of birth said back, and each
-- question about the rash showing the answer tapped under it ("✔ Leg or foot"). Noted against
-- the case when Telegram has them, so that erasing the case (the patient's /delete or /cancel, a stop after photos, a
-- practice /stop, the retention purge) also deletes them from the patient's chat, through the
-- outbox as the patient's photo messages are (`bot/store/outbox.py cancel_for_case`). Telegram
-- lets a bot delete its messages only within 48 hours: an older one stays. Only ids, no
-- content; the rows go with the erasure that queues their deletion.
CREATE TABLE chat_answers (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    case_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id, case_id)
);
CREATE INDEX chat_answers_by_case ON chat_answers (case_id);
