-- Durable staff conversations (issue 14, item 3): the state of each persistent
-- python-telegram-bot ConversationHandler (the staff /invite: asked for the details, or
-- choosing the GP) and the invite draft it keeps in the member's user_data (patient reference,
-- date of birth, NHS number where the practice uses MESH). Nothing clinical. Rows idle for a
-- day are deleted by the retention purge, and a person's rows when they stop being a member
-- of any practice (`PracticeRepository.remove_member`).

CREATE TABLE staff_conversations (
    name TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (name, chat_id, user_id)
);

CREATE TABLE staff_user_data (
    user_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
