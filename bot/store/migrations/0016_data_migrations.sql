-- One-off steps on data rather than on the schema, run once at start-up by the build that
-- brings them (`bot/services/photo_metadata.py`), each recorded here under its name when it has
-- finished, so it never runs again. `detail` holds counts only (JSON), never content.

CREATE TABLE data_migrations (
    name       TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}'
);
