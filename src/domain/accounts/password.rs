//! Passwords: the policy a new password must meet, and Argon2id hashing off the async workers.

use std::sync::Arc;

use argon2::password_hash::{
    PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::domain::error::{Error, FieldError, Result};

/// OWASP's minimum for Argon2id: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// A password that meets the policy: 8–128 characters, not a common password; no composition rules.
pub struct NewPassword(String);

impl NewPassword {
    /// # Errors
    /// A field error on `field` naming what is wrong.
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let chars = input.chars().count();
        if chars < 8 {
            return Err(FieldError::new(
                field,
                "too_short",
                "Use at least 8 characters.",
                "8文字以上で入力してください。",
            ));
        }
        if chars > 128 {
            return Err(FieldError::new(
                field,
                "too_long",
                "Use at most 128 characters.",
                "128文字以内で入力してください。",
            ));
        }
        let lowered = input.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|common| common == lowered) {
            return Err(FieldError::new(
                field,
                "too_common",
                "This password is too common; choose another.",
                "よく使われるパスワードのため使用できません。",
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Hashes and verifies passwords on the blocking pool, at most `concurrency` at a time, so that a
/// flood of logins cannot starve the workers that serve every other page.
///
/// Sign-in has the `concurrency` permits to itself; account changes (a password change, a new
/// user) queue for a share of their own (half, at least one), so a flood of password changes
/// never holds the permits a sign-in needs, nor the other way round.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    change_permits: Arc<Semaphore>,
    dummy_hash: Arc<str>,
}

/// Which share of the hashing permits a hash or verification queues for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashPurpose {
    SignIn,
    AccountChange,
}

impl PasswordHasher {
    /// # Errors
    /// The dummy hash (used to make unknown users cost as much as known ones) could not be made.
    pub fn new(concurrency: usize) -> Result<Self> {
        let dummy_hash = hash_now("not the password of any account")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            change_permits: Arc::new(Semaphore::new((concurrency / 2).max(1))),
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Hashes for sign-in (a rehash after a login).
    ///
    /// # Errors
    /// Hashing failed (it does not for valid parameters).
    pub async fn hash(&self, password: &str) -> Result<String> {
        self.hash_for(HashPurpose::SignIn, password).await
    }

    /// # Errors
    /// Hashing failed (it does not for valid parameters).
    pub async fn hash_for(&self, purpose: HashPurpose, password: &str) -> Result<String> {
        let password = password.to_owned();
        self.run(purpose, move || hash_now(&password)).await
    }

    /// Verifies `password` against `stored` for sign-in; `None` runs a dummy verification so that
    /// an unknown account takes as long to refuse as a wrong password. The second value says the
    /// stored hash is weaker than today's parameters and should be replaced.
    ///
    /// # Errors
    /// Only when the blocking pool is gone.
    pub async fn verify(&self, stored: Option<&str>, password: &str) -> Result<Verified> {
        self.verify_for(HashPurpose::SignIn, stored, password).await
    }

    /// As [`PasswordHasher::verify`], queued for the share of `purpose`.
    ///
    /// # Errors
    /// Only when the blocking pool is gone.
    pub async fn verify_for(
        &self,
        purpose: HashPurpose,
        stored: Option<&str>,
        password: &str,
    ) -> Result<Verified> {
        let known = stored.is_some();
        let stored = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let password = password.to_owned();
        let verified = self.run(purpose, move || Ok(verify_now(&stored, &password))).await?;
        Ok(if known { verified } else { Verified { ok: false, needs_rehash: false } })
    }

    async fn run<T: Send + 'static>(
        &self,
        purpose: HashPurpose,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permits = match purpose {
            HashPurpose::SignIn => &self.permits,
            HashPurpose::AccountChange => &self.change_permits,
        };
        let _permit = permits.acquire().await.map_err(Error::internal)?;
        tokio::task::spawn_blocking(work).await.map_err(Error::internal)?
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Verified {
    pub ok: bool,
    pub needs_rehash: bool,
}

fn argon2() -> Result<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .map_err(|e| Error::Internal(e.to_string().into()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_now(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Internal(e.to_string().into()))
}

fn verify_now(stored: &str, password: &str) -> Verified {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verified { ok: false, needs_rehash: false };
    };
    // Verify with the parameters the hash was made with; Argon2::default() reads them from the PHC string.
    let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    Verified { ok, needs_rehash: ok && is_weaker_than_policy(&parsed) }
}

/// Whether a stored PHC hash falls short of today's algorithm or parameters.
pub fn is_weaker_than_policy(hash: &PasswordHash<'_>) -> bool {
    if hash.algorithm.as_str() != "argon2id" {
        return true;
    }
    match Params::try_from(hash) {
        Ok(params) => {
            params.m_cost() < MEMORY_KIB || params.t_cost() < ITERATIONS || params.p_cost() != LANES
        }
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_short_long_and_common_passwords() {
        assert_eq!(NewPassword::parse("password", "short").err().map(|e| e.code), Some("too_short"));
        assert_eq!(NewPassword::parse("password", &"x".repeat(129)).err().map(|e| e.code), Some("too_long"));
        assert_eq!(NewPassword::parse("password", "Password123").err().map(|e| e.code), Some("too_common"));
        assert!(NewPassword::parse("password", "correct horse battery").is_ok());
    }

    #[test]
    fn hashes_are_argon2id_with_the_required_parameters() {
        let hash = hash_now("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        assert!(params.m_cost() >= 19_456 && params.t_cost() >= 2 && params.p_cost() == 1);
        assert!(verify_now(&hash, "correct horse battery").ok);
        assert!(!verify_now(&hash, "wrong").ok);
    }

    #[tokio::test]
    async fn password_changes_holding_every_permit_of_their_share_do_not_block_sign_in() {
        let hasher = PasswordHasher::new(2).unwrap();
        let stored = hash_now("correct horse battery").unwrap();
        // Every permit account changes may use is taken, as by a flood of password changes.
        let held = hasher.change_permits.clone().acquire_many_owned(1).await.unwrap();
        assert_eq!(hasher.change_permits.available_permits(), 0);
        // Sign-in still verifies (a shared semaphore would wait here forever; the generous bound
        // only turns that hang into a failure).
        let verified = tokio::time::timeout(
            std::time::Duration::from_secs(120),
            hasher.verify(Some(&stored), "correct horse battery"),
        )
        .await
        .expect("sign-in does not wait for account changes")
        .unwrap();
        assert!(verified.ok);
        assert_eq!(hasher.permits.available_permits(), 2);
        drop(held);
    }

    #[test]
    fn weaker_hashes_are_flagged_for_rehash() {
        let weak = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"correct horse battery", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        let verified = verify_now(&weak, "correct horse battery");
        assert!(verified.ok && verified.needs_rehash);
    }
}
