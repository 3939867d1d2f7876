//! Keys derived from the one configured secret, one per purpose, so that a token or MAC made for
//! one purpose can never be replayed for another.

use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct Keys {
    pub jwt: Vec<u8>,
    pub csrf: Vec<u8>,
    pub links: Vec<u8>,
    /// Seals TOTP secrets and keys the hashes of recovery codes.
    pub totp: Vec<u8>,
}

impl Keys {
    pub fn derive(secret: &[u8]) -> Self {
        Self {
            jwt: derive(secret, b"flexportal/jwt"),
            csrf: derive(secret, b"flexportal/csrf"),
            links: derive(secret, b"flexportal/links"),
            totp: derive(secret, b"flexportal/totp"),
        }
    }
}

fn derive(secret: &[u8], label: &[u8]) -> Vec<u8> {
    mac(secret, label).to_vec()
}

/// HMAC-SHA256 of `message` under `key`.
pub fn mac(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so construction cannot fail.
    let mut hmac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    hmac.update(message);
    hmac.finalize().into_bytes().into()
}
