#![warn(missing_docs)]

//! Flet-compatible encryption: the format of Python's `flet.security.encrypt` / `decrypt`, so a
//! Porte server and a Flet app sharing a secret can read each other's encrypted text.
//!
//! Format: `base64url(salt ‖ token)`, padded, where `salt` is 16 random bytes and `token` is a
//! Fernet token *as its base64url text* (Flet concatenates the bytes `Fernet.encrypt` returns,
//! which are already base64). The Fernet key is PBKDF2-HMAC-SHA256 of the UTF-8 secret with that
//! salt, 600,000 iterations, 32 bytes. Those iterations make every call cost a noticeable amount
//! of CPU, so `decrypt` checks the structure first and only then derives the key.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use fernet::Fernet;
use rand::RngCore;
use sha2::Sha256;

const SALT_LEN: usize = 16;
/// Flet's iteration count; changing it breaks compatibility.
const ITERATIONS: u32 = 600_000;
/// Fernet token bytes around the ciphertext: version (1), timestamp (8), IV (16), HMAC (32).
const TOKEN_OVERHEAD: usize = 57;
const AES_BLOCK: usize = 16;

/// URL-safe base64, writing padding like Python; reading it with or without padding, since the
/// padding carries no information and is easily lost when text is copied around.
const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Flet-encrypted text could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FletCryptoError {
    /// Not base64url, too short, or the inner Fernet token is not well formed.
    #[error("not Flet-encrypted text")]
    Malformed,
    /// The Fernet HMAC did not verify (also: a token dated over 60 s in the future).
    #[error("wrong secret, or the encrypted text was altered")]
    WrongSecretOrTampered,
    /// Authentic, but the plaintext is not UTF-8 (Flet only encrypts `str`).
    #[error("the decrypted data is not UTF-8 text")]
    NotUtf8,
}

