//! Back-office accounts: users with a role, their passwords and second factors, sessions, API
//! tokens, password resets, login throttling and the append-only audit log — and the drafts of
//! new projects, which are back-office work until published into the catalogue — in one SQLite
//! file beside the catalogue store (`accounts.sqlite` in the data directory).
//!
//! Every secret is stored as a hash ([`secret`]); a session id, API token or reset token is shown
//! once, to the one who gets it. Times are Unix seconds passed in by the caller, so the rules
//! about time (throttling windows, session timeouts, token expiry) are tested without waiting.

mod audit;
mod drafts;
pub mod secret;

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};
use watwerkt_domain::{Email, Role};

pub use audit::AuditEntry;
pub use drafts::Draft;

/// File name of the accounts store inside the data directory.
pub const ACCOUNTS_FILE: &str = "accounts.sqlite";

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_drafts.sql"),
];

/// A session ends after this long without a request…
pub const SESSION_IDLE_SECS: i64 = 2 * 3600;
/// …and after this long in any case (ASVS 5.0, 7.3).
pub const SESSION_MAX_SECS: i64 = 12 * 3600;
/// Failed logins are counted over this window…
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;
/// …and an account takes no more attempts after this many failures in it…
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
/// …nor an address (IP) after this many, whatever accounts they were for.
pub const MAX_FAILURES_PER_SOURCE: u32 = 30;
/// A password-reset token is good for this long, once.
pub const RESET_VALID_SECS: i64 = 24 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("accounts store at {path}: {message}")]
    Open { path: String, message: String },
    #[error("accounts database error while {op}: {message}")]
    Backend { op: &'static str, message: String },
    #[error("there is already an account for {0}")]
    Exists(Email),
    #[error("no account for {0}")]
    NoSuchUser(String),
    #[error("password has {found} characters; expected {min} to {max}")]
    PasswordPolicy {
        min: usize,
        max: usize,
        found: usize,
    },
    #[error("too many failed logins; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: i64 },
    #[error("no such API token")]
    NoSuchToken,
    #[error("the reset link is unknown, used or expired")]
    BadResetToken,
}

fn backend(op: &'static str) -> impl Fn(rusqlite::Error) -> AccountError {
    move |e| AccountError::Backend {
        op,
        message: e.to_string(),
    }
}

/// An account as the back office sees it (no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: Email,
    pub role: Role,
    pub disabled: bool,
    pub has_totp: bool,
}

/// A signed-in (or not yet signed-in) browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `None` before login: the session only carries the login form's CSRF token.
    pub user: Option<User>,
    pub csrf: String,
    /// Whether the second factor was given (or is not required for the role).
    pub second_factor_done: bool,
}

impl Session {
    /// The user, when fully signed in.
    pub fn signed_in(&self) -> Option<&User> {
        self.user.as_ref().filter(|_| self.second_factor_done)
    }
}

/// The outcome of a password check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Ok(User),
    /// Wrong address or password, or a disabled account: deliberately one answer.
    Refused,
}

/// The accounts store.
pub struct Accounts {
    conn: Mutex<Connection>,
}

impl Accounts {
    /// The accounts of a data directory, created when new.
    pub fn open_in(data_dir: &Path) -> Result<Accounts, AccountError> {
        std::fs::create_dir_all(data_dir).map_err(|e| AccountError::Open {
            path: data_dir.display().to_string(),
            message: e.to_string(),
        })?;
        Self::open(&data_dir.join(ACCOUNTS_FILE))
    }

