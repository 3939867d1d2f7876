//! The meanings a use case can fail with. `web::error` is the one place that maps them to HTTP.
//!
//! Which variant to use:
//! - `Validation` when the caller sent something that cannot be accepted; name every bad field.
//! - `NotFound` when the thing does not exist *or belongs to another tenant* (never reveal which).
//! - `Conflict` when the request is well formed but the current state forbids it (e.g. editing a sent quote).
//! - `Unauthorized` / `Forbidden` for identity and role problems; `CodeNeeded` / `CodeWrong` for
//!   the one-time code step of signing in.
//! - `RateLimited` when a limiter refused the attempt.
//! - `Internal` for everything the client cannot fix; its source is logged, never shown.

use std::borrow::Cow;

/// A message in both languages the portal speaks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Localized {
    pub en: Cow<'static, str>,
    pub ja: Cow<'static, str>,
}

impl Localized {
    pub fn new(en: impl Into<Cow<'static, str>>, ja: impl Into<Cow<'static, str>>) -> Self {
        Self { en: en.into(), ja: ja.into() }
    }

    /// The text for a language code (`"ja"` or anything else for English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ja" { &self.ja } else { &self.en }
    }
}

/// One bad input field: which field, a stable machine code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub code: &'static str,
    pub message: Localized,
}

impl FieldError {
    pub fn new(
        field: impl Into<Cow<'static, str>>,
        code: &'static str,
        en: impl Into<Cow<'static, str>>,
        ja: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self { field: field.into(), code, message: Localized::new(en, ja) }
    }

    /// The same error reported under another field name (e.g. `lines[2].tokens`).
    pub fn at(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = field.into();
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("conflict: {}", .0.en)]
    Conflict(Localized),
    #[error("not signed in")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    /// The password was right but the account signs in with a one-time code too. `pending` is a
    /// short-lived token for the code step (the browser's second page), not a session.
    #[error("a one-time code is needed")]
    CodeNeeded { pending: String },
    /// A one-time code was given and the sign-in failed: the code, or the password, was wrong (the
    /// answer does not tell which).
    #[error("credentials or one-time code wrong")]
    CodeWrong,
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn field(
        field: impl Into<Cow<'static, str>>,
        code: &'static str,
        en: &'static str,
        ja: &'static str,
    ) -> Self {
        Self::Validation(vec![FieldError::new(field, code, en, ja)])
    }

    pub fn conflict(en: impl Into<Cow<'static, str>>, ja: impl Into<Cow<'static, str>>) -> Self {
        Self::Conflict(Localized::new(en, ja))
    }

    pub fn internal(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(source))
    }
}

/// A storage failure is internal: the caller cannot fix it. Its whole chain (with the row id of an
/// unreadable value) is logged where the error is answered, never shown.
impl From<crate::storage::Error> for Error {
    fn from(source: crate::storage::Error) -> Self {
        Self::Internal(Box::new(source))
    }
}

/// Collects field errors while parsing a whole input, so the caller hears about every bad field at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when the parse succeeded, records the error otherwise.
    pub fn check<T>(&mut self, parsed: std::result::Result<T, FieldError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was recorded, otherwise `Error::Validation` with everything recorded.
    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(Error::Validation(self.0)) }
    }
}
