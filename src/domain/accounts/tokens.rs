//! Signed tokens (JWT, HS256 pinned): sessions, invitations, quote links and request receipts each
//! have their own audience, and every claim that makes a token safe is required.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::error::{Error, Result};

const ISSUER: &str = "flexportal";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Session,
    Invitation,
    QuoteLink,
    /// The password step of a two-step sign-in: good only for the code step, never as a session.
    PendingSignIn,
    /// The thank-you page after a public quote request: what was sent, without sending it again.
    RequestReceipt,
}

impl Audience {
    fn as_str(self) -> &'static str {
        match self {
            Audience::Session => "flexportal:session",
            Audience::Invitation => "flexportal:invitation",
            Audience::QuoteLink => "flexportal:quote-link",
            Audience::PendingSignIn => "flexportal:pending-sign-in",
            Audience::RequestReceipt => "flexportal:request-receipt",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub jti: Uuid,
}

#[derive(Clone)]
pub struct TokenSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenSigner {
    pub fn new(key: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(key), decoding: DecodingKey::from_secret(key) }
    }

    /// # Errors
    /// Signing failed (it does not for an HMAC key).
    pub fn issue(
        &self,
        audience: Audience,
        subject: &str,
        jti: Uuid,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<String> {
        let claims = Claims {
            iss: ISSUER.into(),
            aud: audience.as_str().into(),
            sub: subject.into(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: expires_at.timestamp(),
            jti,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(Error::internal)
    }

    /// Verifies signature, algorithm, issuer, audience and the time claims against `now` (the
    /// portal's clock, so expiry follows a fixed clock in tests too).
    ///
    /// # Errors
    /// `Unauthorized` for anything short of a valid token for this audience.
    pub fn verify(&self, token: &str, audience: Audience, now: DateTime<Utc>) -> Result<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "nbf", "iss", "aud", "sub"]);
        validation.leeway = 0;
        // Time is checked below against the portal's clock rather than the system clock; the typed
        // claims already refuse `exp`/`nbf` sent as strings.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| Error::Unauthorized)?;
        let claims = data.claims;
        let now = now.timestamp();
        if claims.exp <= now || claims.nbf > now || claims.iat > now + 60 {
            return Err(Error::Unauthorized);
        }
        Ok(claims)
    }
}