    #[tracing::instrument]
    pub fn open(path: &Path) -> Result<Accounts, AccountError> {
        let open_err = |message: String| AccountError::Open {
            path: path.display().to_string(),
            message,
        };
        let conn = Connection::open(path).map_err(|e| open_err(e.to_string()))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        )
        .map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| open_err(e.to_string()))?;
        migrate(&conn).map_err(open_err)?;
        Ok(Accounts {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn add_user(
        &self,
        email: &Email,
        role: Role,
        password: &str,
        now: i64,
    ) -> Result<User, AccountError> {
        secret::check_password_policy(password)?;
        let hash = secret::hash_password(password);
        let c = self.conn();
        let inserted = c
            .execute(
                "INSERT INTO users (email, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (email) DO NOTHING",
                params![email.as_str(), role.as_str(), hash, now],
            )
            .map_err(backend("adding a user"))?;
        if inserted == 0 {
            return Err(AccountError::Exists(email.clone()));
        }
        drop(c);
        self.user_by_email(email)?
            .ok_or_else(|| AccountError::NoSuchUser(email.to_string()))
    }

    pub fn users(&self) -> Result<Vec<User>, AccountError> {
        let c = self.conn();
        let mut stmt = c
            .prepare(&format!("{USER_COLUMNS} ORDER BY email"))
            .map_err(backend("listing users"))?;
        let rows = stmt
            .query_map([], user_row)
            .map_err(backend("listing users"))?;
        rows.collect::<Result<_, _>>()
            .map_err(backend("listing users"))
    }

    pub fn user_by_email(&self, email: &Email) -> Result<Option<User>, AccountError> {
        self.conn()
            .query_row(
                &format!("{USER_COLUMNS} WHERE email = ?1"),
                [email.as_str()],
                user_row,
            )
            .optional()
            .map_err(backend("reading a user"))
    }

    fn require_user(&self, email: &Email) -> Result<User, AccountError> {
        self.user_by_email(email)?
            .ok_or_else(|| AccountError::NoSuchUser(email.to_string()))
    }

    /// Disables (or enables) an account; disabling also ends its sessions and API tokens' use.
    pub fn set_disabled(&self, email: &Email, disabled: bool) -> Result<User, AccountError> {
        let user = self.require_user(email)?;
        let mut c = self.conn();
        let tx = c.transaction().map_err(backend("disabling a user"))?;
        tx.execute(
            "UPDATE users SET disabled = ?1 WHERE id = ?2",
            params![disabled, user.id],
        )
        .map_err(backend("disabling a user"))?;
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user.id])
                .map_err(backend("ending sessions"))?;
        }
        tx.commit().map_err(backend("disabling a user"))?;
        Ok(User { disabled, ..user })
    }

    /// Checks a password, counting failures per account and per source address; refuses to check
    /// at all while either is over its limit.
    pub fn login(
        &self,
        email: &str,
        password: &str,
        source: &str,
        now: i64,
    ) -> Result<Login, AccountError> {
        let email_key = format!("email:{}", email.trim().to_lowercase());
        let source_key = format!("source:{source}");
        for (key, max) in [
            (&email_key, MAX_FAILURES_PER_ACCOUNT),
            (&source_key, MAX_FAILURES_PER_SOURCE),
        ] {
            if let Some(retry_after_secs) = self.throttled(key, max, now)? {
                return Err(AccountError::Throttled { retry_after_secs });
            }
        }
        let stored: Option<(i64, String, bool)> = match Email::parse(email) {
            Ok(e) => self
                .conn()
                .query_row(
                    "SELECT id, password_hash, disabled FROM users WHERE email = ?1",
                    [e.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(backend("reading a password hash"))?,
            Err(_) => None,
        };
        let hash = stored
            .as_ref()
            .map_or(secret::dummy_hash(), |(_, h, _)| h.as_str());
        let password_ok = secret::verify_password(password, hash);
        match stored {
            Some((id, _, false)) if password_ok => {
                self.conn()
                    .execute("DELETE FROM login_failures WHERE key = ?1", [&email_key])
                    .map_err(backend("clearing login failures"))?;
                let user = self
                    .conn()
                    .query_row(&format!("{USER_COLUMNS} WHERE id = ?1"), [id], user_row)
                    .map_err(backend("reading a user"))?;
                Ok(Login::Ok(user))
            }
            _ => {
                let c = self.conn();
                for key in [&email_key, &source_key] {
                    c.execute(
                        "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
                        params![key, now],
                    )
                    .map_err(backend("counting a login failure"))?;
                }
                c.execute(
                    "DELETE FROM login_failures WHERE at < ?1",
                    [now - THROTTLE_WINDOW_SECS],
                )
                .map_err(backend("forgetting old login failures"))?;
                Ok(Login::Refused)
            }
        }
    }

    /// Seconds until `key` may try again, when it has `max` failures in the window.
    fn throttled(&self, key: &str, max: u32, now: i64) -> Result<Option<i64>, AccountError> {
        let (count, oldest): (u32, Option<i64>) = self
            .conn()
            .query_row(
                "SELECT count(*), min(at) FROM login_failures WHERE key = ?1 AND at > ?2",
                params![key, now - THROTTLE_WINDOW_SECS],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(backend("counting login failures"))?;
        Ok((count >= max)
            .then(|| oldest.map_or(THROTTLE_WINDOW_SECS, |o| o + THROTTLE_WINDOW_SECS - now))
            .map(|s| s.max(1)))
    }

    /// Starts a session and returns its id (for the cookie). Signing in always starts a new one,
    /// so an id planted before login is worth nothing after it.
    pub fn start_session(
        &self,
        user: Option<&User>,
        now: i64,
    ) -> Result<(String, Session), AccountError> {
        let id = secret::random_token("");
        let csrf = secret::random_token("");
        let second_factor_done = user.is_some_and(|u| !u.role.requires_two_factor());
        self.conn()
            .execute(
                "INSERT INTO sessions (id_hash, user_id, csrf, second_factor_done, created, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![
                    secret::token_hash(&id),
                    user.map(|u| u.id),
                    csrf,
                    second_factor_done,
                    now
                ],
            )
            .map_err(backend("starting a session"))?;
        Ok((
            id,
            Session {
                user: user.cloned(),
                csrf,
                second_factor_done,
            },
        ))
    }

    /// The live session with this id, touched; `None` when unknown, expired or its user disabled.
    pub fn session(&self, id: &str, now: i64) -> Result<Option<Session>, AccountError> {
        let hash = secret::token_hash(id);
        let c = self.conn();
        let row: Option<(Option<i64>, String, bool, i64, i64)> = c
            .query_row(
                "SELECT user_id, csrf, second_factor_done, created, last_seen FROM sessions
                 WHERE id_hash = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(backend("reading a session"))?;
        let Some((user_id, csrf, second_factor_done, created, last_seen)) = row else {
            return Ok(None);
        };
        if now - last_seen > SESSION_IDLE_SECS || now - created > SESSION_MAX_SECS {
            c.execute("DELETE FROM sessions WHERE id_hash = ?1", [&hash])
                .map_err(backend("ending a session"))?;
            return Ok(None);
        }
        let user = match user_id {
            Some(id) => {
                let user = c
                    .query_row(&format!("{USER_COLUMNS} WHERE id = ?1"), [id], user_row)
                    .optional()
                    .map_err(backend("reading a user"))?;
                match user {
                    Some(u) if !u.disabled => Some(u),
                    _ => return Ok(None),
                }
            }
            None => None,
        };
        c.execute(
            "UPDATE sessions SET last_seen = ?1 WHERE id_hash = ?2",
            params![now, hash],
        )
        .map_err(backend("touching a session"))?;
        Ok(Some(Session {
            user,
            csrf,
            second_factor_done,
        }))
    }

    pub fn end_session(&self, id: &str) -> Result<(), AccountError> {
        self.conn()
            .execute(
                "DELETE FROM sessions WHERE id_hash = ?1",
                [secret::token_hash(id)],
            )
            .map_err(backend("ending a session"))?;
        Ok(())
    }

    /// Checks a TOTP code for the session's user (each code is good once) and, when right, marks
    /// the session as fully signed in. With `enrol`, the code must match that new seed, which is
    /// then stored as the user's.
    pub fn second_factor(
        &self,
        session_id: &str,
        code: &str,
        enrol: Option<&str>,
        now: i64,
    ) -> Result<bool, AccountError> {
        let Some(Session {
            user: Some(user), ..
        }) = self.session(session_id, now)?
        else {
            return Ok(false);
        };
        let mut c = self.conn();
        let (stored, last_step): (Option<String>, i64) = c
            .query_row(
                "SELECT totp_secret, totp_last_step FROM users WHERE id = ?1",
                [user.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(backend("reading a second factor"))?;
        let Some(seed) = enrol.map(str::to_owned).or(stored) else {
            return Ok(false);
        };
        let step = match secret::totp_step(&seed, code, now) {
            Some(s) if i64::try_from(s).is_ok_and(|s| s > last_step) => s as i64,
            _ => return Ok(false),
        };
        let tx = c
            .transaction()
            .map_err(backend("recording a second factor"))?;
        tx.execute(
            "UPDATE users SET totp_secret = ?1, totp_last_step = ?2 WHERE id = ?3",
            params![seed, step, user.id],
        )
        .map_err(backend("recording a second factor"))?;
        tx.execute(
            "UPDATE sessions SET second_factor_done = 1 WHERE id_hash = ?1",
            [secret::token_hash(session_id)],
        )
        .map_err(backend("recording a second factor"))?;
        tx.commit().map_err(backend("recording a second factor"))?;
        Ok(true)
    }

    /// A new API token for the account; only its hash is kept.
    pub fn create_token(&self, email: &Email, now: i64) -> Result<String, AccountError> {
        let user = self.require_user(email)?;
        let token = secret::random_token("wwt_");
        self.conn()
            .execute(
                "INSERT INTO api_tokens (user_id, hash, created) VALUES (?1, ?2, ?3)",
                params![user.id, secret::token_hash(&token), now],
            )
            .map_err(backend("creating an API token"))?;
        Ok(token)
    }

    pub fn revoke_token(&self, token: &str, now: i64) -> Result<User, AccountError> {
        let hash = secret::token_hash(token.trim());
        let c = self.conn();
        let user_id: Option<i64> = c
            .query_row(
                "UPDATE api_tokens SET revoked = ?1 WHERE hash = ?2 AND revoked IS NULL
                 RETURNING user_id",
                params![now, hash],
                |r| r.get(0),
            )
            .optional()
            .map_err(backend("revoking an API token"))?;
        let id = user_id.ok_or(AccountError::NoSuchToken)?;
        c.query_row(&format!("{USER_COLUMNS} WHERE id = ?1"), [id], user_row)
            .map_err(backend("reading a user"))
    }

    /// The enabled account a bearer token belongs to.
    pub fn token_user(&self, token: &str) -> Result<Option<User>, AccountError> {
        self.conn()
            .query_row(
                &format!(
                    "{USER_COLUMNS} WHERE disabled = 0 AND id = (SELECT user_id FROM api_tokens
                     WHERE hash = ?1 AND revoked IS NULL)"
                ),
                [secret::token_hash(token)],
                user_row,
            )
            .optional()
            .map_err(backend("checking an API token"))
    }

    /// A one-time password-reset token for the account (`watwerkt user reset`).
    pub fn create_reset(&self, email: &Email, now: i64) -> Result<String, AccountError> {
        let user = self.require_user(email)?;
        let token = secret::random_token("");
        self.conn()
            .execute(
                "INSERT INTO reset_tokens (hash, user_id, expires) VALUES (?1, ?2, ?3)",
                params![secret::token_hash(&token), user.id, now + RESET_VALID_SECS],
            )
            .map_err(backend("creating a reset token"))?;
        Ok(token)
    }

    /// Sets a new password with a reset token, which is used up; ends the account's sessions.
    pub fn reset_password(
        &self,
        token: &str,
        password: &str,
        now: i64,
    ) -> Result<User, AccountError> {
        secret::check_password_policy(password)?;
        let hash = secret::hash_password(password);
        let mut c = self.conn();
        let tx = c.transaction().map_err(backend("resetting a password"))?;
        let user_id: i64 = tx
            .query_row(
                "DELETE FROM reset_tokens WHERE hash = ?1 AND expires > ?2 RETURNING user_id",
                params![secret::token_hash(token), now],
                |r| r.get(0),
            )
            .optional()
            .map_err(backend("resetting a password"))?
            .ok_or(AccountError::BadResetToken)?;
        tx.execute(
            "UPDATE users SET password_hash = ?1 WHERE id = ?2",
            params![hash, user_id],
        )
        .map_err(backend("resetting a password"))?;
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])
            .map_err(backend("ending sessions"))?;
        let user = tx
            .query_row(
                &format!("{USER_COLUMNS} WHERE id = ?1"),
                [user_id],
                user_row,
            )
            .map_err(backend("reading a user"))?;
        tx.commit().map_err(backend("resetting a password"))?;
        Ok(user)
    }
}

const USER_COLUMNS: &str = "SELECT id, email, role, disabled, totp_secret IS NOT NULL FROM users";

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    let email: String = r.get(1)?;
    let role: String = r.get(2)?;
    let invalid = |e: watwerkt_domain::DomainError| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    };
    Ok(User {
        id: r.get(0)?,
        email: Email::parse(&email).map_err(invalid)?,
        role: role.parse().map_err(invalid)?,
        disabled: r.get(3)?,
        has_totp: r.get(4)?,
    })
}

fn migrate(c: &Connection) -> Result<(), String> {
    let applied: usize = c
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map_err(|e| e.to_string())? as usize;
    if applied > MIGRATIONS.len() {
        return Err(format!(
            "made by a newer watwerkt (schema {applied}, this one knows {})",
            MIGRATIONS.len()
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        c.execute_batch(&format!(
            "BEGIN; {sql}\n; PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))
        .map_err(|e| format!("migration {}: {e}", i + 1))?;
    }
    Ok(())
}

/// Formats Unix seconds as an RFC 3339 UTC instant.
pub fn rfc3339(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.to_string())
}

/// Now, in Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests;
