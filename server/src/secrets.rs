//! Secrets: random tokens (256-bit, hex) stored as SHA-256; invitation codes (16 characters of
//! an unambiguous alphabet, the first 4 a public lookup key) stored as argon2 hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// No 0/O, 1/I/L, U: read aloud or typed from a chat without mistakes.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
pub const CODE_LEN: usize = 16;
pub const LOOKUP_LEN: usize = 4;

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new invitation code, e.g. `ABCD-EFGH-JKMN-PQRS` (dashes are for people; ignored on input).
pub fn new_code() -> String {
    let mut rng = OsRng;
    let raw: String = (0..CODE_LEN)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    raw.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("-")
}

/// The code as typed, reduced to its characters; None when it cannot be a code.
pub fn normalize_code(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    (s.len() == CODE_LEN && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

pub fn hash_code(normalized: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(normalized.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

pub fn verify_code(normalized: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(normalized.as_bytes(), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_hash() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LEN + 3);
        let n = normalize_code(&code.to_lowercase()).unwrap();
        let h = hash_code(&n);
        assert!(verify_code(&n, &h));
        assert!(!verify_code("AAAAAAAAAAAAAAAA", &h));
        assert!(normalize_code("ABC").is_none());
        assert_eq!(token_hash("x").len(), 32);
        assert_ne!(new_token(), new_token());
    }
}
