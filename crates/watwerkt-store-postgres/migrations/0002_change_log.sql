-- The change log (watwerkt_store::changes): one row per committed write that changed something,
-- written in its transaction, numbered without gaps under the write lock (the generation row),
-- so log order is commit order. `projects` lists the changed project numbers one per line; NULL
-- means everything (a large write or a restore). Each commit also sends NOTIFY watwerkt_changes.
CREATE TABLE change_log (
    seq         BIGINT PRIMARY KEY,
    generation  BIGINT NOT NULL,
    projects    TEXT,
    at          BIGINT NOT NULL
);

-- Each serving node that follows the log, with the last row it applied and when it said so.
CREATE TABLE change_log_readers (
    node     TEXT PRIMARY KEY,
    seq      BIGINT NOT NULL,
    seen_at  BIGINT NOT NULL
);
