-- The next step held back while the photos of an album (sent together) are judged: one row per
-- case, from the album's first kept photo until the step is shown (`Journey.album_prompt`), so
-- a restart mid-album still shows it (`bot.handlers.albums.restore`). Only Telegram's album id
-- and the time; no personal data.
CREATE TABLE album_steps (
    case_id INTEGER PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    album TEXT NOT NULL,
    noted_at TEXT NOT NULL
);
