-- The messages that carry a case's "Referral sent on e-RS" button: the deciding GP's "referred"
-- message and each member of staff's task to make the referral (hazard log H48). Whoever taps
-- first records the referral sent; the others' buttons are then changed to say who did it and
-- when (`bot.inbox.referral_task`). Only ids and the time; no personal data. Kept in SQLite so a
-- restart between the tap and the change loses nothing; deleted when the case is erased
-- (`bot.store.outbox.cancel_for_case`).
CREATE TABLE referral_buttons (
    case_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    noted_at TEXT NOT NULL,
    PRIMARY KEY (case_id, chat_id, message_id)
);
