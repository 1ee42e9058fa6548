-- The change log (watwerkt_store::changes): one row per committed write that changed something,
-- written in its transaction, numbered without gaps under the write lock. `projects` lists the
-- changed project numbers one per line; NULL means everything (a large write or a restore).
CREATE TABLE change_log (
    seq         INTEGER PRIMARY KEY,
    generation  INTEGER NOT NULL,
    projects    TEXT,
    at          INTEGER NOT NULL
);

-- Each process that follows the log, with the last row it applied and when it said so.
CREATE TABLE change_log_readers (
    node     TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL,
    seen_at  INTEGER NOT NULL
);
