//! The customer's link to a quote: an HMAC of the quote id under the portal's link key, so it is
//! unguessable, can be shown to the reseller again, and is stored only as its SHA-256.

use base64::Engine;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::keys::mac;

pub fn token(key: &[u8], quote: Uuid) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(mac(key, format!("quote-link:{quote}").as_bytes()))
}

pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A short verification code for documents: 10 characters without look-alikes.
pub fn verify_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..10).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}
