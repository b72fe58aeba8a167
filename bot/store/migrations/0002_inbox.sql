-- The GP inbox: how many times a case was submitted, the GP's reason, and one-time join codes.

ALTER TABLE cases ADD COLUMN submissions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN decision_note TEXT;
CREATE INDEX cases_by_stage ON cases (practice_id, stage, submitted_at);

CREATE TABLE join_codes (
    id           INTEGER PRIMARY KEY,
    practice_id  INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    code_hash    TEXT    NOT NULL UNIQUE,
    role         TEXT    NOT NULL CHECK (role IN ('staff', 'gp', 'admin')),
    display_name TEXT    NOT NULL,
    created_by   INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    used_at      TEXT
);
