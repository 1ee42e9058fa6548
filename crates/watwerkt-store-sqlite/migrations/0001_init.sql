-- Projects keep their canonical JSON record (without sources) so change detection is an exact
-- comparison; listing columns sit beside it. Portable SQL: TEXT and INTEGER only.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', '0');

CREATE TABLE projects (
    number              TEXT PRIMARY KEY,
    content             TEXT NOT NULL,
    sources             TEXT NOT NULL,
    theme               TEXT NOT NULL,
    status              TEXT,
    start               TEXT,
    changed_generation  INTEGER NOT NULL
);

CREATE TABLE revisions (
    number                  TEXT NOT NULL REFERENCES projects (number),
    revision                INTEGER NOT NULL,
    replaced_at_generation  INTEGER NOT NULL,
    content                 TEXT NOT NULL,
    sources                 TEXT NOT NULL,
    PRIMARY KEY (number, revision)
);

CREATE TABLE programme (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    content  TEXT NOT NULL
);
