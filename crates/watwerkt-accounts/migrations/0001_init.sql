-- Back-office accounts. Secrets are stored only as hashes (passwords: argon2id; session ids,
-- API tokens and reset tokens: SHA-256 of 256 random bits); TOTP seeds must be readable to check
-- codes, and the file is the data directory's, readable by the server's user only.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('officer', 'editor', 'reviewer', 'applicant')),
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    -- The last 30-second step whose code was accepted: a code is good once.
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);

-- A session before login (user_id NULL) carries only the login form's CSRF token; login
-- always starts a new one.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    second_factor_done INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    revoked INTEGER
);

CREATE TABLE reset_tokens (
    hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires INTEGER NOT NULL
);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);

-- Who did what, when and from where. Append-only: the triggers refuse changes and deletions.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
