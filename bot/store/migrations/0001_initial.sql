-- The first schema: practices and their members, invites, cases, photos, answers, audit and outbox.

CREATE TABLE practices (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    inbox_chat_id INTEGER,
    created_at    TEXT    NOT NULL
);

CREATE TABLE members (
    id               INTEGER PRIMARY KEY,
    practice_id      INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    telegram_user_id INTEGER NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('staff', 'gp', 'admin')),
    display_name     TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    UNIQUE (practice_id, telegram_user_id)
);

CREATE TABLE invites (
    id                 INTEGER PRIMARY KEY,
    practice_id        INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    token_hash         TEXT    NOT NULL UNIQUE,
    patient_ref        TEXT    NOT NULL,
    date_of_birth      TEXT    NOT NULL,
    gp_member_id       INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_by         INTEGER REFERENCES members(id) ON DELETE SET NULL,
    created_at         TEXT    NOT NULL,
    expires_at         TEXT    NOT NULL,
    opened_at          TEXT,
    used_at            TEXT,
    revoked_at         TEXT,
    failed_dob_checks  INTEGER NOT NULL DEFAULT 0,
    locked_at          TEXT
);

CREATE TABLE cases (
    id               INTEGER PRIMARY KEY,
    reference        TEXT    NOT NULL UNIQUE,
    practice_id      INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    invite_id        INTEGER REFERENCES invites(id) ON DELETE SET NULL,
    patient_user_id  INTEGER NOT NULL,
    patient_chat_id  INTEGER NOT NULL,
    is_child         INTEGER NOT NULL DEFAULT 0,
    stage            TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    submitted_at     TEXT,
    decided_at       TEXT,
    decision         TEXT,
    erased_at        TEXT
);
CREATE INDEX cases_by_patient ON cases (patient_user_id, updated_at);

CREATE TABLE photos (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    shot         TEXT    NOT NULL CHECK (shot IN ('locator', 'close_up_1', 'close_up_2')),
    attempt      INTEGER NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('photo', 'document')),
    file_name    TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL,
    width        INTEGER,
    height       INTEGER,
    verdict      TEXT    NOT NULL CHECK (verdict IN ('accept', 'retake', 'unchecked')),
    quality      TEXT    NOT NULL DEFAULT '{}',
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'replaced')),
    sent_anyway  INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT    NOT NULL,
    UNIQUE (case_id, shot, attempt)
);
CREATE INDEX photos_by_hash ON photos (case_id, sha256);

CREATE TABLE answers (
    case_id     INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    question    TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (case_id, question)
);

-- The audit trail outlives erasure: no foreign key, and no personal data in `detail`.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER,
    practice_id INTEGER,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);
CREATE INDEX events_by_case ON events (case_id, id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases(id) ON DELETE CASCADE,
    chat_id         INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);
