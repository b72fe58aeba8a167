-- Chats the bot can no longer post in, as Telegram said in a `my_chat_member` update: a practice
-- member's private chat whose owner blocked the bot (status "kicked"; a patient's block is not
-- noted), or a group the bot was taken out of. While a chat is here it is no recipient of
-- cases: a GP's waiting cases go to the practice's other GPs or inbox group, and a lost inbox
-- group's to its GPs' own chats (`bot/inbox/blocked.py`, `bot/inbox/moved.py`; hazard log H51,
-- H52); alerts that fall to the GPs leave it out. The row goes when Telegram says the bot is
-- back (unblocked, added to the group again) or the operator sets the group as a practice's
-- inbox. Only a chat id and a time; no case data, so nothing here is erased with a case.
CREATE TABLE lost_chats (
    chat_id INTEGER PRIMARY KEY,
    lost_at TEXT NOT NULL
);
