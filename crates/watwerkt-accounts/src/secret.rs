//! The secrets of accounts: random tokens and their stored hashes, argon2id passwords, TOTP codes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use totp_rs::{Secret, TOTP};

use crate::AccountError;

/// Shortest password accepted: ASVS 5.0 asks for at least 8 characters and recommends 15 where
/// the password is the only factor; staff have a second factor, applicants do not, so 12.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted; argon2 hashes any length, this bounds the work per attempt.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// 256 random bits, URL-safe base64, with a prefix saying what it is (so a leaked token is
/// recognisable by secret scanners).
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a token: its SHA-256, hex. Tokens are random, so no salt or slow hash.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn check_password_policy(password: &str) -> Result<(), AccountError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(AccountError::PasswordPolicy {
            min: MIN_PASSWORD_CHARS,
            max: MAX_PASSWORD_CHARS,
            found: n,
        });
    }
    Ok(())
}

pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source works");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password within the policy")
        .to_string()
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash to verify against when the account does not exist, so an unknown address takes as
/// long as a wrong password and the timing does not tell which addresses have accounts.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a password of anyone"))
}

/// A new TOTP seed (160 bits, RFC 4226's recommendation), base32 as authenticator apps take it.
pub fn new_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded gives the encoded form"),
    }
}

/// The `otpauth://` address an authenticator app reads (typed in or as a QR code).
pub fn otpauth_url(secret: &str, account: &str) -> String {
    let account: String = account
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("otpauth://totp/watwerkt:{account}?secret={secret}&issuer=watwerkt&digits=6&period=30")
}

const STEP: u64 = 30;

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, STEP, bytes).ok()
}

/// The 30-second step at which `code` is valid for `secret` (the current one or one either
/// side, for clock drift), or `None`.
pub fn totp_step(secret: &str, code: &str, now: i64) -> Option<u64> {
    let totp = totp(secret)?;
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = u64::try_from(now).ok()?;
    let step = now / STEP;
    [step, step.saturating_sub(1), step + 1]
        .into_iter()
        .find(|s| totp.generate(s * STEP) == code)
}

/// The code for `secret` at `now`, for tests and for the command line.
pub fn totp_code(secret: &str, now: i64) -> Option<String> {
    Some(totp(secret)?.generate(u64::try_from(now).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves_and_are_argon2id() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let (a, b) = (random_token("wwt_"), random_token("wwt_"));
        assert_ne!(a, b);
        assert!(a.starts_with("wwt_") && a.len() == 4 + 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
    }

    #[test]
    fn totp_codes_check_within_one_step_of_drift() {
        let secret = new_totp_secret();
        let now = 1_800_000_000;
        let code = totp_code(&secret, now).unwrap();
        assert_eq!(totp_step(&secret, &code, now), Some(now as u64 / 30));
        assert!(totp_step(&secret, &code, now + 30).is_some());
        assert!(totp_step(&secret, &code, now + 120).is_none());
        assert!(totp_step(&secret, "12345", now).is_none());
    }
}
