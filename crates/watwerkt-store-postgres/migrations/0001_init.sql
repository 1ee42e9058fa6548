-- The tables of the SQLite store, in PostgreSQL types: each project keeps its canonical JSON
-- record (without sources) so change detection is an exact comparison; listing columns sit
-- beside it. Project numbers sort bytewise ("C"), as in SQLite, whatever the database's locale.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', '0');

CREATE TABLE projects (
    number              TEXT COLLATE "C" PRIMARY KEY,
    content             TEXT NOT NULL,
    sources             TEXT NOT NULL,
    theme               TEXT NOT NULL,
    status              TEXT,
    start               TEXT,
    changed_generation  BIGINT NOT NULL,
    -- What watwerkt derives from the text ("wat werkt voor wie" labels); '' when none.
    derived             TEXT NOT NULL DEFAULT ''
);

CREATE TABLE revisions (
    number                  TEXT COLLATE "C" NOT NULL REFERENCES projects (number),
    revision                INTEGER NOT NULL,
    replaced_at_generation  BIGINT NOT NULL,
    content                 TEXT NOT NULL,
    sources                 TEXT NOT NULL,
    PRIMARY KEY (number, revision)
);

CREATE TABLE programme (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    content  TEXT NOT NULL
);