/// Encrypts like Flet's `flet.security.encrypt(text, secret)`: a fresh random salt each call,
/// so the same input gives a different output every time.
///
/// ```
/// use porte_flet::{decrypt, encrypt};
/// let sealed = encrypt("hello, Flet", "my secret");
/// assert_eq!(decrypt(&sealed, "my secret").as_deref(), Ok("hello, Flet"));
/// ```
pub fn encrypt(text: &str, secret: &str) -> String {
    let mut salt = [0u8; SALT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let token = fernet_for(secret, &salt).encrypt(text.as_bytes());
    let mut raw = Vec::with_capacity(SALT_LEN + token.len());
    raw.extend_from_slice(&salt);
    raw.extend_from_slice(token.as_bytes());
    B64.encode(raw)
}

/// Decrypts text made by Flet's `flet.security.encrypt` (or by [`encrypt`]). Tokens never
/// expire, as in Flet. Surrounding whitespace is ignored (Python's decoder skips it too).
///
/// A wrong secret or damaged text gives an `Err`, never a panic.
pub fn decrypt(text: &str, secret: &str) -> Result<String, FletCryptoError> {
    let (salt, token) = split(text)?;
    open(&fernet_for(secret, &salt), &token)
}

/// Splits Flet's text into salt and Fernet token, rejecting anything that cannot be a valid
/// token before the costly key derivation is spent on it.
fn split(text: &str) -> Result<([u8; SALT_LEN], String), FletCryptoError> {
    let raw = B64
        .decode(text.trim())
        .map_err(|_| FletCryptoError::Malformed)?;
    let (salt, token) = raw
        .split_at_checked(SALT_LEN)
        .ok_or(FletCryptoError::Malformed)?;
    let token = String::from_utf8(token.to_vec()).map_err(|_| FletCryptoError::Malformed)?;
    // What every valid Fernet token has: version byte 0x80, then whole AES blocks (at least
    // one: PKCS#7 always pads) between the header and the HMAC.
    let bytes = B64.decode(&token).map_err(|_| FletCryptoError::Malformed)?;
    let well_formed = bytes.first() == Some(&0x80)
        && bytes.len() >= TOKEN_OVERHEAD + AES_BLOCK
        && (bytes.len() - TOKEN_OVERHEAD).is_multiple_of(AES_BLOCK);
    if !well_formed {
        return Err(FletCryptoError::Malformed);
    }
    let salt = salt.try_into().map_err(|_| FletCryptoError::Malformed)?;
    Ok((salt, token))
}

fn open(fernet: &Fernet, token: &str) -> Result<String, FletCryptoError> {
    let plain = fernet
        .decrypt(token)
        .map_err(|_| FletCryptoError::WrongSecretOrTampered)?;
    String::from_utf8(plain).map_err(|_| FletCryptoError::NotUtf8)
}

/// The Fernet instance Flet uses for this secret and salt.
fn fernet_for(secret: &str, salt: &[u8]) -> Fernet {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(secret.as_bytes(), salt, ITERATIONS, &mut key);
    // The fernet crate only takes the key as base64 text; 32 bytes always make a valid key.
    Fernet::new(&B64.encode(key)).expect("a 32-byte key is a valid Fernet key")
}

#[cfg(test)]
mod tests {
    use super::*;

    // Made with Python `cryptography` 48.0.0 exactly as Flet does (PBKDF2-SHA256, 600,000
    // iterations, 16-byte salt), with `Fernet.encrypt_at_time(…, 1_700_000_000)` so that no
    // clock ever sees the token as dated in the future. The two share a salt, hence a key.
    const SECRET: &str = "porte flet vector – sécret 🔑";
    const PLAIN: &str = "Flet ✓ ünïcødé 🦀";
    const VECTOR: &str = "l5vu6iNqHkbT02KskZVW6WdBQUFBQUJsVV9FQU9RYUZtZ2pDZ2cyTEFuRjZNSF9Hd0ZUM1drRVZ0VDhKMllKZnlUcmZ0YlAyZVdibDRXNzd6VVNQUXhPMzFVQ1BjYkllUmdJVUNjWW1qVVd4Y0NVNE5PT3Z2OWw3WE4tTk9sRUMxR1Fvel84PQ==";
    /// Encrypts the bytes `ff fe " not utf-8"`.
    const NOT_UTF8: &str = "l5vu6iNqHkbT02KskZVW6WdBQUFBQUJsVV9FQTM0Z3c0ZG10dnJnQXk2YmlFZ2N3RE9EY1Z3UWViSlcxc08xeE9WR3JEMG9wckstcGV6cW1jMWt4RXFZZkJSc1poYmluNHR3X2JHTFhzeDdoQXBHMTZnPT0=";

    // Each test below derives at most two keys: 600,000 iterations are slow in debug builds.

    #[test]
    fn decrypts_a_python_vector() {
        assert_eq!(decrypt(VECTOR, SECRET).as_deref(), Ok(PLAIN));
    }

    #[test]
    fn wrong_secret_is_an_error() {
        let wrong = decrypt(VECTOR, "porte flet vector – secret 🔑");
        assert_eq!(wrong, Err(FletCryptoError::WrongSecretOrTampered));
    }

    #[test]
    fn round_trip() {
        let text = "line 1\nline 2 – ✓ 🦀\n";
        let sealed = encrypt(text, "s3cret");
        let raw = B64.decode(&sealed).unwrap();
        assert!(
            raw[SALT_LEN..].starts_with(b"gAAAAA"),
            "Fernet token text after the salt"
        );
        assert_eq!(decrypt(&sealed, "s3cret").as_deref(), Ok(text));
    }

    #[test]
    fn tampered_or_non_utf8_is_an_error() {
        let (salt, token) = split(VECTOR).unwrap();
        let fernet = fernet_for(SECRET, &salt);
        assert_eq!(open(&fernet, &token).as_deref(), Ok(PLAIN));
        let mut bytes = B64.decode(&token).unwrap();
        for at in [5, 10, 30, bytes.len() - 1] {
            bytes[at] ^= 1;
            let tampered = open(&fernet, &B64.encode(&bytes));
            assert_eq!(
                tampered,
                Err(FletCryptoError::WrongSecretOrTampered),
                "byte {at}"
            );
            bytes[at] ^= 1;
        }
        let (_, token) = split(NOT_UTF8).unwrap();
        assert_eq!(open(&fernet, &token), Err(FletCryptoError::NotUtf8));
    }

    #[test]
    fn malformed_text_is_an_error_before_any_key_derivation() {
        let raw = B64.decode(VECTOR).unwrap();
        let reencoded = |bytes: &[u8]| B64.encode(bytes);
        let cases = [
            String::new(),
            "   ".into(),
            "not base64!".into(),
            format!("+{}", &VECTOR[1..]), // standard, not URL-safe, alphabet
            VECTOR[..VECTOR.len() - 3].into(),
            VECTOR[..VECTOR.len() / 2].into(),
            reencoded(&raw[..SALT_LEN]),              // salt only
            reencoded(&raw[..raw.len() - 8]),         // token cut short
            reencoded(&[&raw[..], b"AAAA"].concat()), // extra bytes
            reencoded(&[0u8; 200]),                   // no Fernet token
        ];
        for case in cases {
            // `split` alone: proves these fail without spending a key derivation.
            assert_eq!(split(&case), Err(FletCryptoError::Malformed), "{case:?}");
        }
    }
}
