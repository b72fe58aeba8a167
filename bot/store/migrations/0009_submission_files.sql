-- Work done once per submission (issue 14, item 5): the GP's summary (the digest's words, as
-- JSON, and which photo files it labels) and the referral pack PDF of a case's current
-- submission, built at the first delivery that needs them and read by every later one
-- (Telegram parts, "Open", e-mail, MESH, retries). Deleted with the case's photos and answers
-- when it is erased, and replaced when the case is submitted again.

CREATE TABLE submission_files (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    submission INTEGER NOT NULL,
    summary TEXT NOT NULL,
    pack BLOB,
    pack_limit INTEGER,
    built_at TEXT NOT NULL,
    PRIMARY KEY (case_id, submission)
);
