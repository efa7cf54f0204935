//! Password hashes: Argon2id at the `argon2` crate's defaults, which are
//! OWASP's current advice (19 MiB of memory, 2 passes, 1 lane), stored as PHC
//! strings (algorithm, parameters and salt travel with the hash, so raising
//! the parameters later does not break old hashes). Hashing takes tens of
//! milliseconds on purpose: it runs on Tokio's blocking pool.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Argon2 refused the password or the stored hash does not parse.
    #[error("{0}")]
    Argon2(argon2::password_hash::Error),
    /// The blocking pool is gone (the server is stopping).
    #[error("password hashing stopped: {0}")]
    Stopped(tokio::task::JoinError),
}

/// Argon2id with OWASP's parameters.
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// The PHC string of `password` with a fresh salt.
pub(crate) async fn hash(password: String) -> Result<String, HashError> {
    blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(HashError::Argon2)
    })
    .await?
}

/// Whether `password` matches the PHC string `stored`. With `None` (no such
/// account) a hash of the same cost is checked all the same, so the answer
/// takes as long whether or not the account exists.
pub(crate) async fn verify(password: String, stored: Option<String>) -> Result<bool, HashError> {
    let known = stored.is_some();
    let stored = match stored {
        Some(stored) => stored,
        None => decoy().to_owned(),
    };
    blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(HashError::Argon2)?;
        Ok(argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
    .map(|matched| matched && known)
}

/// A hash nobody knows the password of, made once, for unknown accounts.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(b"no account has this password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(HashError::Stopped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_at_owasp_parameters_and_verify() {
        let stored = hash("correct horse battery".into()).await.expect("hash");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert_ne!(
            stored,
            hash("correct horse battery".into()).await.expect("hash"),
            "salted"
        );
        assert!(
            verify("correct horse battery".into(), Some(stored.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify("wrong horse battery".into(), Some(stored))
                .await
                .expect("verify")
        );
        assert!(
            !verify("no account has this password".into(), None)
                .await
                .expect("verify")
        );
    }
}
