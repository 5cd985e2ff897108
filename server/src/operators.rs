//! Operators of the console: creating one (the `plugboard operator create` command) and
//! checking a sign-in. Passwords are hashed with argon2id (RFC 9106) and its default
//! parameters; the hash string carries them, so stronger ones can come later.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use plugboard_shared::console::Role;

use crate::crypto::random_token;
use crate::db::Pool;
use crate::store::operators::{self, OperatorRow};

/// Shorter passwords are refused: an operator can delete every account.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The password for a new operator: typed twice at a terminal, or one line of stdin
/// (for scripts: `echo "$PW" | plugboard operator create …`).
pub fn read_new_password() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            bail!("the two passwords differ");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(password)
}

/// Stores a new operator; the e-mail is kept in lower case.
pub async fn create(pool: &Pool, email: &str, role: Role, password: &str, now: i64) -> anyhow::Result<OperatorRow> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 {
        bail!("{email:?} is not an e-mail address");
    }
    if operators::find_by_email(pool, &email).await?.is_some() {
        bail!("an operator {email} exists already");
    }
    let row = OperatorRow {
        operator_id: random_token("op_"),
        email,
        password_hash: hash(password)?,
        role: role.as_str().to_owned(),
        created_at: now,
    };
    operators::insert(pool, &row)
        .await
        .context("cannot store the operator")?;
    Ok(row)
}

fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// The operator with this e-mail and password, if both are right. An unknown e-mail
/// costs the same hash as a wrong password, so timing does not tell which it was.
pub async fn check_sign_in(pool: &Pool, email: &str, password: &str) -> anyhow::Result<Option<OperatorRow>> {
    let found = operators::find_by_email(pool, email).await?;
    let stored = found.as_ref().map_or(DECOY_HASH, |row| row.password_hash.as_str());
    // Hashing is CPU-bound for tens of milliseconds: off the async workers.
    let (stored, password) = (stored.to_owned(), password.to_owned());
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
    })
    .await?;
    Ok(found.filter(|_| matches))
}

/// A valid argon2id hash of a random password nobody knows, checked when the e-mail is
/// unknown.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$kjW+2XU3S8fmBFwGm6dSXxAHJSKa9Kn3fUEV7W7DHcY";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_the_decoy_parses() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        let parsed = PasswordHash::new(&stored).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        assert!(Argon2::default().verify_password(b"wrong", &parsed).is_err());
        let decoy = PasswordHash::new(DECOY_HASH).unwrap();
        assert!(Argon2::default().verify_password(b"", &decoy).is_err());
    }
}
