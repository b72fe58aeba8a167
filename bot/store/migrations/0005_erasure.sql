-- Erasure that survives a crash: photo files still to remove, and who asked for each erasure.

CREATE TABLE file_deletions (
    file_name TEXT    PRIMARY KEY,
    case_id   INTEGER,
    queued_at TEXT    NOT NULL
);

ALTER TABLE cases ADD COLUMN erased_by TEXT;
